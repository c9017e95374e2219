import 'reflect-metadata';
import { Cors, CorsConfigurationError } from '../../lib';
import { decideActual } from '../../lib/engine';
import { perRequestPolicy } from '../../lib/policy/per-request-policy';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import {
  compileWithTrial,
  hasTrial,
  trialOf,
  type CorsPolicyOptionsWithTrial,
} from '../../lib/policy/trial-policy';
import { QUIET, allows, handleOf, headerOf, refusal } from './policy-test-kit';

/*
 * Compiling a policy with its trial: the policy answers as if the trial were absent, the trial is
 * compiled beside it (the policy's fields with the trial's on top) and checked like any policy, its
 * problems named `trial.<option>` where the policy was declared.
 */

const APP = 'https://app.example.com';
const PARTNER = 'https://partner.example.org';
const WHERE = 'ItemsController.list';

/** The error compiling `options` (declared at {@link WHERE}) throws. */
function errorOf(options: unknown): CorsConfigurationError {
  return refusal(() =>
    compileWithTrial(options as CorsPolicyOptionsWithTrial<unknown>, { where: WHERE }),
  );
}

describe('compileWithTrial: the trial value', () => {
  it.each([
    ['a string', 'strict'],
    ['true', true],
    ['null', null],
    ['a number', 0],
    ['an array', [{ origin: APP }]],
  ])('refuses %s as a trial, naming trial and where', (_name, trial) => {
    const error = errorOf({ origin: APP, trial });
    expect(error.where).toBe(WHERE);
    expect(error.problems).toEqual([
      expect.objectContaining({ code: 'trial-invalid', option: 'trial', value: trial }),
    ]);
    expect(error.message).toContain(`invalid CORS policy in ${WHERE}:`);
    expect(error.message).toContain('is not the fields of a policy to try, or false');
  });

  it('refuses a trial inside a trial as trial.trial', () => {
    const nested = { origin: [APP] };
    const error = errorOf({ origin: [APP, PARTNER], trial: { credentials: true, trial: nested } });
    expect(error.where).toBe(WHERE);
    expect(error.problems).toEqual([
      expect.objectContaining({ code: 'trial-invalid', option: 'trial.trial', value: nested }),
    ]);
  });

  it('takes trial.trial: undefined as absent, as everywhere else', () => {
    const policy = compileWithTrial({
      origin: [APP, PARTNER],
      trial: { origin: [APP], trial: undefined },
    } as CorsPolicyOptionsWithTrial<unknown>);
    expect(trialOf(policy)).toBeDefined();
  });

  it('hands an invalid trial to onInvalidTrial, and compiles the policy without it', () => {
    const invalid: CorsConfigurationError[] = [];
    const policy = compileWithTrial(
      { origin: [APP], trial: { origin: 'not an origin' } },
      { where: WHERE, onInvalidTrial: (error) => invalid.push(error) },
    );
    expect(trialOf(policy)).toBeUndefined();
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.problems[0]).toEqual(expect.objectContaining({ option: 'trial.origin' }));
  });

  it("reports a failure of the trial's predicate to reportTrialError, never to reportError", () => {
    const denials: unknown[] = [];
    const trialFailures: unknown[] = [];
    const policy = compileWithTrial(
      {
        origin: true,
        trial: {
          origin: () => {
            throw new Error('trial store down');
          },
        },
      },
      {
        reportError: (error) => denials.push(error),
        reportTrialError: (error) => trialFailures.push(error),
      },
    );
    expect(decideActual(trialOf(policy)!, APP)).toEqual(
      expect.objectContaining({ allowed: false, reason: 'origin-predicate-failed' }),
    );
    expect(trialFailures).toHaveLength(1);
    expect(denials).toEqual([]);
  });

  it('refuses trial.trial even when it is false', () => {
    expect(errorOf({ origin: APP, trial: { trial: false } }).problems[0]).toEqual(
      expect.objectContaining({ option: 'trial.trial' }),
    );
  });
});

describe('compileWithTrial: the trial fields, checked as a policy', () => {
  it('names a trial field that is invalid over the policy: trial.origin, where', () => {
    // '*' is fine alone, but the policy's credentials come into the trial.
    const error = errorOf({ origin: [APP], credentials: true, trial: { origin: '*' } });
    expect(error.where).toBe(WHERE);
    expect(error.problems).toEqual([
      expect.objectContaining({ code: 'origin-any-with-credentials', option: 'trial.origin' }),
    ]);
    expect(error.message).toMatch(/ {2}- trial\.origin: "\*"/);
  });

  it.each([
    [{ maxAge: 90_000 }, 'trial.maxAge', 'max-age-out-of-range'],
    [{ origin: [APP, 'https://partner.example.org/'] }, 'trial.origin[1]', 'origin-not-serialized'],
    [{ methods: ['GET', 'CONNECT'] }, 'trial.methods', 'method-forbidden'],
    [{ origni: [APP] }, 'trial.origni', 'unknown-option'],
  ])('names %j as %s', (trial, option, code) => {
    const error = errorOf({ origin: [APP], trial });
    expect(error.where).toBe(WHERE);
    expect(error.problems).toEqual([expect.objectContaining({ code, option })]);
  });

  it("names the policy's own problems without trial.: the policy is checked first", () => {
    const error = errorOf({ origin: [APP], maxAge: 90_000, trial: { maxAge: 60 } });
    expect(error.problems).toEqual([expect.objectContaining({ option: 'maxAge' })]);
  });

  it("checks the trial with the policy's fields under it: the policy's reflected origin, the trial's credentials", () => {
    // The policy is valid alone, and so are the trial's own fields; together they are not.
    const error = errorOf({ origin: true, trial: { credentials: true } });
    expect(error.problems).toEqual([
      expect.objectContaining({ code: 'origin-reflect-with-credentials', option: 'trial.origin' }),
    ]);
  });
});

