import { buildPolicy } from '../../lib/engine/build-policy';
import { PolicyHandle } from '../../lib/policy/policy-handle';
import type { RequestPolicy } from '../../lib/policy/request-policy';
import type { RoutePolicy, RouteRecord } from '../../lib/routing/route-record';
import { POLICY_BY_URL, type OutsideRoute } from '../../lib/routing/shared-url';
import { servedMethods, withSharedUrls } from '../../lib/routing/shared-url-routes';

class C {}
const A = buildPolicy({ origin: 'https://a.example' });
const B = buildPolicy({ origin: 'https://b.example' });
const P = new PolicyHandle('P', A);
const Q = new PolicyHandle('Q', B);
const perRequest = () => new PolicyHandle('fn', { policyFor: () => A } as unknown as RequestPolicy);

const route = (method: string, path: string, policy: RoutePolicy): RouteRecord => ({
  method,
  path,
  policy,
  hosts: undefined,
  versions: undefined,
  controller: C,
  methodName: `${method} ${path}`,
  handler: {},
});

/** For each route, whether its preflights must not be cached. */
function disagreeing(...records: RouteRecord[]): boolean[] {
  return withSharedUrls(records).records.map((r) => r.sharedUrl?.disagrees === true);
}

describe('withSharedUrls', () => {
  it.each([
    ['two methods of one path, two policies', ['PUT', '/x/:id', P], ['DELETE', '/x/:id', Q], true],
    ['two methods of one path, one policy', ['PUT', '/x/:id', P], ['DELETE', '/x/:id', P], false],
    [
      'two handles of one compiled policy',
      ['PUT', '/x/:id', P],
      ['DELETE', '/x/:id', new PolicyHandle('P again', A)],
      false,
    ],
    ['a parameter against a literal', ['PUT', '/x/:id', P], ['DELETE', '/x/special', Q], true],
    ['literals in another case', ['PUT', '/X/Special', P], ['DELETE', '/x/special', Q], true],
    ['a trailing slash', ['PUT', '/x/', P], ['DELETE', '/x', Q], true],
    ['a wildcard', ['PUT', '/files/*path', P], ['DELETE', '/files/a/b', Q], true],
    ['an optional part', ['PUT', '/x{/:id}', P], ['DELETE', '/x', Q], true],
    ['an optional part after another literal', ['PUT', '/opt{/:x}', P], ['DELETE', '/x', Q], false],
    ['a wildcard that begins a segment', ['PUT', '/*rest', P], ['DELETE', '/x', Q], true],
    ['a segment that begins alike', ['PUT', '/ab*rest', P], ['DELETE', '/abc', Q], true],
    ['a segment that begins otherwise', ['PUT', '/ab*rest', P], ['DELETE', '/ba', Q], false],
    [
      'an open segment where the other path ends',
      ['PUT', '/x/ab*r', P],
      ['DELETE', '/x', Q],
      false,
    ],
    ['@All() against another method', ['ALL', '/x', P], ['GET', '/x', Q], true],
    ['one method, two policies (versions)', ['GET', '/x', P], ['GET', '/x', Q], true],
    ['CORS off beside a policy', ['PUT', '/x', P], ['DELETE', '/x', null], true],
    ['a per-request policy beside another', ['PUT', '/x', perRequest()], ['DELETE', '/x', P], true],
    ['other literals', ['PUT', '/x/:id', P], ['DELETE', '/y/:id', Q], false],
    ['other lengths', ['PUT', '/x/:id', P], ['DELETE', '/x/:id/parts', Q], false],
    [
      'one method on two paths: the router picks one per URL',
      ['GET', '/x/:id', P],
      ['GET', '/x/special', Q],
      false,
    ],
  ] as [string, [string, string, RoutePolicy], [string, string, RoutePolicy], boolean][])(
    '%s',
    (_what, first, second, expected) => {
      expect(disagreeing(route(...first), route(...second))).toEqual([expected, expected]);
    },
  );

  it('gives routes without siblings a SharedUrl that agrees, for routes outside Nest to come', () => {
    const { records, shared } = withSharedUrls([route('GET', '/alone', P), route('PUT', '/o', Q)]);
    expect(records.map((r) => r.sharedUrl?.disagrees)).toEqual([false, false]);
    expect(shared).toHaveLength(2);
  });

  it('compares again on refresh, as CorsPolicies.replace() changes the handles', () => {
    const put = new PolicyHandle('put', A);
    const del = new PolicyHandle('delete', A);
    const { records, shared } = withSharedUrls([
      route('PUT', '/x', put),
      route('DELETE', '/x', del),
    ]);
    expect(records[0]!.sharedUrl!.disagrees).toBe(false);
    del.set(B);
    for (const url of shared) url.refresh();
    expect(records[0]!.sharedUrl!.disagrees).toBe(true);
  });

  it('works out thousands of routes at startup in little time', () => {
    const records = Array.from({ length: 3000 }, (_, i) =>
      route(i % 2 === 0 ? 'GET' : 'PUT', `/r${i % 100}/${i}/:id`, i % 3 === 0 ? P : Q),
    );
    const started = performance.now();
    withSharedUrls(records);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('OutsideRoutes', () => {
  /** Whether a Nest `PUT /y` of policy P disagrees once this route outside Nest is noted. */
  function disagreesWith(outside: OutsideRoute, nest = route('PUT', '/y', P)): boolean {
    const { records, outside: routes } = withSharedUrls([nest]);
    routes.note(outside);
    return records[0]!.sharedUrl!.disagrees;
  }

  it.each([
    ['a GET of another policy at its path', { path: '/y', method: 'GET', policy: Q }, true],
    ['a GET of the same policy', { path: '/y', method: 'GET', policy: P }, false],
    [
      'one of a policy chosen per URL',
      { path: '/:any', method: 'GET', policy: POLICY_BY_URL },
      true,
    ],
    ['another path', { path: '/other', method: 'GET', policy: Q }, false],
    [
      'the same method and path: the router picks one',
      { path: '/y', method: 'PUT', policy: Q },
      false,
    ],
    ['a catch-all of every method', { path: '/*', method: 'ALL', policy: Q }, true],
    ['a paths entry above it', { path: '/', method: 'ALL', policy: Q, prefix: true }, true],
    ['a paths entry at it', { path: '/Y', method: 'ALL', policy: Q, prefix: true }, true],
    ['a paths entry of its policy', { path: '/y', method: 'ALL', policy: P, prefix: true }, false],
    ['a paths entry below it', { path: '/y/z', method: 'ALL', policy: Q, prefix: true }, false],
    ['a paths entry beside it', { path: '/x', method: 'ALL', policy: Q, prefix: true }, false],
  ] as [string, OutsideRoute, boolean][])('%s', (_what, outside, expected) => {
    expect(disagreesWith(outside)).toBe(expected);
  });

  it('keeps a disagreement found outside Nest on refresh', () => {
    const { records, shared, outside } = withSharedUrls([route('PUT', '/y', P)]);
    outside.note({ path: '/y', method: 'GET', policy: Q });
    for (const url of shared) url.refresh();
    expect(records[0]!.sharedUrl!.disagrees).toBe(true);
  });
});

describe('servedMethods', () => {
  it('lists each method of a Nest route once', () => {
    expect(
      servedMethods([route('GET', '/a', P), route('POST', '/a', Q), route('GET', '/b', Q)]),
    ).toEqual(['GET', 'POST']);
  });

  it('asks with GET for @All() routes when no route names a method (any method reaches them)', () => {
    expect(servedMethods([route('ALL', '/a', P)])).toEqual(['GET']);
    expect(servedMethods([route('ALL', '/a', P), route('PUT', '/b', Q)])).toEqual(['PUT']);
  });

  it('has nothing to ask without routes', () => {
    expect(servedMethods([])).toEqual([]);
  });
});
