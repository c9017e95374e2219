/**
 * Trial policies: a policy's `trial` field, compiled beside the policy it tries to replace. The
 * enforced policy answers every request; the trial is decided on the same request only to be
 * compared (see `trial-difference.ts`), as `Content-Security-Policy-Report-Only` runs beside CSP.
 */
import {
  compilePolicy,
  CorsConfigurationError,
  ProblemList,
  type CompiledCorsPolicy,
  type CompilePolicyContext,
  type CorsPolicyOptions,
} from '../engine/index.js';

/**
 * A policy with an optional trial: the fields of a stricter (or looser) policy to try beside it.
 * Responses follow the policy without `trial`, exactly as if it were absent; the trial (this
 * policy's fields with the trial's on top) is checked at startup like any policy and decided on
 * every request, and each request it would answer differently is reported (`trial-difference`
 * events, a rate-limited log, the report's counts). `trial` is a field like the others: a
 * controller's or handler's `@Cors({ ... })` inherits it, writes its own, or drops it with
 * `trial: false`.
 *
 * @example
 * ```ts
 * @Cors({ origin: true, trial: { origin: ['https://app.example.com'] } })
 * ```
 */
export interface CorsPolicyOptionsWithTrial<
  TRequest = unknown,
> extends CorsPolicyOptions<TRequest> {
  /**
   * The fields of the policy to try, over this policy's own; `false` for none (to drop a trial
   * inherited from the policy below). It cannot hold a trial of its own.
   */
  trial?: CorsPolicyOptions<TRequest> | false;
}

/** The trial of each compiled policy that has one: its key is the enforced policy, compiled for it alone. */
const trials = new WeakMap<CompiledCorsPolicy<unknown>, CompiledCorsPolicy<unknown>>();

/** The trial compiled beside `policy`, or `undefined` when it has none. */
export function trialOf(
  policy: CompiledCorsPolicy<unknown>,
): CompiledCorsPolicy<unknown> | undefined {
  return trials.get(policy);
}

/** Whether options carry a trial to compile (`trial: false` and an absent one do not). */
export function hasTrial(options: object): boolean {
  const trial = (options as CorsPolicyOptionsWithTrial).trial;
  return trial !== undefined && trial !== false;
}

/**
 * Checks and compiles a policy that may carry a `trial`: the policy without it, and, when it has
 * one, the trial (the policy's fields with the trial's on top), reachable through {@link trialOf}.
 * Every call compiles a policy of its own, so that one trial is never attached to another's policy.
 *
 * @throws CorsConfigurationError naming the policy's problems, or the trial's as `trial.<option>`.
 */
export function compileWithTrial(
  options: CorsPolicyOptionsWithTrial<unknown>,
  context: CompilePolicyContext = {},
): CompiledCorsPolicy<unknown> {
  if (
    options === null ||
    typeof options !== 'object' ||
    Array.isArray(options) ||
    !('trial' in options)
  )
    return compilePolicy(options, context);
  const { trial, ...enforced } = options;
  checkTrialValue(trial, context.where);
  const policy = compilePolicy(enforced, context);
  if (trial !== undefined && trial !== false) {
    trials.set(policy, compileTrial({ ...enforced, ...trial }, context));
  }
  return policy;
}

function checkTrialValue(trial: unknown, where: string | undefined): void {
  if (trial === undefined || trial === false) return;
  const problems = new ProblemList();
  if (trial === null || typeof trial !== 'object' || Array.isArray(trial)) {
    problems.add(
      'trial-invalid',
      'trial',
      trial,
      'is not the fields of a policy to try, or false',
      'write trial: { origin: ["https://app.example.com"] }, or trial: false for none',
    );
  } else if ('trial' in trial) {
    problems.add(
      'trial-invalid',
      'trial.trial',
      trial.trial,
      'is a trial inside a trial, which nothing would ever decide',
      'write the fields to try directly in trial: { ... }',
    );
  }
  problems.throwIfAny(where);
}

/** Compiles a trial, its problems named `trial.<option>`, so that the message points into it. */
function compileTrial(
  options: CorsPolicyOptions<unknown>,
  context: CompilePolicyContext,
): CompiledCorsPolicy<unknown> {
  try {
    return compilePolicy(options, context);
  } catch (error) {
    if (!(error instanceof CorsConfigurationError)) throw error;
    throw new CorsConfigurationError(
      error.problems.map((problem) => ({ ...problem, option: `trial.${problem.option}` })),
      error.where,
    );
  }
}