describe('compileWithTrial: what it compiles', () => {
  it('no trial: no trialOf, and the policy is the one compilePolicy gives', () => {
    const policy = compileWithTrial({ origin: [APP] });
    expect(trialOf(policy)).toBeUndefined();
    expect(allows(policy, APP)).toBe(true);
    expect(hasTrial({ origin: [APP] })).toBe(false);
  });

  it('trial: false compiles no trial', () => {
    const policy = compileWithTrial({ origin: [APP], trial: false });
    expect(trialOf(policy)).toBeUndefined();
    expect(hasTrial({ trial: false })).toBe(false);
    expect(hasTrial({ trial: undefined })).toBe(false);
  });

  it('responses follow the policy without the trial; the trial is the policy with its fields on top', () => {
    const policy = compileWithTrial({
      origin: [APP, PARTNER],
      exposedHeaders: ['X-Total'],
      trial: { origin: [APP] },
    });
    expect(hasTrial({ trial: { origin: [APP] } })).toBe(true);
    expect(allows(policy, PARTNER)).toBe(true);
    const trial = trialOf(policy)!;
    expect(trial).toBeDefined();
    expect(trial).not.toBe(policy);
    expect(allows(trial, PARTNER)).toBe(false);
    // Inherited from the policy under the trial.
    expect(headerOf(trial, APP, 'Access-Control-Expose-Headers')).toBe('X-Total');
  });

  it('two policies equal but for the trial are compiled apart, each with its own trial', () => {
    const toApp = compileWithTrial({ origin: [APP, PARTNER], trial: { origin: [APP] } });
    const toPartner = compileWithTrial({ origin: [APP, PARTNER], trial: { origin: [PARTNER] } });
    expect(toApp).not.toBe(toPartner);
    expect([allows(trialOf(toApp), APP), allows(trialOf(toApp), PARTNER)]).toEqual([true, false]);
    expect([allows(trialOf(toPartner), APP), allows(trialOf(toPartner), PARTNER)]).toEqual([
      false,
      true,
    ]);
  });

  it('the same options twice are two policies: a trial is never attached to another call', () => {
    const options = { origin: [APP, PARTNER], trial: { origin: [APP] } };
    const first = compileWithTrial(options);
    const second = compileWithTrial(options);
    expect(first).not.toBe(second);
    expect(trialOf(first)).not.toBe(trialOf(second));
    expect(trialOf(compileWithTrial({ origin: [APP, PARTNER] }))).toBeUndefined();
  });
});

class Routes {
  @Cors({ methods: ['PUT'], trial: { origin: [APP] } }) toApp() {}
  @Cors({ methods: ['PUT'], trial: { origin: [PARTNER] } }) toPartner() {}
  @Cors({ methods: ['PUT'] }) untried() {}
}

describe('the registry: policies equal but for the trial', () => {
  it('resolve to distinct compiled policies, each with its own trial', () => {
    const registry = new CorsPolicyRegistry({ origin: [APP, PARTNER] }, QUIET);
    const [toApp, toPartner, untried] = (['toApp', 'toPartner', 'untried'] as const).map(
      (method) => handleOf(registry, Routes, method).fixedPolicy!,
    );
    expect(new Set([toApp, toPartner, untried]).size).toBe(3);
    expect(allows(trialOf(toApp!), PARTNER)).toBe(false);
    expect(allows(trialOf(toPartner!), PARTNER)).toBe(true);
    expect(allows(trialOf(toPartner!), APP)).toBe(false);
    expect(trialOf(untried!)).toBeUndefined();
  });
});

describe('the registry: a trial beside defaultPolicy', () => {
  it('is refused at startup: the per-request answers carry their own', () => {
    const error = refusal(
      () =>
        new CorsPolicyRegistry(
          { defaultPolicy: perRequestPolicy(() => ({ origin: [APP] })), trial: { origin: [] } },
          QUIET,
        ),
    );
    expect(error.problems).toEqual([
      expect.objectContaining({ code: 'default-policy-twice', option: 'defaultPolicy' }),
    ]);
    expect(error.message).toContain('the inline fields trial both give the default policy');
  });
});
