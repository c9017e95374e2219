/** Judging a request's `Origin` against a compiled policy: lists, patterns, predicates, timeouts. */
import type { CompiledPolicy } from './model/compiled-policy-internals.js';
import type { CorsOriginPredicate } from './model/cors-policy-options.js';
import type { MaybePromise } from './answers/maybe-promise.js';
import { matchOrigin } from './origin/origin-matcher.js';
import { parseSerializedOrigin } from './origin/serialized-origin.js';
import { staticOriginAllows, type CorsStaticOrigin } from './origin/static-origin.js';
import { callUserFunction, isThenable, withTimeout } from './answers/user-function.js';

/** The part of a decision that concerns the origin alone. */
export type OriginVerdict =
  'allowed' | 'origin-not-allowed' | 'origin-malformed' | 'origin-predicate-failed';

/**
 * Judges a request's `Origin` against a policy. Synchronous unless the policy's predicate answers
 * with a promise. Never throws: a failing predicate is reported and denies.
 */
export function judgeOrigin<TRequest>(
  policy: CompiledPolicy<TRequest>,
  origin: string,
  request: TRequest,
): MaybePromise<OriginVerdict> {
  const rule = policy.originRule;
  switch (rule.kind) {
    case 'any':
      return 'allowed';
    case 'none':
      return 'origin-not-allowed';
    case 'match':
      if (rule.matcher.exact.has(origin)) return 'allowed';
      break;
  }
  if (origin === 'null') return policy.allowNullOrigin ? 'allowed' : 'origin-not-allowed';
  // Everything past this point may echo the origin or hand it to user code: it must be well formed.
  const parsed = parseSerializedOrigin(origin);
  if (parsed === undefined) return 'origin-malformed';
  switch (rule.kind) {
    case 'reflect':
      return 'allowed';
    case 'match':
      return matchOrigin(rule.matcher, origin, parsed) ? 'allowed' : 'origin-not-allowed';
    case 'predicate':
      return askPredicate(policy, rule.predicate, origin, request);
  }
}

function askPredicate<TRequest>(
  policy: CompiledPolicy<TRequest>,
  predicate: CorsOriginPredicate<TRequest>,
  origin: string,
  request: TRequest,
): MaybePromise<OriginVerdict> {
  try {
    const cache = policy.predicateAnswers;
    const allowed =
      cache === undefined
        ? allowedByPredicate(policy, predicate, origin, request)
        : cache.get(
            origin,
            request,
            () => allowedByPredicate(policy, predicate, origin, request),
            // The last good answer stood in for a failure (staleIfError): still reported. Made
            // only for a cache that may do so, so that a kept answer costs one closure less.
            cache.servesStale
              ? (error) => reportFailure(policy, error, origin, 'stale-answer-served')
              : undefined,
          );
    return allowed instanceof Promise
      ? allowed.then(toVerdict, (error: unknown) => failed(policy, error, origin))
      : toVerdict(allowed);
  } catch (error) {
    return failed(policy, error, origin);
  }
}

/** The predicate failed and nothing stood in for it: reported, and the request denied. */
function failed<TRequest>(
  policy: CompiledPolicy<TRequest>,
  error: unknown,
  origin: string,
): OriginVerdict {
  reportFailure(policy, error, origin, 'denied');
  return 'origin-predicate-failed';
}

/** Tells the policy's reporter of a predicate's failure. Never throws. */
function reportFailure<TRequest>(
  policy: CompiledPolicy<TRequest>,
  error: unknown,
  origin: string,
  outcome: 'denied' | 'stale-answer-served',
): void {
  try {
    policy.reportError(error, origin, outcome);
  } catch {
    // A broken reporter must not turn a denial into a 500.
  }
}

/**
 * Asks the predicate, however it answers: a return value or a promise (only exactly `true`
 * allows), or Nest's callback form `(origin, callback)`. A promise that does not settle within
 * `predicateTimeout` rejects.
 */
function allowedByPredicate<TRequest>(
  policy: CompiledPolicy<TRequest>,
  predicate: CorsOriginPredicate<TRequest>,
  origin: string,
  request: TRequest,
): MaybePromise<boolean> {
  const answer = callUserFunction(
    predicate,
    origin,
    request,
    isBoolean,
    (value: CorsStaticOrigin | undefined) => staticOriginAllows(value, origin),
  );
  if (!isThenable(answer)) return answer === true;
  return withTimeout(
    answer,
    policy.predicateTimeout,
    () =>
      `The origin predicate gave no answer for ${JSON.stringify(origin)} within ${policy.predicateTimeout} ms (predicateTimeout)`,
  ).then((value) => value === true);
}

function isBoolean(value: unknown): boolean {
  return typeof value === 'boolean';
}

function toVerdict(allowed: boolean): OriginVerdict {
  return allowed ? 'allowed' : 'origin-not-allowed';
}

/** The sentence that reports an origin predicate's failure and what became of the request. */
export function predicateFailure(
  origin: string,
  outcome: 'denied' | 'stale-answer-served',
): string {
  return `The origin predicate failed for ${JSON.stringify(origin)}; ${
    outcome === 'denied'
      ? 'the request was denied.'
      : 'its last good answer was served (predicateCache.staleIfError).'
  }`;
}
