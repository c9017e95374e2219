import {
  compilePolicy,
  decideActual,
  decidePreflight,
  type CorsDecision,
  type CorsHeader,
} from '../../lib/engine';
import { decideTrial, trialDifference } from '../../lib/policy/trial-difference';
import { compileWithTrial } from '../../lib/policy/trial-policy';
import { now } from './policy-test-kit';

/*
 * How a trial's answer is compared with the enforced one, as a browser reads both: what each kind
 * of difference means for the page, and when the trial is decided at all.
 */

const APP = 'https://app.example.com';
const PARTNER = 'https://partner.example.org';
const EVIL = 'https://evil.example';

const ACAO = 'Access-Control-Allow-Origin';
const ACAC = 'Access-Control-Allow-Credentials';
const ACEH = 'Access-Control-Expose-Headers';
const ACMA = 'Access-Control-Max-Age';

/** An approval with these headers (the origin first, as the engine writes it). */
function allowed(...headers: CorsHeader[]): CorsDecision {
  return { allowed: true, reason: 'allowed', headers, vary: 'Origin' };
}

/** A refusal: no approving header at all. */
const REFUSED: CorsDecision = {
  allowed: false,
  reason: 'origin-not-allowed',
  headers: [],
  vary: 'Origin',
};

describe('trialDifference', () => {
  describe('refusals', () => {
    it('refuses: the trial refuses what the policy in force allows', () => {
      expect(trialDifference(allowed([ACAO, APP]), REFUSED)).toBe('refuses');
    });

    it('allows: the trial allows what the policy in force refuses', () => {
      expect(trialDifference(REFUSED, allowed([ACAO, APP]))).toBe('allows');
    });

    it('nothing when both refuse, whatever their reasons', () => {
      const other: CorsDecision = { ...REFUSED, reason: 'method-not-allowed', vary: '' };
      expect(trialDifference(REFUSED, other)).toBeUndefined();
    });

    it('refuses on a preflight for a method only the policy in force allows', () => {
      const enforced = compilePolicy({ origin: APP, methods: ['PUT'] });
      const trial = compilePolicy({ origin: APP, methods: ['PATCH'] });
      const request = { origin: APP, method: 'PUT' };
      expect(
        trialDifference(
          now(decidePreflight(enforced, request)),
          now(decidePreflight(trial, request)),
        ),
      ).toBe('refuses');
    });
  });

  describe('credentials', () => {
    it('drops-credentials: both allow, the trial without Allow-Credentials', () => {
      expect(trialDifference(allowed([ACAO, APP], [ACAC, 'true']), allowed([ACAO, APP]))).toBe(
        'drops-credentials',
      );
    });

    it('drops-credentials comes before hidden headers: the page loses its cookies first', () => {
      const enforced = allowed([ACAO, APP], [ACAC, 'true'], [ACEH, 'X-Total']);
      expect(trialDifference(enforced, allowed([ACAO, APP]))).toBe('drops-credentials');
    });

    it('a trial that adds credentials answers differently, and takes nothing away', () => {
      expect(trialDifference(allowed([ACAO, APP]), allowed([ACAO, APP], [ACAC, 'true']))).toBe(
        'answers-differently',
      );
    });

    it('from compiled policies: credentials: false in the trial drops them', () => {
      const policy = compileWithTrial({
        origin: [APP],
        credentials: true,
        trial: { credentials: false },
      });
      const enforced = now(decideActual(policy, APP));
      expect(decideTrial(policy, enforced, APP, undefined, {})).toEqual({
        difference: 'drops-credentials',
        refusal: expect.objectContaining({ allowed: true }),
      });
    });
  });

  describe('exposed headers', () => {
    it('exposes-fewer-headers: a header the page reads now is not listed by the trial', () => {
      expect(
        trialDifference(
          allowed([ACAO, APP], [ACEH, 'X-Total, X-Page']),
          allowed([ACAO, APP], [ACEH, 'X-Total']),
        ),
      ).toBe('exposes-fewer-headers');
    });

    it('exposes-fewer-headers: the trial exposes none', () => {
      expect(trialDifference(allowed([ACAO, APP], [ACEH, 'X-Total']), allowed([ACAO, APP]))).toBe(
        'exposes-fewer-headers',
      );
    });

    it('exposes-fewer-headers: "*" now (every header), a list in the trial', () => {
      expect(
        trialDifference(allowed([ACAO, '*'], [ACEH, '*']), allowed([ACAO, '*'], [ACEH, 'X-Total'])),
      ).toBe('exposes-fewer-headers');
    });

    it('"*" in the trial hides nothing: it answers differently', () => {
      expect(
        trialDifference(allowed([ACAO, '*'], [ACEH, 'X-Total']), allowed([ACAO, '*'], [ACEH, '*'])),
      ).toBe('answers-differently');
    });

    it('"*" in both: nothing', () => {
      expect(
        trialDifference(allowed([ACAO, '*'], [ACEH, '*']), allowed([ACAO, '*'], [ACEH, '*'])),
      ).toBeUndefined();
    });

    it('names compare case-insensitively, and a reordered list hides nothing', () => {
      expect(
        trialDifference(
          allowed([ACAO, APP], [ACEH, 'X-Total, X-Page']),
          allowed([ACAO, APP], [ACEH, 'x-page,x-total']),
        ),
      ).toBe('answers-differently');
    });

    it('a trial that exposes more answers differently', () => {
      expect(
        trialDifference(
          allowed([ACAO, APP], [ACEH, 'X-Total']),
          allowed([ACAO, APP], [ACEH, 'X-Total, X-Page']),
        ),
      ).toBe('answers-differently');
      expect(trialDifference(allowed([ACAO, APP]), allowed([ACAO, APP], [ACEH, 'X-Total']))).toBe(
        'answers-differently',
      );
    });
  });

  describe('other headers', () => {
    it('answers-differently: another Max-Age', () => {
      expect(
        trialDifference(allowed([ACAO, APP], [ACMA, '5']), allowed([ACAO, APP], [ACMA, '600'])),
      ).toBe('answers-differently');
    });

    it('answers-differently: "*" where the origin was reflected', () => {
      expect(trialDifference(allowed([ACAO, APP]), allowed([ACAO, '*']))).toBe(
        'answers-differently',
      );
    });

    it('nothing: the same headers, in another order and case of names', () => {
      expect(
        trialDifference(
          allowed([ACAO, APP], [ACMA, '600']),
          allowed(['access-control-max-age', '600'], ['access-control-allow-origin', APP]),
        ),
      ).toBeUndefined();
    });

    it('nothing: only Vary differs, which changes nothing a page can do', () => {
      expect(
        trialDifference(allowed([ACAO, APP]), { ...allowed([ACAO, APP]), vary: 'Origin, Host' }),
      ).toBeUndefined();
    });
  });
});

