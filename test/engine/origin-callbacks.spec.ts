import {
  CorsConfigurationError,
  compilePolicy,
  decideActual,
  decidePreflight,
  type CorsDecision,
  type CorsOriginPredicate,
  type CorsPolicyOptions,
} from '../../lib/engine';

const A = 'https://a.example';
const B = 'https://b.example';
const C = 'https://c.example';

/** A decision that must have been made synchronously. */
function now(decision: CorsDecision | Promise<CorsDecision>): CorsDecision {
  expect(decision).not.toBeInstanceOf(Promise);
  return decision as CorsDecision;
}

/** A policy whose origin callback answers `answer` synchronously, Nest's `CustomOrigin` form. */
function answering(answer: unknown) {
  return compilePolicy({
    origin: (_origin, callback) => callback(null, answer as boolean),
  });
}

/** Compiles `options` and returns the error it must throw. */
function configurationError(options: unknown): CorsConfigurationError {
  try {
    compilePolicy(options as CorsPolicyOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigurationError);
    return error as CorsConfigurationError;
  }
  throw new Error(`expected ${String(options)} to be refused`);
}

/** A decision that must be a promise, typed as one. */
function promised(decision: CorsDecision | Promise<CorsDecision>): Promise<CorsDecision> {
  expect(decision).toBeInstanceOf(Promise);
  return decision as Promise<CorsDecision>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("origin functions in Nest's callback form (origin, callback)", () => {
  describe('what the callback answers', () => {
    it('callback(null, true) allows, synchronously, and echoes the origin', () => {
      const decision = now(decideActual(answering(true), A));
      expect(decision).toMatchObject({ allowed: true, reason: 'allowed' });
      expect(decision.headers).toContainEqual(['Access-Control-Allow-Origin', A]);
    });

    it('callback(null, false) denies, synchronously', () => {
      expect(now(decideActual(answering(false), A))).toMatchObject({
        allowed: false,
        reason: 'origin-not-allowed',
        headers: [],
      });
    });

    it('callback(null) or a value that is not an origin rule denies', () => {
      const empty = compilePolicy({ origin: (_origin, callback) => callback(null) });
      expect(now(decideActual(empty, A))).toMatchObject({ allowed: false });
      expect(now(decideActual(answering(1), A))).toMatchObject({ allowed: false });
      expect(now(decideActual(answering({}), A))).toMatchObject({ allowed: false });
      expect(now(decideActual(answering('*'), A))).toMatchObject({ allowed: false });
    });

    it('callback(null, origin) allows only that origin', () => {
      const policy = answering(A);
      expect(now(decideActual(policy, A))).toMatchObject({ allowed: true });
      expect(now(decideActual(policy, B))).toMatchObject({
        allowed: false,
        reason: 'origin-not-allowed',
      });
      expect(now(decideActual(policy, `${A}:8443`))).toMatchObject({ allowed: false });
    });

    it('callback(null, regex) allows only origins the regex matches in full', () => {
      // Matched in full, /a\.example$/ means exactly "a.example": no serialized origin is that.
      const suffix = answering(/a\.example$/);
      expect(now(decideActual(suffix, A))).toMatchObject({
        allowed: false,
        reason: 'origin-not-allowed',
      });
      // An unanchored regex of the whole origin allows that origin and nothing longer.
      const whole = answering(/https:\/\/a\.example/);
      expect(now(decideActual(whole, A))).toMatchObject({ allowed: true });
      expect(now(decideActual(whole, 'https://a.example.evil'))).toMatchObject({ allowed: false });
      expect(now(decideActual(whole, 'https://xhttps://a.example'))).toMatchObject({
        allowed: false,
      });
      // Subdomains, matched in full: a longer host that merely contains the name is denied.
      const subdomains = answering(/https:\/\/.*\.a\.example/);
      expect(now(decideActual(subdomains, 'https://app.a.example'))).toMatchObject({
        allowed: true,
      });
      expect(now(decideActual(subdomains, 'https://app.a.example.evil.com'))).toMatchObject({
        allowed: false,
      });
    });

    it('callback(null, regex) gives the same answer every time, even for a g or y regex', () => {
      for (const flags of ['g', 'y', 'gy']) {
        const policy = answering(new RegExp('https://a\\.example', flags));
        for (let i = 0; i < 4; i++) {
          expect(now(decideActual(policy, A))).toMatchObject({ allowed: true });
        }
      }
    });

    it('callback(null, [origin, regex]) allows what any entry allows', () => {
      const policy = answering([A, /^https:\/\/b\.example$/]);
      expect(now(decideActual(policy, A))).toMatchObject({ allowed: true });
      expect(now(decideActual(policy, B))).toMatchObject({ allowed: true });
      expect(now(decideActual(policy, C))).toMatchObject({
        allowed: false,
        reason: 'origin-not-allowed',
      });
      // Entries that are regexes are matched in full too.
      const partial = answering([/b\.example/]);
      expect(now(decideActual(partial, B))).toMatchObject({ allowed: false });
      expect(now(decideActual(answering([]), A))).toMatchObject({ allowed: false });
    });

    it('receives the origin, then the callback, then the request', () => {
      const seen: unknown[] = [];
      const request = { id: 7 };
      const policy = compilePolicy<typeof request>({
        origin: (origin, callback, req) => {
          seen.push(origin, typeof callback, req);
          callback(null, true);
        },
      });
      now(decideActual(policy, A, request));
      expect(seen).toEqual([A, 'function', request]);
    });

    it('answers preflights the same way', async () => {
      const sync = answering([A]);
      expect(now(decidePreflight(sync, { origin: A, method: 'GET' }))).toMatchObject({
        allowed: true,
        reason: 'allowed',
      });
      expect(now(decidePreflight(sync, { origin: B, method: 'GET' }))).toMatchObject({
        allowed: false,
        reason: 'origin-not-allowed',
      });
      const later = compilePolicy({
        origin: (origin, callback) => {
          setTimeout(() => callback(null, origin === A), 5);
        },
      });
      const pending = decidePreflight(later, { origin: A, method: 'GET' });
      expect(pending).toBeInstanceOf(Promise);
      await expect(pending).resolves.toMatchObject({ allowed: true });
      await expect(decidePreflight(later, { origin: B, method: 'GET' })).resolves.toMatchObject({
        allowed: false,
        reason: 'origin-not-allowed',
      });
    });
  });

  describe('a callback called later', () => {
    it('makes the decision a promise, allowed', async () => {
      const policy = compilePolicy({
        origin: (_origin, callback) => {
          setTimeout(() => callback(null, true), 5);
        },
      });
      const decision = decideActual(policy, A);
      expect(decision).toBeInstanceOf(Promise);
      await expect(decision).resolves.toMatchObject({ allowed: true, reason: 'allowed' });
    });

    it('is awaited when the function returns a timer, as a concise arrow does', async () => {
      const policy = compilePolicy({
        origin: (origin, callback) => setTimeout(() => callback(null, origin === A), 5),
      });
      await expect(promised(decideActual(policy, A))).resolves.toMatchObject({ allowed: true });
      await expect(promised(decideActual(policy, B))).resolves.toMatchObject({
        allowed: false,
        reason: 'origin-not-allowed',
      });
    });

    it('is awaited when the function returns a promise of nothing (async, or .then)', async () => {
      const lookup = async (origin: string) => {
        await sleep(1);
        return origin === A;
      };
      const asyncForm = compilePolicy({
        origin: async (origin, callback) => {
          callback(null, await lookup(origin));
        },
      });
      const thenForm = compilePolicy({
        origin: (origin, callback) => lookup(origin).then((ok) => callback(null, ok ? [A] : false)),
      });
      for (const policy of [asyncForm, thenForm]) {
        await expect(promised(decideActual(policy, A))).resolves.toMatchObject({ allowed: true });
        await expect(promised(decideActual(policy, B))).resolves.toMatchObject({
          allowed: false,
          reason: 'origin-not-allowed',
        });
      }
    });

    it('is not needed when an async function that declares it resolves to a boolean', async () => {
      const policy = compilePolicy({
        origin: async (origin, _callback) => {
          await sleep(1);
          return origin === A;
        },
      });
      await expect(promised(decideActual(policy, A))).resolves.toMatchObject({ allowed: true });
      await expect(promised(decideActual(policy, B))).resolves.toMatchObject({ allowed: false });
    });

    it('denies, and reports, when the function rejects before calling it', async () => {
      const error = new Error('lookup failed');
      const reportError = jest.fn();
      const policy = compilePolicy(
        {
          origin: async (_origin, _callback) => {
            await sleep(1);
            throw error;
          },
        },
        { reportError },
      );
      await expect(promised(decideActual(policy, A))).resolves.toMatchObject({
        allowed: false,
        reason: 'origin-predicate-failed',
      });
      expect(reportError).toHaveBeenCalledTimes(1);
      expect(reportError).toHaveBeenCalledWith(error, A, 'denied');
    });

    it('with a regex answer, matches it in full', async () => {
      const policy = compilePolicy({
        origin: (_origin, callback) => {
          setTimeout(() => callback(null, /a\.example$/), 5);
        },
      });
      await expect(decideActual(policy, A)).resolves.toMatchObject({ allowed: false });
    });
  });

  describe('errors', () => {
    it('callback(error) denies, reports the error once, and never throws', () => {
      const error = new Error('x');
      const reportError = jest.fn();
      const policy = compilePolicy(
        { origin: (_origin, callback) => callback(error) },
        { reportError },
      );
      let decision: CorsDecision | Promise<CorsDecision> | undefined;
      expect(() => (decision = decideActual(policy, A))).not.toThrow();
      expect(now(decision!)).toMatchObject({
        allowed: false,
        reason: 'origin-predicate-failed',
        headers: [],
      });
      expect(reportError).toHaveBeenCalledTimes(1);
      expect(reportError).toHaveBeenCalledWith(error, A, 'denied');
    });

    it('callback(error) in a preflight denies and reports', () => {
      const error = new Error('x');
      const reportError = jest.fn();
      const policy = compilePolicy(
        { origin: (_origin, callback) => callback(error) },
        { reportError },
      );
      expect(now(decidePreflight(policy, { origin: A, method: 'GET' }))).toMatchObject({
        allowed: false,
        reason: 'origin-predicate-failed',
      });
      expect(reportError).toHaveBeenCalledTimes(1);
      expect(reportError).toHaveBeenCalledWith(error, A, 'denied');
    });

    it('callback(error) later denies and reports the error once', async () => {
      const error = new Error('later');
      const reportError = jest.fn();
      const policy = compilePolicy(
        {
          origin: (_origin, callback) => {
            setTimeout(() => {
              callback(error);
              callback(null, true);
            }, 5);
          },
        },
        { reportError },
      );
      await expect(decideActual(policy, A)).resolves.toMatchObject({
        allowed: false,
        reason: 'origin-predicate-failed',
      });
      expect(reportError).toHaveBeenCalledTimes(1);
      expect(reportError).toHaveBeenCalledWith(error, A, 'denied');
    });

    it('a callback never called denies after predicateTimeout, and is reported', async () => {
      const reportError = jest.fn();
      const policy = compilePolicy(
        {
          origin: (_origin, _callback) => {
            // Never answers.
          },
          predicateTimeout: 30,
        },
        { reportError },
      );
      const started = Date.now();
      const decision = decideActual(policy, A);
      expect(decision).toBeInstanceOf(Promise);
      await expect(decision).resolves.toMatchObject({
        allowed: false,
        reason: 'origin-predicate-failed',
        headers: [],
      });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(25);
      expect(elapsed).toBeLessThan(1000);
      expect(reportError).toHaveBeenCalledTimes(1);
      const [error, origin] = reportError.mock.calls[0] as [Error, string];
      expect(origin).toBe(A);
      expect(error.message).toBe(
        'The origin predicate gave no answer for "https://a.example" within 30 ms (predicateTimeout)',
      );
    });
  });
});

describe('predicateCache', () => {
  it('asks an async predicate once for 20 concurrent requests from one origin', async () => {
    let calls = 0;
    const policy = compilePolicy({
      origin: async (origin: string) => {
        calls++;
        await sleep(10);
        return origin === A;
      },
      predicateCache: { ttl: 60_000, max: 100 },
    });
    const decisions = Array.from({ length: 20 }, () => promised(decideActual(policy, A)));
    expect(calls).toBe(1);
    const settled = await Promise.all(decisions);
    for (const decision of settled) expect(decision).toMatchObject({ allowed: true });
    expect(calls).toBe(1);

    // Within ttl: no new call, and the decision is synchronous.
    for (let i = 0; i < 5; i++) {
      expect(now(decideActual(policy, A))).toMatchObject({ allowed: true });
    }
    expect(now(decidePreflight(policy, { origin: A, method: 'GET' }))).toMatchObject({
      allowed: true,
    });
    expect(calls).toBe(1);

    // Another origin is asked about separately, and its denial is kept too.
    await expect(decideActual(policy, B)).resolves.toMatchObject({
      allowed: false,
      reason: 'origin-not-allowed',
    });
    expect(calls).toBe(2);
    expect(now(decideActual(policy, B))).toMatchObject({ allowed: false });
    expect(calls).toBe(2);
  });

  it("keeps the answers of Nest's callback form, synchronous or not", async () => {
    let calls = 0;
    const sync = compilePolicy({
      origin: (origin, callback) => {
        calls++;
        callback(null, origin === A);
      },
      predicateCache: { ttl: 60_000, max: 100 },
    });
    expect(now(decideActual(sync, A))).toMatchObject({ allowed: true });
    expect(now(decideActual(sync, A))).toMatchObject({ allowed: true });
    expect(calls).toBe(1);

    let laterCalls = 0;
    const later = compilePolicy({
      origin: (_origin, callback) => {
        laterCalls++;
        setTimeout(() => callback(null, true), 5);
      },
      predicateCache: { ttl: 60_000, max: 100 },
    });
    await Promise.all([
      promised(decideActual(later, A)),
      promised(decideActual(later, A)),
      promised(decideActual(later, A)),
    ]);
    expect(laterCalls).toBe(1);
    expect(now(decideActual(later, A))).toMatchObject({ allowed: true });
    expect(laterCalls).toBe(1);
  });

  it('asks again once ttl has passed', async () => {
    let calls = 0;
    const policy = compilePolicy({
      origin: (origin: string) => {
        calls++;
        return origin === A;
      },
      predicateCache: { ttl: 20, max: 100 },
    });
    now(decideActual(policy, A));
    now(decideActual(policy, A));
    expect(calls).toBe(1);
    await sleep(40);
    now(decideActual(policy, A));
    expect(calls).toBe(2);
  });

  it('keeps at most max origins', () => {
    const asked: string[] = [];
    const policy = compilePolicy({
      origin: (origin: string) => {
        asked.push(origin);
        return true;
      },
      predicateCache: { ttl: 60_000, max: 2 },
    });
    for (const origin of [A, B, C, B, C, A]) now(decideActual(policy, origin));
    // A was dropped when C came in, so it is asked about again.
    expect(asked).toEqual([A, B, C, A]);
  });

  it('does not keep a rejection: the next request asks again', async () => {
    let calls = 0;
    const reportError = jest.fn();
    const policy = compilePolicy(
      {
        origin: async () => {
          calls++;
          if (calls === 1) throw new Error('database down');
          return true;
        },
        predicateCache: { ttl: 60_000, max: 100 },
      },
      { reportError },
    );
    const failed = await Promise.all([
      promised(decideActual(policy, A)),
      promised(decideActual(policy, A)),
    ]);
    for (const decision of failed) {
      expect(decision).toMatchObject({ allowed: false, reason: 'origin-predicate-failed' });
    }
    expect(calls).toBe(1);
    expect(reportError).toHaveBeenCalledTimes(2);

    await expect(decideActual(policy, A)).resolves.toMatchObject({ allowed: true });
    expect(calls).toBe(2);
    expect(now(decideActual(policy, A))).toMatchObject({ allowed: true });
    expect(calls).toBe(2);
  });

  it('does not keep a thrown error or a callback error', () => {
    let calls = 0;
    const policy = compilePolicy(
      {
        origin: (_origin, callback) => {
          calls++;
          if (calls === 1) throw new Error('thrown');
          if (calls === 2) return callback(new Error('callback error'));
          callback(null, true);
        },
        predicateCache: { ttl: 60_000, max: 100 },
      },
      { reportError: () => undefined },
    );
    expect(now(decideActual(policy, A))).toMatchObject({ reason: 'origin-predicate-failed' });
    expect(now(decideActual(policy, A))).toMatchObject({ reason: 'origin-predicate-failed' });
    expect(now(decideActual(policy, A))).toMatchObject({ allowed: true });
    expect(now(decideActual(policy, A))).toMatchObject({ allowed: true });
    expect(calls).toBe(3);
  });

  it('does not keep a timeout', async () => {
    let calls = 0;
    const policy = compilePolicy(
      {
        origin: (_origin, callback) => {
          calls++;
          if (calls > 1) callback(null, true);
        },
        predicateTimeout: 20,
        predicateCache: { ttl: 60_000, max: 100 },
      },
      { reportError: () => undefined },
    );
    await expect(decideActual(policy, A)).resolves.toMatchObject({
      reason: 'origin-predicate-failed',
    });
    expect(now(decideActual(policy, A))).toMatchObject({ allowed: true });
    expect(calls).toBe(2);
  });

  describe('configuration', () => {
    const predicate: CorsOriginPredicate = () => true;

    it.each([
      ['ttl 0', { ttl: 0, max: 10 }],
      ['ttl negative', { ttl: -1, max: 10 }],
      ['ttl not whole', { ttl: 1.5, max: 10 }],
      ['ttl over a day', { ttl: 86_400_001, max: 10 }],
      ['ttl a string', { ttl: '1000', max: 10 }],
      ['ttl NaN', { ttl: Number.NaN, max: 10 }],
      ['ttl Infinity', { ttl: Number.POSITIVE_INFINITY, max: 10 }],
      ['max 0', { ttl: 1000, max: 0 }],
      ['max not whole', { ttl: 1000, max: 2.5 }],
      ['max over a million', { ttl: 1000, max: 1_000_001 }],
      ['no max', { ttl: 1000 }],
      ['no ttl', { max: 10 }],
      ['an unknown key', { ttl: 1000, max: 10, stale: true }],
      ['null', null],
      ['a number', 1000],
      ['a string', '1m'],
      ['true', true],
      ['an array', []],
    ])('refuses %s with the code cache-invalid', (_what, predicateCache) => {
      const error = configurationError({ origin: predicate, predicateCache });
      expect(error.problems.map((p) => p.code)).toEqual(['cache-invalid']);
      expect(error.problems[0]!.option).toBe('predicateCache');
      expect(error.problems[0]!.value).toBe(predicateCache);
    });

    it.each([
      ['no origin', {}],
      ['origin false', { origin: false }],
      ['origin true', { origin: true }],
      ["origin '*'", { origin: '*' }],
      ['an origin string', { origin: A }],
      ['a list', { origin: [A, /^https:\/\/b\.example$/] }],
      ['a regex', { origin: /^https:\/\/a\.example$/ }],
    ])('refuses a valid cache with %s with the code cache-without-predicate', (_what, options) => {
      const predicateCache = { ttl: 1000, max: 10 };
      const error = configurationError({ ...options, predicateCache });
      expect(error.problems.map((p) => p.code)).toEqual(['cache-without-predicate']);
      expect(error.problems[0]!.option).toBe('predicateCache');
    });

    it('reports only cache-invalid for an invalid cache without a predicate', () => {
      const error = configurationError({ origin: A, predicateCache: { ttl: 0, max: 10 } });
      expect(error.problems.map((p) => p.code)).toEqual(['cache-invalid']);
    });

    it('refuses a predicate that declares the request parameter without vary, naming the fix', () => {
      const predicateCache = { ttl: 60_000, max: 100 };
      const readsRequest: CorsOriginPredicate<Tenanted> = (_origin, _callback, req) =>
        req.headers.host === 'a.test';
      const error = configurationError({ origin: readsRequest, predicateCache });
      expect(error.problems.map((p) => p.code)).toEqual(['cache-without-vary']);
      expect(error.problems[0]!.option).toBe('predicateCache');
      expect(error.problems[0]!.value).toBe(predicateCache);
      expect(error.problems[0]!.fix).toContain('vary: ["Host"]');
      expect(error.message).toContain('(origin, callback, req)');
    });

    it.each([
      ['a string', 'Host'],
      ['a name with a space', ['X Tenant']],
      ["'*'", ['*']],
      ['a number among names', ['Host', 1]],
      ['17 names', Array.from({ length: 17 }, (_, i) => `X-H${i}`)],
      ['an HTTP/2 pseudo-header', [':authority']],
    ])('refuses vary as %s with the code vary-invalid', (_what, vary) => {
      const error = configurationError({
        origin: predicate,
        predicateCache: { ttl: 1000, max: 10, vary },
      });
      expect(error.problems.map((p) => p.code)).toEqual(['vary-invalid']);
      expect(error.problems[0]!.option).toBe('predicateCache.vary');
    });

    it('says to write Host for :authority, in the option it is in', () => {
      const error = configurationError({
        origin: predicate,
        predicateCache: { ttl: 1000, max: 10, vary: [':authority'] },
      });
      expect(error.problems[0]!.fix).toContain('write predicateCache.vary: ["Host"]');
    });

    it("accepts vary: [] (it reads nothing that changes its answer) and Nest's two-parameter form without vary", () => {
      const readsRequest: CorsOriginPredicate<Tenanted> = (_origin, _callback, req) =>
        req !== undefined;
      expect(() =>
        compilePolicy({ origin: readsRequest, predicateCache: { ttl: 1, max: 1, vary: [] } }),
      ).not.toThrow();
      expect(() =>
        compilePolicy({
          origin: (_origin, callback) => callback(null, true),
          predicateCache: { ttl: 1, max: 1 },
        }),
      ).not.toThrow();
    });

    it('accepts the bounds', () => {
      expect(() =>
        compilePolicy({ origin: predicate, predicateCache: { ttl: 1, max: 1 } }),
      ).not.toThrow();
      expect(() =>
        compilePolicy({
          origin: predicate,
          predicateCache: { ttl: 86_400_000, max: 1_000_000 },
        }),
      ).not.toThrow();
    });
  });
});

/** A request as a tenant-aware predicate reads it. */
interface Tenanted {
  readonly headers: Record<string, string | undefined>;
}

describe('predicateCache with vary: answers kept per origin and per tenant', () => {
  function tenantPolicy(vary: string[], max = 100) {
    const asked: string[] = [];
    const allowed: Record<string, string> = { 'a.test': A, 'b.test': B };
    const policy = compilePolicy<Tenanted>({
      origin: (origin, _callback, req) => {
        const tenant = req.headers['x-tenant'] ?? req.headers.host ?? req.headers[':authority'];
        asked.push(`${origin} ${String(tenant)}`);
        return allowed[tenant ?? ''] === origin;
      },
      predicateCache: { ttl: 60_000, max, vary },
    });
    return { policy, asked };
  }
  const host = (name: string): Tenanted => ({ headers: { host: name } });

  it("never serves one host's answer to another", () => {
    const { policy, asked } = tenantPolicy(['Host']);
    expect(now(decideActual(policy, A, host('a.test')))).toMatchObject({ allowed: true });
    expect(now(decideActual(policy, A, host('b.test')))).toMatchObject({ allowed: false });
    expect(now(decideActual(policy, B, host('b.test')))).toMatchObject({ allowed: true });
    // Kept: asked once per (origin, host).
    expect(now(decideActual(policy, A, host('a.test')))).toMatchObject({ allowed: true });
    expect(now(decideActual(policy, A, host('b.test')))).toMatchObject({ allowed: false });
    expect(asked).toEqual([`${A} a.test`, `${A} b.test`, `${B} b.test`]);
  });

  it("keys Host by HTTP/2's :authority where there is no Host header", () => {
    const { policy } = tenantPolicy(['Host']);
    const authority = (name: string): Tenanted => ({ headers: { ':authority': name } });
    expect(now(decideActual(policy, A, authority('a.test')))).toMatchObject({ allowed: true });
    expect(now(decideActual(policy, A, authority('b.test')))).toMatchObject({ allowed: false });
  });

  it('keys on a tenant header, and names it in Vary so that shared caches key on it too', () => {
    const { policy } = tenantPolicy(['X-Tenant']);
    const tenant = (name: string): Tenanted => ({ headers: { 'x-tenant': name } });
    const allowed = now(decideActual(policy, A, tenant('a.test')));
    expect(allowed).toMatchObject({ allowed: true, vary: 'Origin, X-Tenant' });
    expect(now(decideActual(policy, A, tenant('b.test')))).toMatchObject({
      allowed: false,
      vary: 'Origin, X-Tenant',
    });
    expect(now(decideActual(policy, A, { headers: {} }))).toMatchObject({ allowed: false });
    expect(
      now(decidePreflight(policy, { origin: A, method: 'GET' }, tenant('b.test'))),
    ).toMatchObject({ allowed: false });
    expect(
      now(decidePreflight(policy, { origin: A, method: 'GET' }, tenant('a.test'))).vary,
    ).toContain('X-Tenant');
  });

  it('keeps at most max answers, whatever the keys', () => {
    const { policy, asked } = tenantPolicy(['Host'], 2);
    for (const name of ['a.test', 'b.test', 'c.test', 'a.test']) {
      now(decideActual(policy, A, host(name)));
    }
    // a.test was dropped when c.test came in.
    expect(asked).toEqual([`${A} a.test`, `${A} b.test`, `${A} c.test`, `${A} a.test`]);
  });
});
