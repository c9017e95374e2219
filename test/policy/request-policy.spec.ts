import 'reflect-metadata';
import {
  Cors,
  perRequestPolicy,
  type CorsPolicyOptions,
  type PerRequestPolicySettings,
} from '../../lib';
import { decideActual, decidePreflight, type CompiledCorsPolicy } from '../../lib/engine';
import { internalsOf } from '../../lib/engine/model/compiled-policy-internals';
import { compilePolicy } from '../../lib/engine/compile-policy';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import type { CorsPolicyFunction } from '../../lib/policy/per-request-policy';
import { PolicyFunction, RequestPolicy } from '../../lib/policy/request-policy';
import {
  QUIET,
  allows,
  codesOf,
  handleOf,
  headerOf,
  now,
  recordingLog,
  refusal,
  request,
  deferred,
  methodsOf,
} from './policy-test-kit';

// compilePolicy, counted: how many distinct answers a per-request policy compiled.
jest.mock('../../lib/engine/compile-policy', () => {
  const actual = jest.requireActual<typeof import('../../lib/engine/compile-policy')>(
    '../../lib/engine/compile-policy',
  );
  return { ...actual, compilePolicy: jest.fn(actual.compilePolicy) };
});
const compilePolicySpy = jest.mocked(compilePolicy);

const A = 'https://a.example';
const B = 'https://b.example';
const ADMIN = 'https://admin.example.com';
const WHERE = 'TenantsController';

/** A route's per-request policy over `source`, with a log and a count of its compilations. */
function requestPolicy(
  source: CorsPolicyFunction,
  settings: PerRequestPolicySettings = {},
  fields?: CorsPolicyOptions<unknown>,
) {
  const log = recordingLog();
  const fn = new PolicyFunction(perRequestPolicy(source, settings), WHERE);
  const policy = new RequestPolicy(fn, fields, WHERE, log);
  const before = compilePolicySpy.mock.calls.length;
  /** How many answers were compiled since (the denied policy, compiled at construction, has no `where`). */
  const compilations = () =>
    compilePolicySpy.mock.calls
      .slice(before)
      .filter(
        ([, context]) => context?.where === `the answer of the per-request policy of ${WHERE}`,
      ).length;
  return { policy, log, compilations };
}

/** The policy for a fresh request, which must be synchronous. */
function policyNow(policy: RequestPolicy, headers: Record<string, string> = {}) {
  const result = policy.policyFor(request(headers));
  expect(result).not.toBeInstanceOf(Promise);
  return result as CompiledCorsPolicy<unknown>;
}

/** Whether a policy approves nothing: no approving header for any origin. */
function deniesAll(policy: CompiledCorsPolicy<unknown>): boolean {
  return [A, B, ADMIN, 'https://any.example'].every((origin) => {
    const decision = now(decideActual(policy, origin));
    return !decision.allowed && decision.headers.length === 0;
  });
}

afterEach(() => {
  jest.useRealTimers();
});

