import type { CorsPolicyOptions } from '../../lib';
import {
  compilePolicy,
  decidePreflight,
  isPreflight,
  type CorsDecision,
  type PreflightRequest,
} from '../../lib/engine/public-api';
import { buildPolicy } from '../../lib/engine/build-policy';
import { keptApprovalsWithHeaders } from '../../lib/engine/model/approved-preflights';

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
  it("approves the requested method and headers, never more, with the policy's other headers", () => {
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
        ['Access-Control-Allow-Methods', 'PUT'],
        ['Access-Control-Allow-Credentials', 'true'],
        ['Access-Control-Allow-Headers', 'content-type,x-token'],
        ['Access-Control-Max-Age', '600'],
      ],
      vary: PREFLIGHT_VARY,
    });
  });

  it('keeps one approval per exact origin, method and header list once made', () => {
    const policy = compilePolicy({ origin: APP, methods: ['PUT'], allowedHeaders: ['X-Token'] });
    const ask = (request: Partial<PreflightRequest>) =>
      decidePreflight(policy, { origin: APP, method: 'PUT', ...request });
    const first = ask({ headers: 'x-token' });
    expect(ask({ headers: 'x-token' })).toBe(first);
    const plain = ask({});
    expect(plain).not.toBe(first);
    expect(ask({})).toBe(plain);
    expect(ask({ method: 'GET' })).not.toBe(plain);
    expect(ask({ forbidCaching: true })).not.toBe(plain);
    expect(ask({ forbidCaching: true })).toBe(ask({ forbidCaching: true }));
    // An origin that only a pattern allows is not kept: origins are the client's choice.
    const patterned = compilePolicy({ origin: 'https://*.example.com' });
    const other = { origin: 'https://a.example.com', method: 'PUT' };
    expect(decidePreflight(patterned, other)).not.toBe(decidePreflight(patterned, other));
  });

  it('keeps a bounded number of header lists in the whole process, whatever clients ask', () => {
    // Many policies (a per-request policy compiles one per distinct answer) share one bound.
    const policies = Array.from({ length: 50 }, () => buildPolicy({ origin: APP }));
    for (const policy of policies)
      for (let i = 0; i < 200; i++)
        void decidePreflight(policy, { origin: APP, method: 'PUT', headers: `x-${i}` });
    expect(keptApprovalsWithHeaders()).toBeGreaterThan(0);
    expect(keptApprovalsWithHeaders()).toBeLessThanOrEqual(4096);
    // The newest are kept: asked again, the same decision comes back.
    const last = policies[49]!;
    expect(decidePreflight(last, { origin: APP, method: 'PUT', headers: 'x-199' })).toBe(
      decidePreflight(last, { origin: APP, method: 'PUT', headers: 'x-199' }),
    );
    const policy = last;
    const long = `x-${'a'.repeat(300)}`;
    expect(decidePreflight(policy, { origin: APP, method: 'PUT', headers: long })).not.toBe(
      decidePreflight(policy, { origin: APP, method: 'PUT', headers: long }),
    );
  });

  it('never lets a kept approval answer a request it did not approve', () => {
    const policy = compilePolicy({ origin: APP, methods: ['PUT'], allowedHeaders: ['X-Token'] });
    expect(
      decidePreflight(policy, { origin: APP, method: 'PUT', headers: 'x-token' }),
    ).toMatchObject({ allowed: true });
    for (const request of [
      { method: 'DELETE', headers: 'x-token' },
      { method: 'PUT', headers: 'x-token,x-other' },
      { method: 'PUT', headers: 'x-token', origin: 'https://evil.example' },
    ]) {
      expect(decidePreflight(policy, { origin: APP, ...request })).toMatchObject({
        allowed: false,
        headers: [],
      });
    }
  });

  it('answers Access-Control-Max-Age: 0 when asked to forbid caching, whatever maxAge says', () => {
    for (const maxAge of [600, undefined, -1]) {
      const decision = preflight({ origin: APP, maxAge }, { forbidCaching: true });
      expect(headersOf(decision)['Access-Control-Max-Age']).toBe('0');
    }
    const denied = preflight(
      { origin: APP, maxAge: 600 },
      { forbidCaching: true, origin: 'https://evil.example' },
    );
    expect(denied.headers).toEqual([]);
    expect(
      headersOf(
        preflight(
          { origin: APP, privateNetworkAccess: true, maxAge: 600 },
          {
            forbidCaching: true,
            privateNetwork: 'true',
          },
        ),
      )['Access-Control-Max-Age'],
    ).toBe('0');
  });

  it('uses the defaults of app.enableCors() on Express', () => {
    const decision = preflight({ origin: APP }, { method: 'DELETE', headers: 'x-anything' });
    expect(headersOf(decision)).toEqual({
      'Access-Control-Allow-Origin': APP,
      'Access-Control-Allow-Methods': 'DELETE',
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
      const decision = preflight({ origin: APP, methods: ['PUT'] }, { method, headers: 'x-a' });
      expect(decision.allowed).toBe(true);
      expect(headersOf(decision)['Access-Control-Allow-Methods']).toBe(method);
    }
  });

  it('compares header names case-insensitively, and echoes them lower case', () => {
    const decision = preflight(
      { origin: APP, allowedHeaders: ['x-token'] },
      { headers: 'X-TOKEN' },
    );
    expect(decision.allowed).toBe(true);
    expect(headersOf(decision)['Access-Control-Allow-Headers']).toBe('x-token');
  });

  it('normalises standard method names in the configuration', () => {
    expect(preflight({ origin: APP, methods: ['delete'] }, { method: 'DELETE' }).allowed).toBe(
      true,
    );
    expect(preflight({ origin: APP, methods: ['Purge'] }, { method: 'Purge' }).allowed).toBe(true);
    expect(preflight({ origin: APP, methods: ['Purge'] }, { method: 'PURGE' }).allowed).toBe(false);
  });

  describe('wildcards in methods and allowedHeaders', () => {
    it("are answered with the requested method and headers without credentials too: a cached '*' would approve every method and header for the URL", () => {
      const decision = preflight(
        { origin: '*', methods: '*', allowedHeaders: ['*', 'Authorization'] },
        { method: 'PURGE', headers: 'authorization,x-a' },
      );
      expect(headersOf(decision)).toEqual({
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'PURGE',
        'Access-Control-Allow-Headers': 'authorization,x-a',
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