describe('decideTrial', () => {
  it('undefined for a policy without a trial', () => {
    const policy = compileWithTrial({ origin: [APP] });
    expect(decideTrial(policy, REFUSED, EVIL, undefined, {})).toBeUndefined();
    const dropped = compileWithTrial({ origin: [APP], trial: false });
    expect(decideTrial(dropped, REFUSED, EVIL, undefined, {})).toBeUndefined();
  });

  it('undefined for a request without Origin, which no trial decides', () => {
    const policy = compileWithTrial({ origin: [APP], trial: { origin: true } });
    const enforced = now(decideActual(policy, undefined));
    expect(enforced.reason).toBe('no-origin');
    expect(decideTrial(policy, enforced, undefined, undefined, {})).toBeUndefined();
  });

  // Under `origin: '*'` a request without Origin is approved (`*`), not `no-origin`: it is still
  // no CORS request, and the trial's denial of it must not read as "refuses".
  it('undefined for a request without Origin under origin "*" too', () => {
    const policy = compileWithTrial({ origin: '*', trial: { origin: [APP] } });
    const enforced = now(decideActual(policy, undefined));
    expect(decideTrial(policy, enforced, undefined, undefined, {})).toBeUndefined();
  });

  it('decides the trial on the same actual request: refuses, with the trial refusal', () => {
    const policy = compileWithTrial({ origin: [APP, PARTNER], trial: { origin: [APP] } });
    const enforced = now(decideActual(policy, PARTNER));
    expect(decideTrial(policy, enforced, PARTNER, undefined, {})).toEqual({
      difference: 'refuses',
      refusal: expect.objectContaining({ allowed: false, reason: 'origin-not-allowed' }),
    });
    const alike = now(decideActual(policy, APP));
    expect(decideTrial(policy, alike, APP, undefined, {})).toBeUndefined();
  });

  it('allows: the refusal is the enforced decision', () => {
    const policy = compileWithTrial({ origin: [APP], trial: { origin: [APP, EVIL] } });
    const enforced = now(decideActual(policy, EVIL));
    expect(decideTrial(policy, enforced, EVIL, undefined, {})).toEqual({
      difference: 'allows',
      refusal: enforced,
    });
  });

  it('decides a preflight as a preflight: the method and headers it asks for', () => {
    const policy = compileWithTrial({
      origin: [APP],
      allowedHeaders: ['x-token', 'x-trace'],
      trial: { allowedHeaders: ['x-token'] },
    });
    const request = { origin: APP, method: 'PUT', headers: 'x-trace' };
    const enforced = now(decidePreflight(policy, request));
    expect(enforced.allowed).toBe(true);
    expect(decideTrial(policy, enforced, APP, request, {})).toEqual({
      difference: 'refuses',
      refusal: expect.objectContaining({ reason: 'header-not-allowed: x-trace' }),
    });
  });

  it('an async origin predicate in the trial: a promise of the outcome, given the request', async () => {
    const seen: unknown[] = [];
    const judged = { headers: {} };
    const policy = compileWithTrial({
      origin: [APP, PARTNER],
      trial: {
        origin: (origin: string, _callback: unknown, request: unknown) => {
          seen.push(request);
          return Promise.resolve(origin === APP);
        },
      },
    });
    const refused = decideTrial(
      policy,
      now(decideActual(policy, PARTNER)),
      PARTNER,
      undefined,
      judged,
    );
    expect(refused).toBeInstanceOf(Promise);
    await expect(refused).resolves.toEqual({
      difference: 'refuses',
      refusal: expect.objectContaining({ reason: 'origin-not-allowed' }),
    });
    await expect(
      decideTrial(policy, now(decideActual(policy, APP)), APP, undefined, judged),
    ).resolves.toBeUndefined();
    expect(seen).toEqual([judged, judged]);
  });

  it('a trial predicate that rejects is a denial, never a rejection', async () => {
    const reportError = jest.fn();
    const reportTrialError = jest.fn();
    const policy = compileWithTrial(
      { origin: [APP], trial: { origin: () => Promise.reject(new Error('lookup down')) } },
      { reportError, reportTrialError },
    );
    const outcome = decideTrial(policy, now(decideActual(policy, APP)), APP, undefined, {});
    await expect(outcome).resolves.toEqual({
      difference: 'refuses',
      refusal: expect.objectContaining({ reason: 'origin-predicate-failed' }),
    });
    // The trial's failure, reported as the trial's: the request itself was not denied.
    expect(reportTrialError).toHaveBeenCalledTimes(1);
    expect(reportError).not.toHaveBeenCalled();
  });
});
