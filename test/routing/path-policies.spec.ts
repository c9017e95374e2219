import 'reflect-metadata';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import { DeclaredRouteCover, pathPoliciesOf } from '../../lib/routing/path-policies';
import type { RouteRecord } from '../../lib/routing/route-record';
import { QUIET, allows, codesOf, headerOf, refusal } from '../policy/policy-test-kit';

const registry = () =>
  new CorsPolicyRegistry(
    { origin: 'https://app.example.com', policies: { public: { origin: '*' } } },
    QUIET,
  );

describe('pathPoliciesOf', () => {
  it('resolves each value as @Cors() would: fields over the default, a name, false', () => {
    const policies = registry();
    const entries = pathPoliciesOf(
      { '/graphql': { credentials: true }, '/static': 'public', '/internal': false },
      policies,
    );
    expect(entries.map((e) => [e.path, e.where])).toEqual([
      ['/graphql', 'paths["/graphql"]'],
      ['/static', 'paths["/static"]'],
      ['/internal', 'paths["/internal"]'],
    ]);
    const [graphql, staticFiles, internal] = entries.map((e) => e.target.policy);
    // The default's origin, with the entry's credentials on top; the named policy as it is.
    expect(allows(graphql!.fixedPolicy, 'https://app.example.com')).toBe(true);
    expect(allows(graphql!.fixedPolicy, 'https://evil.example')).toBe(false);
    expect(
      headerOf(
        graphql!.fixedPolicy!,
        'https://app.example.com',
        'Access-Control-Allow-Credentials',
      ),
    ).toBe('true');
    expect(
      headerOf(staticFiles!.fixedPolicy!, 'https://evil.example', 'Access-Control-Allow-Origin'),
    ).toBe('*');
    expect(internal).toBeNull();
    expect(
      entries.every((e) => e.target.hosts === undefined && e.target.versions === undefined),
    ).toBe(true);
  });

  it('gives no entries for no option', () => {
    expect(pathPoliciesOf(undefined, registry())).toEqual([]);
  });

  it.each([
    ['a list', ['/graphql']],
    ['a string', '/graphql'],
    ['null', null],
  ])('refuses %s in place of an object', (_name, paths) => {
    expect(codesOf(() => pathPoliciesOf(paths, registry()))).toEqual(['paths-invalid']);
  });

  it('refuses a path without a leading slash, with the fix', () => {
    const error = refusal(() => pathPoliciesOf({ graphql: 'public' }, registry()));
    expect(error.problems).toEqual([
      expect.objectContaining({
        code: 'paths-invalid',
        option: 'paths["graphql"]',
        value: 'graphql',
      }),
    ]);
    expect(error.problems[0]!.fix).toContain('"/graphql"');
  });

  it.each(['/files/*', '/docs/(.*)', '/a{/b', '/:'])(
    'refuses %s, which path-to-regexp 8 cannot read, naming it',
    (path) => {
      const error = refusal(() => pathPoliciesOf({ [path]: 'public' }, registry()));
      expect(error.problems.map((p) => [p.code, p.value])).toEqual([['paths-invalid', path]]);
      expect(error.message).toContain(JSON.stringify(path));
    },
  );

  it('refuses an unknown policy name, naming the entry', () => {
    const error = refusal(() => pathPoliciesOf({ '/graphql': 'nope' }, registry()));
    expect(error.problems.map((p) => p.code)).toEqual(['policy-name-unknown']);
    expect(error.message).toContain('paths["/graphql"]');
  });

  it('refuses an invalid inline policy, naming the entry', () => {
    const error = refusal(() =>
      pathPoliciesOf({ '/graphql': { origin: '*', credentials: true } }, registry()),
    );
    expect(error.problems.map((p) => p.code)).toEqual(['origin-any-with-credentials']);
    expect(error.message).toContain('paths["/graphql"]');
  });
});

describe('DeclaredRouteCover', () => {
  const entries = () =>
    pathPoliciesOf(
      {
        '/a/b': 'public',
        '/a': 'public',
        '/files/*rest': false,
        '/trail/': 'public',
        '/Mixed': 'public',
      },
      registry(),
    );

  it.each([
    ['/a', '/a'],
    ['/a/b/c', '/a/b'],
    ['/a/:id', '/a'],
    ['/ab', undefined],
    ['/files/*', '/files/*rest'],
    ['/files', undefined],
    ['/trail', '/trail/'],
    ['/trail/x', '/trail/'],
    ['/Mixed/x', '/Mixed'],
    ['/mixed', undefined],
  ])('a route declared as %s is covered by %s (first entry that covers it)', (route, entry) => {
    expect(new DeclaredRouteCover(entries(), true).cover(route)?.path).toBe(entry);
  });

  it('ignores case when the router does', () => {
    expect(new DeclaredRouteCover(entries(), false).cover('/mixed/low')?.path).toBe('/Mixed');
  });

  it('warns once per entry that covers controller routes, listing a few', () => {
    const record = (method: string, path: string) => ({ method, path }) as RouteRecord;
    const warnings = new DeclaredRouteCover(entries(), false).shadowWarnings([
      record('GET', '/a/b/one'),
      record('GET', '/a/b/two'),
      record('PUT', '/a/b/three'),
      record('GET', '/a/b/four'),
      record('GET', '/elsewhere'),
    ]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('paths["/a/b"]');
    expect(warnings[0]).toContain('GET /a/b/one, GET /a/b/two, PUT /a/b/three and 1 more');
    expect(warnings[0]).toContain('controller routes win');
    expect(warnings[1]).toContain('paths["/a"]');
  });
});