describe('RequestPolicy', () => {
  describe('compiles each distinct answer once', () => {
    it('by identity: the same answer object gives the same policy without being read again', () => {
      let reads = 0;
      const answer = {
        get origin() {
          reads++;
          return A;
        },
      };
      const { policy, compilations } = requestPolicy(() => answer);
      const first = policyNow(policy);
      const readsAfterFirst = reads;
      expect(readsAfterFirst).toBeGreaterThan(0);
      expect(policyNow(policy)).toBe(first);
      expect(policyNow(policy)).toBe(first);
      expect(reads).toBe(readsAfterFirst);
      expect(compilations()).toBe(1);
      expect(allows(first, A)).toBe(true);
    });

    it('by fingerprint: equal answer objects give the same policy', () => {
      const { policy, compilations } = requestPolicy(() => ({
        origin: [A, /^https:\/\/[a-z]+\.b\.example$/],
        methods: ['GET', 'PUT'],
        credentials: true,
      }));
      const first = policyNow(policy);
      expect(policyNow(policy)).toBe(first);
      expect(policyNow(policy)).toBe(first);
      expect(compilations()).toBe(1);
    });

    it('different answers give different policies', () => {
      const { policy, compilations } = requestPolicy((req: { headers: { host?: string } }) => ({
        origin: req.headers.host === 'a' ? A : B,
      }));
      const forA = policyNow(policy, { host: 'a' });
      const forB = policyNow(policy, { host: 'b' });
      expect(forA).not.toBe(forB);
      expect(allows(forA, A)).toBe(true);
      expect(allows(forB, A)).toBe(false);
      expect(policyNow(policy, { host: 'a' })).toBe(forA);
      expect(compilations()).toBe(2);
    });

    it('answers once per request object, however often the request asks', () => {
      const source = jest.fn(() => ({ origin: A }));
      const { policy } = requestPolicy(source);
      const req = request();
      const first = policy.policyFor(req);
      expect(policy.policyFor(req)).toBe(first);
      expect(source).toHaveBeenCalledTimes(1);
      expect(policy.policyFor(request())).toBe(first);
      expect(source).toHaveBeenCalledTimes(2);
    });
  });

  it('merges the fields written with @Cors({ ... }) over the answer', () => {
    const answer = { origin: A, credentials: true, exposedHeaders: ['X-Total'], maxAge: 60 };
    const { policy } = requestPolicy(() => answer, {}, { origin: ADMIN, methods: ['PUT'] });
    const compiled = policyNow(policy);
    expect(allows(compiled, ADMIN)).toBe(true);
    expect(allows(compiled, A)).toBe(false);
    expect(headerOf(compiled, ADMIN, 'Access-Control-Allow-Credentials')).toBe('true');
    expect(headerOf(compiled, ADMIN, 'Access-Control-Expose-Headers')).toBe('X-Total');
    expect(methodsOf(compiled)).toEqual(['PUT']);
    expect(internalsOf(compiled).maxAgeValue).toBe('60');
    expect(policyNow(policy)).toBe(compiled);
  });

  describe('denies the request', () => {
    it('for an invalid answer, logging it once however often it comes', () => {
      const answer = { origin: 'https://a.example/' };
      const { policy, log } = requestPolicy((req: { headers: { fresh?: string } }) =>
        req.headers.fresh === 'yes' ? { origin: 'https://a.example/' } : answer,
      );
      for (const fresh of ['no', 'no', 'yes', 'yes', 'no'])
        expect(deniesAll(policyNow(policy, { fresh }))).toBe(true);
      expect(log.error).toHaveBeenCalledTimes(1);
      const [message, error] = log.error.mock.calls[0]!;
      expect(message).toContain(`the answer of the per-request policy of ${WHERE}`);
      expect(message).toContain('Requests that get this answer are denied.');
      expect(error).toBeUndefined();
    });

    it('for answers that are not options', () => {
      for (const answer of [undefined, null, 'https://a.example', 42, true, [A]]) {
        // One parameter: what it returns is its answer (no callback to wait for).
        const { policy } = requestPolicy((_req: unknown) => answer);
        expect([answer, deniesAll(policyNow(policy))]).toEqual([answer, true]);
      }
    });

    it('for an answer that is not options, saying so, and never merging @Cors() fields into it', () => {
      for (const answer of [undefined, [], [A]]) {
        const { policy, log } = requestPolicy((_req: unknown) => answer, {}, { origin: ADMIN });
        expect(deniesAll(policyNow(policy))).toBe(true);
        expect(log.error).toHaveBeenCalledTimes(1);
        expect(log.error.mock.calls[0]![0]).toContain('is not an options object');
      }
    });

    it('when the function throws, logging each time', () => {
      const failure = new Error('tenant store down');
      const { policy, log } = requestPolicy(() => {
        throw failure;
      });
      expect(deniesAll(policyNow(policy))).toBe(true);
      expect(deniesAll(policyNow(policy))).toBe(true);
      expect(log.error).toHaveBeenCalledTimes(2);
      expect(log.error).toHaveBeenCalledWith(
        `The per-request CORS policy of ${WHERE} failed; the request was denied.`,
        failure,
      );
    });

    it('when its promise rejects, logging each time', async () => {
      const failure = new Error('tenant store down');
      const { policy, log } = requestPolicy(async () => {
        throw failure;
      });
      for (let i = 0; i < 2; i++) {
        const result = policy.policyFor(request());
        expect(result).toBeInstanceOf(Promise);
        expect(deniesAll(await result)).toBe(true);
      }
      expect(log.error).toHaveBeenCalledTimes(2);
      expect(log.error.mock.calls[1]![1]).toBe(failure);
    });

    it('when it answers an error through the callback, at once or later', async () => {
      const { policy, log } = requestPolicy((_req, callback) => callback(new Error('sync')));
      expect(deniesAll(policyNow(policy))).toBe(true);
      const later = requestPolicy((_req, callback) => {
        setImmediate(() => callback(new Error('later')));
      });
      expect(deniesAll(await later.policy.policyFor(request()))).toBe(true);
      expect(log.error).toHaveBeenCalledTimes(1);
      expect(later.log.error).toHaveBeenCalledTimes(1);
    });

    it('when it gives no answer within its timeout', async () => {
      jest.useFakeTimers();
      const { policy, log } = requestPolicy(() => new Promise(() => undefined), { timeout: 30 });
      let settled: CompiledCorsPolicy<unknown> | undefined;
      void (policy.policyFor(request()) as Promise<CompiledCorsPolicy<unknown>>).then(
        (result) => (settled = result),
      );
      await jest.advanceTimersByTimeAsync(29);
      expect(settled).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(settled).toBeDefined();
      expect(deniesAll(settled!)).toBe(true);
      expect(log.error).toHaveBeenCalledTimes(1);
      const error = log.error.mock.calls[0]![1] as Error;
      expect(error.message).toBe(
        `The per-request CORS policy of ${WHERE} gave no answer within 30 ms (timeout)`,
      );
    });

    it('after 2000 ms by default', async () => {
      jest.useFakeTimers();
      const { policy } = requestPolicy((_req, _callback) => undefined);
      let settled: CompiledCorsPolicy<unknown> | undefined;
      void (policy.policyFor(request()) as Promise<CompiledCorsPolicy<unknown>>).then(
        (result) => (settled = result),
      );
      await jest.advanceTimersByTimeAsync(1999);
      expect(settled).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(deniesAll(settled!)).toBe(true);
    });

    it('after about 30 ms on real timers', async () => {
      const { policy } = requestPolicy(() => new Promise(() => undefined), { timeout: 30 });
      const started = performance.now();
      expect(deniesAll(await policy.policyFor(request()))).toBe(true);
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(25);
      expect(elapsed).toBeLessThan(1000);
    });
  });

  it('takes an answer given through the callback, or a promise', async () => {
    const callback = requestPolicy((_req, done) => done(null, { origin: A }));
    expect(allows(policyNow(callback.policy), A)).toBe(true);
    const promised = requestPolicy(async () => ({ origin: B }));
    expect(allows(await promised.policy.policyFor(request()), B)).toBe(true);
  });

  describe('with a cache', () => {
    const settings = { vary: ['Host'], cache: { ttl: 1000, max: 10 } };

    it('keeps answers by the values of the vary headers', () => {
      const source = jest.fn((req: { headers: { host?: string } }) => ({
        origin: `https://${req.headers.host}.example`,
      }));
      const { policy } = requestPolicy(source, settings);
      const forA = policyNow(policy, { host: 'a' });
      expect(policyNow(policy, { host: 'a', 'x-other': '1' })).toBe(forA);
      expect(source).toHaveBeenCalledTimes(1);
      const forB = policyNow(policy, { host: 'b' });
      expect(source).toHaveBeenCalledTimes(2);
      expect(allows(forB, B)).toBe(true);
      expect(policyNow(policy, {})).not.toBe(forA);
      expect(source).toHaveBeenCalledTimes(3);
      expect(policyNow(policy, { host: 'b' })).toBe(forB);
      expect(source).toHaveBeenCalledTimes(3);
    });

    it('asks for every request without one', () => {
      const source = jest.fn(() => ({ origin: A }));
      const { policy } = requestPolicy(source, { vary: ['Host'] });
      policyNow(policy, { host: 'a' });
      policyNow(policy, { host: 'a' });
      expect(source).toHaveBeenCalledTimes(2);
    });

    it('has one call in flight per key', async () => {
      const pending = deferred<CorsPolicyOptions<unknown>>();
      const source = jest.fn(() => pending.promise);
      const { policy } = requestPolicy(source, settings);
      const asked = () => policy.policyFor(request({ host: 'a' }));
      const waiting = [asked(), asked(), asked()] as Promise<CompiledCorsPolicy<unknown>>[];
      for (const promise of waiting) expect(promise).toBeInstanceOf(Promise);
      const other = policy.policyFor(request({ host: 'b' }));
      expect(source).toHaveBeenCalledTimes(2);
      pending.resolve({ origin: A });
      const results = await Promise.all(waiting);
      expect(results[1]).toBe(results[0]);
      expect(results[2]).toBe(results[0]);
      expect(allows(results[0], A)).toBe(true);
      expect(await other).toBe(results[0]);
      // Kept now: answered synchronously.
      expect(policyNow(policy, { host: 'a' })).toBe(results[0]);
      expect(source).toHaveBeenCalledTimes(2);
    });

    it('keeps an answer for ttl milliseconds', () => {
      jest.useFakeTimers();
      const source = jest.fn(() => ({ origin: A }));
      const { policy } = requestPolicy(source, settings);
      policyNow(policy, { host: 'a' });
      jest.advanceTimersByTime(999);
      policyNow(policy, { host: 'a' });
      expect(source).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(1);
      policyNow(policy, { host: 'a' });
      expect(source).toHaveBeenCalledTimes(2);
    });

    it('with staleIfError, answers with the last good answer while the function fails, logged, up to the bound', async () => {
      jest.useFakeTimers();
      let failing = false;
      const source = jest.fn(async () => {
        if (failing) throw new Error('tenant database down');
        return { origin: A };
      });
      const { policy, log } = requestPolicy(source, {
        vary: ['Host'],
        cache: { ttl: 1_000, max: 10, staleIfError: 5_000 },
      });
      const good = await policy.policyFor(request({ host: 'a' }));
      expect(allows(good, A)).toBe(true);
      failing = true;
      jest.advanceTimersByTime(1_000);
      expect(await policy.policyFor(request({ host: 'a' }))).toBe(good);
      expect(log.error).toHaveBeenCalledTimes(1);
      expect(log.error.mock.calls[0]![0]).toContain('its last good answer was served');
      // Too old now: the request is denied, as any failure is.
      jest.advanceTimersByTime(5_000);
      expect(deniesAll(await policy.policyFor(request({ host: 'a' })))).toBe(true);
      expect(log.error).toHaveBeenCalledTimes(2);
      expect(log.error.mock.calls[1]![0]).toContain('the request was denied');
    });

    it('keeps at most max answers', () => {
      const source = jest.fn((req: { headers: { host?: string } }) => ({
        origin: `https://${req.headers.host}.example`,
      }));
      const { policy } = requestPolicy(source, { vary: ['Host'], cache: { ttl: 60_000, max: 2 } });
      for (const host of ['a', 'b', 'c']) policyNow(policy, { host });
      policyNow(policy, { host: 'c' });
      expect(source).toHaveBeenCalledTimes(3);
      policyNow(policy, { host: 'a' });
      expect(source).toHaveBeenCalledTimes(4);
    });

    it("keys Host on the host the platform read: HTTP/2 :authority, a trusted proxy's host", () => {
      const source = jest.fn((req: { hostname?: string; headers: Record<string, string> }) => ({
        origin: `https://${req.hostname ?? req.headers.host}`,
      }));
      const { policy } = requestPolicy(source, settings);
      // Over HTTP/2 there is no Host header: two tenants differ only by :authority.
      const http2 = (authority: string) => ({
        protocol: 'https',
        host: authority,
        hostname: authority,
        headers: { ':authority': authority },
      });
      const forA = policy.policyFor(http2('a.example')) as CompiledCorsPolicy<unknown>;
      const forB = policy.policyFor(http2('b.example')) as CompiledCorsPolicy<unknown>;
      expect(source).toHaveBeenCalledTimes(2);
      expect(allows(forB, 'https://b.example')).toBe(true);
      expect(allows(forB, 'https://a.example')).toBe(false);
      // Behind a trusted proxy that sends every tenant with one Host header.
      const proxied = (forwarded: string) => ({
        protocol: 'https',
        host: forwarded,
        hostname: forwarded,
        headers: { host: 'backend:3000', 'x-forwarded-host': forwarded },
      });
      const viaProxyA = policy.policyFor(proxied('a.example')) as CompiledCorsPolicy<unknown>;
      const viaProxyB = policy.policyFor(proxied('b.example')) as CompiledCorsPolicy<unknown>;
      expect(source).toHaveBeenCalledTimes(4);
      expect(viaProxyA).toBe(forA);
      expect(allows(viaProxyB, 'https://a.example')).toBe(false);
    });

    it('does not keep a failure', async () => {
      const source = jest
        .fn<Promise<CorsPolicyOptions<unknown>>, []>()
        .mockRejectedValueOnce(new Error('down'))
        .mockResolvedValue({ origin: A });
      const { policy, log } = requestPolicy(source, settings);
      expect(deniesAll(await policy.policyFor(request({ host: 'a' })))).toBe(true);
      expect(allows(await policy.policyFor(request({ host: 'a' })), A)).toBe(true);
      expect(source).toHaveBeenCalledTimes(2);
      expect(log.error).toHaveBeenCalledTimes(1);
    });
  });

  describe('puts the vary names in the Vary of every decision', () => {
    const vary = { vary: ['Host', 'X-Tenant'] };

    it('of an answer with listed origins, with and without Origin', () => {
      const compiled = policyNow(requestPolicy(() => ({ origin: A }), vary).policy);
      expect(now(decideActual(compiled, A)).vary).toBe('Origin, Host, X-Tenant');
      expect(now(decideActual(compiled, B)).vary).toBe('Origin, Host, X-Tenant');
      expect(now(decideActual(compiled, undefined))).toMatchObject({
        allowed: false,
        vary: 'Origin, Host, X-Tenant',
      });
      expect(now(decidePreflight(compiled, { origin: A, method: 'PUT' })).vary.split(', ')).toEqual(
        expect.arrayContaining(['Origin', 'Host', 'X-Tenant']),
      );
    });

    it("of an answer with origin '*', with and without Origin", () => {
      const compiled = policyNow(requestPolicy(() => ({ origin: '*' }), vary).policy);
      expect(now(decideActual(compiled, A)).vary).toBe('Host, X-Tenant');
      expect(now(decideActual(compiled, undefined))).toMatchObject({
        allowed: true,
        vary: 'Host, X-Tenant',
      });
    });

    it('of the denial after a failure or an invalid answer', () => {
      const failed = policyNow(
        requestPolicy(() => {
          throw new Error('down');
        }, vary).policy,
      );
      const invalid = policyNow(requestPolicy(() => ({ origin: 'nope' }), vary).policy);
      for (const compiled of [failed, invalid]) {
        expect(now(decideActual(compiled, A)).vary).toBe('Host, X-Tenant');
        expect(now(decideActual(compiled, undefined)).vary).toBe('Host, X-Tenant');
      }
    });

    it('and adds nothing without vary', () => {
      const compiled = policyNow(requestPolicy(() => ({ origin: A })).policy);
      expect(now(decideActual(compiled, A)).vary).toBe('Origin');
    });
  });

  describe('refuses invalid settings at startup', () => {
    const source = () => ({ origin: A });
    const refused = (settings: unknown) =>
      codesOf(() => new PolicyFunction(perRequestPolicy(source, settings as never), WHERE));

    it.each([
      [{ ttl: 60 }, 'unknown-option'],
      [{ vary: ['a b'] }, 'vary-invalid'],
      [{ vary: ['*'] }, 'vary-invalid'],
      [{ vary: 'Host' }, 'vary-invalid'],
      [{ vary: ['Host', 7] }, 'vary-invalid'],
      [{ vary: ['Host:'] }, 'vary-invalid'],
      [{ vary: [':authority'] }, 'vary-invalid'],
      [{ vary: Array.from({ length: 17 }, (_, i) => `X-H${i}`) }, 'vary-invalid'],
      [{ timeout: 0 }, 'timeout-out-of-range'],
      [{ timeout: 60_001 }, 'timeout-out-of-range'],
      [{ timeout: 1.5 }, 'timeout-out-of-range'],
      [{ timeout: '30' }, 'timeout-out-of-range'],
      [{ cache: { ttl: 0 } }, 'cache-invalid'],
      [{ cache: { ttl: 0, max: 10 } }, 'cache-invalid'],
      [{ cache: { ttl: 1000 } }, 'cache-invalid'],
      [{ cache: { ttl: 1000, max: 10, stale: 5 } }, 'cache-invalid'],
      [{ cache: true }, 'cache-invalid'],
    ])('%j: %s', (settings, code) => {
      expect(refused(settings)).toEqual([code]);
    });

    it('lists every problem at once, naming where the function is', () => {
      const error = refusal(
        () =>
          new PolicyFunction(
            perRequestPolicy(source, { vary: ['*'], timeout: 0, cache: { ttl: 0 }, x: 1 } as never),
            WHERE,
          ),
      );
      expect(error.where).toBe(WHERE);
      expect(error.problems.map((p) => [p.code, p.option])).toEqual([
        ['unknown-option', 'x'],
        ['vary-invalid', 'vary'],
        ['timeout-out-of-range', 'timeout'],
        ['cache-invalid', 'cache'],
      ]);
    });

    it('accepts the bounds', () => {
      for (const settings of [
        {},
        { vary: [] },
        { vary: ['Host', 'X-Tenant-Id'] },
        { timeout: 1 },
        { timeout: 60_000 },
        { vary: ['Host'], cache: { ttl: 1, max: 1 } },
      ])
        expect(() => new PolicyFunction(perRequestPolicy(source, settings), WHERE)).not.toThrow();
    });

    it('names the place in the module options or the @Cors() that holds it', () => {
      const bad = perRequestPolicy(source, { timeout: 0 });
      const named = refusal(
        () => new CorsPolicyRegistry({ origin: A, policies: { tenant: bad } }, QUIET),
      );
      expect(named.where).toBe('CorsModule options policies.tenant');
      const asDefault = refusal(() => new CorsPolicyRegistry({ defaultPolicy: bad }, QUIET));
      expect(asDefault.where).toBe('CorsModule options');

      class Tenants {
        @Cors(perRequestPolicy(source, { vary: ['a b'] })) list() {}
      }
      const decorated = refusal(() =>
        handleOf(new CorsPolicyRegistry({ origin: A }, QUIET), Tenants, 'list'),
      );
      expect(decorated.where).toBe('Tenants.list');
      expect(decorated.problems.map((p) => p.code)).toEqual(['vary-invalid']);
    });
  });

  describe('through the registry', () => {
    it("shares a @Cors(fn)'s cache between the routes that use it, across replacements", () => {
      const source = jest.fn(() => ({ origin: A }));
      const tenants = perRequestPolicy(source, { vary: ['Host'], cache: { ttl: 60_000, max: 10 } });
      @Cors(tenants)
      class Tenants {
        list() {}
        @Cors({ methods: ['PUT'] }) update() {}
      }
      class Others {
        @Cors(tenants) list() {}
      }
      const registry = new CorsPolicyRegistry({ origin: B }, QUIET);
      const list = handleOf(registry, Tenants, 'list');
      expect(list.fixedPolicy).toBeUndefined();
      expect(allows(list.policyFor(request({ host: 'a' })) as never, A)).toBe(true);
      const others = handleOf(registry, Others, 'list').policyFor(request({ host: 'a' }));
      expect(allows(others as never, A)).toBe(true);
      expect(source).toHaveBeenCalledTimes(1);
      // A handler's fields apply over the controller's function's answer, from the same cache.
      const update = handleOf(registry, Tenants, 'update');
      expect(update.fixedPolicy).toBeUndefined();
      const updated = update.policyFor(request({ host: 'a' })) as CompiledCorsPolicy<unknown>;
      expect(allows(updated, A)).toBe(true);
      expect(methodsOf(updated)).toEqual(['PUT']);
      expect(source).toHaveBeenCalledTimes(1);

      registry.replace({ origin: ADMIN });
      expect(allows(list.policyFor(request({ host: 'a' })) as never, A)).toBe(true);
      expect(source).toHaveBeenCalledTimes(1);
    });

    it('keeps the cache of a per-request default given again to replace()', () => {
      const source = jest.fn(() => ({ origin: A }));
      const tenants = perRequestPolicy(source, { vary: ['Host'], cache: { ttl: 60_000, max: 10 } });
      const registry = new CorsPolicyRegistry({ defaultPolicy: tenants }, QUIET);
      expect(allows(registry.defaultHandle.policyFor(request({ host: 'a' })) as never, A)).toBe(
        true,
      );
      registry.replace({ defaultPolicy: tenants, policies: { open: { origin: '*' } } });
      expect(allows(registry.defaultHandle.policyFor(request({ host: 'a' })) as never, A)).toBe(
        true,
      );
      expect(source).toHaveBeenCalledTimes(1);
    });
  });
});
