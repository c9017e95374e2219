import {
  compilePolicy,
  decidePreflight,
  isPreflight,
  type CorsDecision,
  type CorsPolicyOptions,
  type PreflightRequest,
} from '../../lib';
import { buildPolicy } from '../../lib/engine/build-policy';

const APP = 'https://app.example.com';
const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

function preflight(options: CorsPolicyOptions, request: Partial<PreflightRequest>): CorsDecision {
  const decision = decidePreflight(compilePolicy(options), {
    origin: APP,
    method: 'PUT',
    ...request,
  });
  if (decision instanceof Promise) throw new Error('expected a synchronous decision');
  return decision;
}

function headersOf(decision: CorsDecision): Record<string, string> {
  return Object.fromEntries(decision.headers);
}

describe('isPreflight', () => {
  it('needs OPTIONS, Origin and Access-Control-Request-Method', () => {
    expect(isPreflight('OPTIONS', APP, 'PUT')).toBe(true);
    expect(isPreflight('OPTIONS', APP, undefined)).toBe(false);
    expect(isPreflight('OPTIONS', undefined, 'PUT')).toBe(false);
    expect(isPreflight('GET', APP, 'PUT')).toBe(false);
  });
});

describe('decidePreflight', () => {
  it('approves with every approving header of the policy', () => {
    const decision = preflight(
      {
        origin: APP,
        credentials: true,
        methods: ['GET', 'PUT'],
        allowedHeaders: ['X-Token', 'Content-Type'],
        maxAge: 600,
        exposedHeaders: ['X-Total'],
      },
      { headers: 'content-type,x-token' },
    );
    expect(decision).toEqual({
      allowed: true,
      reason: 'allowed',
      headers: [
        ['Access-Control-Allow-Origin', APP],
        ['Access-Control-Allow-Methods', 'GET, PUT'],
        ['Access-Control-Allow-Credentials', 'true'],
        ['Access-Control-Allow-Headers', 'X-Token, Content-Type'],
        ['Access-Control-Max-Age', '600'],
      ],
      vary: PREFLIGHT_VARY,
    });
  });

  it('reuses one precomputed approval per exact origin when nothing is echoed', () => {
    const policy = compilePolicy({ origin: APP, methods: ['PUT'], allowedHeaders: ['X-Token'] });
    const first = decidePreflight(policy, { origin: APP, method: 'PUT', headers: 'x-token' });
    expect(decidePreflight(policy, { origin: APP, method: 'PUT' })).toBe(first);
    const echoing = compilePolicy({ origin: APP });
    expect(decidePreflight(echoing, { origin: APP, method: 'PUT', headers: 'x-a' })).toMatchObject({
      headers: expect.arrayContaining([['Access-Control-Allow-Headers', 'x-a']]) as unknown,
    });
  });

  it('uses the defaults of app.enableCors() on Express', () => {
    const decision = preflight({ origin: APP }, { method: 'DELETE', headers: 'x-anything' });
    expect(headersOf(decision)).toEqual({
      'Access-Control-Allow-Origin': APP,
      'Access-Control-Allow-Methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
      'Access-Control-Allow-Headers': 'x-anything',
    });
  });

  it('writes maxAge 0 and -1, and no header when unset', () => {
    expect(headersOf(preflight({ origin: APP, maxAge: 0 }, {}))['Access-Control-Max-Age']).toBe(
      '0',
    );
    expect(headersOf(preflight({ origin: APP, maxAge: -1 }, {}))['Access-Control-Max-Age']).toBe(
      '-1',
    );
    expect(headersOf(preflight({ origin: APP }, {}))).not.toHaveProperty('Access-Control-Max-Age');
  });

  describe('denials carry nothing approving, only Vary', () => {
    it.each([
      [
        'an origin not allowed',
        { origin: APP },
        { origin: 'https://evil.example' },
        'origin-not-allowed',
      ],
      [
        'a malformed origin',
        { origin: true },
        { origin: 'https://a.example, https://b.example' },
        'origin-malformed',
      ],
      [
        'a method not allowed',
        { origin: APP, methods: ['PUT'] },
        { method: 'DELETE' },
        'method-not-allowed',
      ],
      [
        'a method in the wrong case',
        { origin: APP, methods: ['PATCH'] },
        { method: 'patch' },
        'method-not-allowed',
      ],
      ['a malformed method', { origin: APP }, { method: 'PU T' }, 'method-malformed'],
      [
        'a header not allowed',
        { origin: APP, allowedHeaders: ['X-Token'] },
        { headers: 'x-token,x-other' },
        'header-not-allowed: x-other',
      ],
      [
        'Authorization under a wildcard',
        { origin: APP, allowedHeaders: '*' },
        { headers: 'authorization' },
        'header-not-allowed: authorization',
      ],
      [
        'a malformed header list',
        { origin: APP },
        { headers: 'x-a, ,x b' },
        'request-headers-malformed',
      ],
      [
        'a private network request not enabled',
        { origin: APP },
        { privateNetwork: 'true' },
        'private-network-not-allowed',
      ],
    ] as [string, CorsPolicyOptions, Partial<PreflightRequest>, string][])(
      '%s',
      (_what, options, request, reason) => {
        const decision = preflight(options, request);
        expect(decision).toEqual({ allowed: false, reason, headers: [], vary: PREFLIGHT_VARY });
      },
    );

    it('refuses an absurd header list by its size, before judging any name', () => {
      const policy = compilePolicy({ origin: APP, allowedHeaders: ['X-Token'] });
      const huge = 'x'.repeat(200_000);
      const many = Array.from({ length: 5000 }, (_, i) => `x-${i}`).join(',');
      expect(decidePreflight(policy, { origin: APP, method: 'PUT', headers: huge })).toMatchObject({
        allowed: false,
        reason: 'request-headers-too-long',
      });
      expect(decidePreflight(policy, { origin: APP, method: 'PUT', headers: many })).toMatchObject({
        allowed: false,
        reason: 'request-headers-too-long',
      });
    });
  });

  it('lets the safelisted methods pass whatever the policy lists, as browsers do', () => {
    for (const method of ['GET', 'HEAD', 'POST']) {
      expect(preflight({ origin: APP, methods: ['PUT'] }, { method, headers: 'x-a' }).allowed).toBe(
        true,
      );
    }
  });

  it('compares header names case-insensitively', () => {
    expect(
      preflight({ origin: APP, allowedHeaders: ['x-token'] }, { headers: 'X-TOKEN' }).allowed,
    ).toBe(true);
  });

  it('normalises standard method names in the configuration', () => {
    expect(preflight({ origin: APP, methods: ['delete'] }, { method: 'DELETE' }).allowed).toBe(
      true,
    );
    expect(preflight({ origin: APP, methods: ['Purge'] }, { method: 'Purge' }).allowed).toBe(true);
    expect(preflight({ origin: APP, methods: ['Purge'] }, { method: 'PURGE' }).allowed).toBe(false);
  });

  describe('wildcards in methods and allowedHeaders', () => {
    it("answer '*' without credentials, keeping Authorization listed apart", () => {
      const decision = preflight(
        { origin: '*', methods: '*', allowedHeaders: ['*', 'Authorization'] },
        { method: 'PURGE', headers: 'authorization,x-a' },
      );
      expect(headersOf(decision)).toEqual({
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': '*',
        'Access-Control-Allow-Headers': '*, Authorization',
      });
    });

    it('echo the requested method and headers with credentials, where * would be literal', () => {
      const decision = preflight(
        { origin: APP, credentials: true, methods: ['*'], allowedHeaders: ['*'] },
        { method: 'PURGE', headers: 'x-a,x-b' },
      );
      expect(headersOf(decision)).toEqual({
        'Access-Control-Allow-Origin': APP,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'PURGE',
        'Access-Control-Allow-Headers': 'x-a,x-b',
      });
      expect(
        preflight(
          { origin: APP, credentials: true, allowedHeaders: ['*'] },
          { headers: 'authorization' },
        ).allowed,
      ).toBe(false);
    });
  });

  describe('private network access', () => {
    it('is approved only when enabled and asked for', () => {
      const enabled: CorsPolicyOptions = { origin: APP, privateNetworkAccess: true };
      const asked = preflight(enabled, { privateNetwork: 'true' });
      expect(headersOf(asked)['Access-Control-Allow-Private-Network']).toBe('true');
      expect(asked.vary).toBe(`${PREFLIGHT_VARY}, Access-Control-Request-Private-Network`);
      expect(headersOf(preflight(enabled, {}))).not.toHaveProperty(
        'Access-Control-Allow-Private-Network',
      );
    });
  });

  it('asks an asynchronous predicate, then checks the method', async () => {
    const policy = compilePolicy({ origin: async () => true, methods: ['PUT'] });
    await expect(decidePreflight(policy, { origin: APP, method: 'PUT' })).resolves.toMatchObject({
      allowed: true,
    });
    await expect(decidePreflight(policy, { origin: APP, method: 'DELETE' })).resolves.toMatchObject(
      {
        allowed: false,
        reason: 'method-not-allowed',
      },
    );
  });

  describe('preflightCacheControl', () => {
    it('lets shared caches keep an approved preflight, fixed or echoed', () => {
      expect(
        headersOf(preflight({ origin: APP, preflightCacheControl: 600 }, { headers: 'x-a' })),
      ).toMatchObject({ 'Cache-Control': 'public, max-age=600' });
      const fixed = { origin: APP, methods: ['PUT'], allowedHeaders: ['X-A'] };
      expect(
        headersOf(preflight({ ...fixed, preflightCacheControl: 'public, s-maxage=60' }, {})),
      ).toMatchObject({ 'Cache-Control': 'public, s-maxage=60' });
    });

    it('is not sent on a denied preflight, nor when unset', () => {
      const denied = preflight(
        { origin: APP, preflightCacheControl: 600 },
        { origin: 'https://evil.example' },
      );
      expect(denied.headers).toEqual([]);
      expect(headersOf(preflight({ origin: APP }, {}))['Cache-Control']).toBeUndefined();
    });
  });

  it('echoes a padded header list without its empty elements', () => {
    expect(headersOf(preflight({ origin: APP }, { headers: ' , ,x-a,, x-b ,' }))).toMatchObject({
      'Access-Control-Allow-Headers': 'x-a, x-b',
    });
    expect(
      headersOf(preflight({ origin: APP }, { headers: ', ,' }))['Access-Control-Allow-Headers'],
    ).toBeUndefined();
  });

  it('exposes preflightContinue and optionsSuccessStatus for the caller', () => {
    const policy = buildPolicy({
      origin: APP,
      preflightContinue: true,
      optionsSuccessStatus: 200,
    });
    expect(policy.preflightContinue).toBe(true);
    expect(policy.optionsSuccessStatus).toBe(200);
    expect(buildPolicy({}).optionsSuccessStatus).toBe(204);
  });
});
