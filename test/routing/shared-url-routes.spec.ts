import { buildPolicy } from '../../lib/engine/build-policy';
import { PolicyHandle } from '../../lib/policy/policy-handle';
import type { RequestPolicy } from '../../lib/policy/request-policy';
import type { RoutePolicy, RouteRecord } from '../../lib/routing/route-record';
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

  it('leaves routes without siblings as they are', () => {
    const alone = route('GET', '/alone', P);
    const { records, shared } = withSharedUrls([alone, route('PUT', '/other', Q)]);
    expect(records[0]).toBe(alone);
    expect(shared).toEqual([]);
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
