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
  type CorsErrorReporter,
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

/** How {@link compileWithTrial} compiles, beyond what `compilePolicy` takes. */
export interface TrialCompileContext extends CompilePolicyContext {
  /**
   * Where a failure of the trial's origin predicate goes. Not `reportError`: the request was not
   * denied (the trial only counts it as refused), and no alert on denials should fire for it.
   * Default: the console.
   */
  readonly reportTrialError?: CorsErrorReporter;
  /**
   * Given, an invalid trial is handed here and the policy compiled without it, instead of thrown:
   * for a per-request policy's answer, whose trial must not deny requests the policy allows.
   */
  readonly onInvalidTrial?: (error: CorsConfigurationError) => void;
}

/**
 * Checks and compiles a policy that may carry a `trial`: the policy without it, and, when it has
 * one, the trial (the policy's fields with the trial's on top), reachable through {@link trialOf}.
 * Every call compiles a policy of its own, so that one trial is never attached to another's policy.
 *
 * @throws CorsConfigurationError naming the policy's problems, or the trial's as `trial.<option>`
 *   (unless `onInvalidTrial` takes them).
 */
export function compileWithTrial(
  options: CorsPolicyOptionsWithTrial<unknown>,
  context: TrialCompileContext = {},
): CompiledCorsPolicy<unknown> {
  const { reportTrialError, onInvalidTrial, ...compileContext } = context;
  if (
    options === null ||
    typeof options !== 'object' ||
    Array.isArray(options) ||
    !('trial' in options)
  )
    return compilePolicy(options, compileContext);
  const { trial, ...enforced } = options;
  const policy = compilePolicy(enforced, compileContext);
  if (trial === undefined || trial === false) return policy;
  try {
    checkTrialValue(trial, context.where);
    const reportError = reportTrialError ?? reportTrialToConsole;
    // checkTrialValue refused a nested trial; an undefined one is absent, as everywhere.
    const { trial: _absent, ...tried } = trial as CorsPolicyOptionsWithTrial<unknown>;
    trials.set(policy, compileTrial({ ...enforced, ...tried }, { ...compileContext, reportError }));
  } catch (error) {
    if (onInvalidTrial === undefined || !(error instanceof CorsConfigurationError)) throw error;
    onInvalidTrial(error);
  }
  return policy;
}

function checkTrialValue(trial: unknown, where: string | undefined): void {
  const problems = new ProblemList();
  if (trial === null || typeof trial !== 'object' || Array.isArray(trial)) {
    problems.add(
      'trial-invalid',
      'trial',
      trial,
      'is not the fields of a policy to try, or false',
      'write trial: { origin: ["https://app.example.com"] }, or trial: false for none',
    );
  } else if ((trial as CorsPolicyOptionsWithTrial).trial !== undefined) {
    problems.add(
      'trial-invalid',
      'trial.trial',
      (trial as CorsPolicyOptionsWithTrial).trial,
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

const reportTrialToConsole = trialErrorReporter((message, error) =>
  console.error(`[nestjs-cors] ${message}`, error),
);

/**
 * A trial's `reportTrialError` that logs through `log`, saying that the request itself was not
 * affected (the policy in force answered it).
 */
export function trialErrorReporter(
  log: (message: string, error: unknown) => void,
): CorsErrorReporter {
  return (error, origin) =>
    log(
      `The origin predicate of a CORS trial failed for ${JSON.stringify(origin)}; the trial counts the request as refused, and its response was not affected.`,
      error,
    );
}
