import type { CorsPolicyOptions } from '../../lib';
import { compilePolicy, decideActual, type CorsDecision } from '../../lib/engine/public-api';
import { buildPolicy } from '../../lib/engine/build-policy';

const ACAO = 'Access-Control-Allow-Origin';
const ACAC = 'Access-Control-Allow-Credentials';
const ACEH = 'Access-Control-Expose-Headers';

/** Decides synchronously; these policies have no asynchronous predicate. */
function actual(options: CorsPolicyOptions, origin: string | undefined): CorsDecision {
  const decision = decideActual(compilePolicy(options), origin);
  if (decision instanceof Promise) throw new Error('expected a synchronous decision');
  return decision;
}

function headerOf(decision: CorsDecision, name: string): string | undefined {
  return decision.headers.find(([n]) => n === name)?.[1];
}

describe('decideActual', () => {
  describe('an allowed origin', () => {
    it('is answered with the request origin, credentials and exposed headers as configured', () => {
      const decision = actual(
        {
          origin: 'https://app.example.com',
          credentials: true,
          exposedHeaders: ['X-Total', 'X-Request-Id'],
        },
        'https://app.example.com',
      );
      expect(decision).toEqual({
        allowed: true,
        reason: 'allowed',
        headers: [
          [ACAO, 'https://app.example.com'],
          [ACAC, 'true'],
          [ACEH, 'X-Total, X-Request-Id'],
        ],
        vary: 'Origin',
      });
    });

    it('carries no credentials or expose header unless configured', () => {
      const decision = actual({ origin: 'https://app.example.com' }, 'https://app.example.com');
      expect(decision.headers).toEqual([[ACAO, 'https://app.example.com']]);
    });

    it("is answered with a literal '*' and no Vary under '*'", () => {
      const decision = actual({ origin: '*', exposedHeaders: '*' }, 'https://anyone.example');
      expect(decision.headers).toEqual([
        [ACAO, '*'],
        [ACEH, '*'],
      ]);
      expect(decision.vary).toBe('');
    });

    it("gives every request, without Origin or with a malformed one, the same answer under '*'", () => {
      // A shared cache may store the answer to a request without Origin and serve it to a
      // cross-origin fetch: with no Vary: Origin, it must carry the same '*'.
      const policy = compilePolicy({ origin: '*' });
      const answer = decideActual(policy, 'https://a.example');
      expect(decideActual(policy, 'not an origin')).toBe(answer);
      expect(decideActual(policy, undefined)).toBe(answer);
      expect(answer).toEqual({
        allowed: true,
        reason: 'allowed',
        headers: [[ACAO, '*']],
        vary: '',
      });
    });

    it('answers a request without Origin with nothing approving under any other policy', () => {
      for (const origin of ['https://a.example', true, /^https:\/\/a\.example$/, []]) {
        expect(decideActual(compilePolicy({ origin }), undefined)).toMatchObject({
          allowed: false,
          headers: [],
        });
      }
    });

    it('reflects any well-formed origin under true', () => {
      expect(headerOf(actual({ origin: true }, 'https://x.example:8443'), ACAO)).toBe(
        'https://x.example:8443',
      );
      expect(actual({ origin: true }, 'https://x.example/').reason).toBe('origin-malformed');
    });

    it('reuses one precomputed decision per exact origin', () => {
      const policy = compilePolicy({ origin: ['https://a.example.com', 'https://b.example.com'] });
      expect(decideActual(policy, 'https://b.example.com')).toBe(
        decideActual(policy, 'https://b.example.com'),
      );
    });
  });

  describe('exact origins', () => {
    const policy: CorsPolicyOptions = {
      origin: ['https://foo.com', 'https://bar.com', 'http://localhost:3000'],
    };

    it.each(['https://foo.com', 'https://bar.com', 'http://localhost:3000'])(
      'allow %s',
      (origin) => {
        expect(actual(policy, origin).allowed).toBe(true);
      },
    );

    it.each([
      'https://barfoo.com',
      'https://foo.com.evil.com',
      'https://evilfoo.com',
      'http://foo.com',
      'https://foo.com:8443',
      'https://FOO.com',
      'http://localhost:30000',
      'http://localhost',
      'https://foo.com, https://bar.com',
    ])('deny %s with nothing approving', (origin) => {
      const decision = actual(policy, origin);
      expect(decision.allowed).toBe(false);
      expect(decision.headers).toEqual([]);
      expect(decision.vary).toBe('Origin');
    });

    it('answer as fast from 10,000 origins: a set lookup, not a scan', () => {
      const many = Array.from({ length: 10_000 }, (_, i) => `https://tenant${i}.example.com`);
      const big = buildPolicy({ origin: many });
      expect(big.originRule.kind === 'match' && big.originRule.matcher.exact.size).toBe(10_000);
      expect(big.originRule.kind === 'match' && big.originRule.matcher.patterns).toEqual([]);
      expect((decideActual(big, 'https://tenant9999.example.com') as CorsDecision).allowed).toBe(
        true,
      );
    });
  });

  describe('subdomain patterns', () => {
    const policy: CorsPolicyOptions = { origin: 'https://*.example.com' };

    it.each(['https://app.example.com', 'https://a.b.example.com', 'https://x-1.example.com'])(
      'allow %s',
      (origin) => {
        expect(headerOf(actual(policy, origin), ACAO)).toBe(origin);
      },
    );

    it.each([
      ['the apex', 'https://example.com'],
      ['a label boundary crossed', 'https://notexample.com'],
      ['a lookalike suffix', 'https://app.example.com.evil.com'],
      ['another scheme', 'http://app.example.com'],
      ['another port', 'https://app.example.com:8443'],
      ['an empty label', 'https://.example.com'],
      ['a trailing dot', 'https://app.example.com.'],
      ['upper case', 'https://APP.example.com'],
    ])('deny %s', (_what, origin) => {
      expect(actual(policy, origin).headers).toEqual([]);
    });

    it('keep a configured port fixed', () => {
      const withPort: CorsPolicyOptions = { origin: 'https://*.example.com:8443' };
      expect(actual(withPort, 'https://a.example.com:8443').allowed).toBe(true);
      expect(actual(withPort, 'https://a.example.com').allowed).toBe(false);
    });
  });

  describe('port wildcards', () => {
    const policy: CorsPolicyOptions = { origin: 'http://localhost:*' };

    it.each(['http://localhost:3000', 'http://localhost:5173', 'http://localhost'])(
      'allow %s',
      (origin) => {
        expect(actual(policy, origin).allowed).toBe(true);
      },
    );

    it.each(['https://localhost:3000', 'http://localhost.evil.com:3000', 'http://127.0.0.1:3000'])(
      'deny %s',
      (origin) => {
        expect(actual(policy, origin).allowed).toBe(false);
      },
    );
  });

  describe('regexes', () => {
    it('must match the whole origin', () => {
      const policy: CorsPolicyOptions = { origin: /example\.com/ };
      expect(actual(policy, 'https://evil-example.com').allowed).toBe(false);
      expect(actual(policy, 'https://example.com.evil.com').allowed).toBe(false);
      expect(
        actual({ origin: /https:\/\/[a-z]+\.example\.com/ }, 'https://app.example.com').allowed,
      ).toBe(true);
    });

    it('give the same answer every time, whatever their flags', () => {
      const policy = compilePolicy({
        origin: [/https:\/\/app\.example\.com/gy, /^https:\/\/b\.example\.com$/m],
      });
      for (let i = 0; i < 4; i++) {
        expect((decideActual(policy, 'https://app.example.com') as CorsDecision).allowed).toBe(
          true,
        );
        expect((decideActual(policy, 'https://b.example.com') as CorsDecision).allowed).toBe(true);
      }
    });

    it('never see a malformed origin', () => {
      const policy: CorsPolicyOptions = { origin: /.*/ };
      expect(actual(policy, 'https://a.example.com, https://evil.com').reason).toBe(
        'origin-malformed',
      );
      expect(actual(policy, 'https://a.example.com\r\nX: y').reason).toBe('origin-malformed');
    });
  });

  describe("the origin 'null'", () => {
    it('is denied, even by reflect-all and by a regex that matches it', () => {
      expect(actual({ origin: true }, 'null').allowed).toBe(false);
      expect(actual({ origin: /null/ }, 'null').allowed).toBe(false);
    });

    it('is allowed only with dangerouslyAllowNullOrigin', () => {
      const decision = actual(
        { origin: 'https://a.example.com', dangerouslyAllowNullOrigin: true },
        'null',
      );
      expect(headerOf(decision, ACAO)).toBe('null');
    });
  });

  describe('Vary', () => {
    it('names Origin on responses to requests without Origin when the answer depends on it', () => {
      expect(actual({ origin: 'https://a.example.com' }, undefined)).toEqual({
        allowed: false,
        reason: 'no-origin',
        headers: [],
        vary: 'Origin',
      });
    });

    it('is not needed when no origin is allowed at all', () => {
      expect(actual({}, 'https://a.example.com').vary).toBe('');
      expect(actual({ origin: false }, undefined).vary).toBe('');
    });
  });

  describe('predicates', () => {
    it('allow only on exactly true, and receive the origin and, third, the request', () => {
      const seen: unknown[] = [];
      const request = { id: 1 };
      const policy = compilePolicy({
        origin: (origin: string, _callback: unknown, req: unknown) => {
          seen.push([origin, req]);
          return origin === 'https://ok.example';
        },
      });
      expect((decideActual(policy, 'https://ok.example', request) as CorsDecision).allowed).toBe(
        true,
      );
      expect((decideActual(policy, 'https://no.example', request) as CorsDecision).allowed).toBe(
        false,
      );
      expect(seen).toEqual([
        ['https://ok.example', request],
        ['https://no.example', request],
      ]);
      const truthy = compilePolicy({
        origin: ((_origin: string) => 'yes') as unknown as () => boolean,
      });
      expect((decideActual(truthy, 'https://ok.example') as CorsDecision).allowed).toBe(false);
    });

    it('may answer with a promise', async () => {
      const policy = compilePolicy({
        origin: async (origin: string) => origin.endsWith('.example'),
      });
      await expect(decideActual(policy, 'https://ok.example')).resolves.toMatchObject({
        allowed: true,
      });
      await expect(decideActual(policy, 'https://ok.evil')).resolves.toMatchObject({
        allowed: false,
      });
    });

    it('fail closed when they throw or reject, and the error is reported', async () => {
      const reported: unknown[] = [];
      const reportError = (error: unknown, origin: string) =>
        reported.push([(error as Error).message, origin]);
      const throwing = compilePolicy(
        {
          origin: () => {
            throw new Error('boom');
          },
        },
        { reportError },
      );
      const rejecting = compilePolicy(
        { origin: () => Promise.reject(new Error('later')) },
        { reportError },
      );
      expect(decideActual(throwing, 'https://a.example')).toMatchObject({
        allowed: false,
        reason: 'origin-predicate-failed',
        headers: [],
      });
      await expect(decideActual(rejecting, 'https://b.example')).resolves.toMatchObject({
        allowed: false,
        reason: 'origin-predicate-failed',
        headers: [],
      });
      expect(reported).toEqual([
        ['boom', 'https://a.example'],
        ['later', 'https://b.example'],
      ]);
    });

    it('deny, and report it, when an asynchronous answer does not come within predicateTimeout', async () => {
      const reported: string[] = [];
      const hanging = compilePolicy(
        { origin: () => new Promise<boolean>(() => undefined), predicateTimeout: 30 },
        { reportError: (error) => reported.push((error as Error).message) },
      );
      const started = Date.now();
      await expect(decideActual(hanging, 'https://a.example')).resolves.toMatchObject({
        allowed: false,
        reason: 'origin-predicate-failed',
        headers: [],
      });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(reported).toEqual([
        'The origin predicate gave no answer for "https://a.example" within 30 ms (predicateTimeout)',
      ]);
    });

    it('wait for an asynchronous answer that comes within predicateTimeout', async () => {
      const slow = compilePolicy({
        origin: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 20)),
        predicateTimeout: 1000,
      });
      await expect(decideActual(slow, 'https://a.example')).resolves.toMatchObject({
        allowed: true,
      });
    });

    it('deny even when the reporter itself throws', () => {
      const policy = compilePolicy(
        {
          origin: () => {
            throw new Error('boom');
          },
        },
        {
          reportError: () => {
            throw new Error('reporter');
          },
        },
      );
      expect(decideActual(policy, 'https://a.example')).toMatchObject({ allowed: false });
    });

    it('are not asked about malformed origins', () => {
      const predicate = jest.fn(() => true);
      const policy = compilePolicy({ origin: predicate });
      expect(decideActual(policy, 'https://a.example/')).toMatchObject({
        allowed: false,
        reason: 'origin-malformed',
      });
      expect(predicate).not.toHaveBeenCalled();
    });
  });
});
