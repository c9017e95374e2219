import type { CompiledPolicy } from './compiled-policy-internals.js';
import type { CorsOriginPredicate } from './cors-policy-options.js';
import type { MaybePromise } from './maybe-promise.js';
import { matchOrigin } from './origin/origin-matcher.js';
import { parseSerializedOrigin } from './origin/serialized-origin.js';

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
  const fail = (error: unknown): OriginVerdict => {
    try {
      policy.reportError(error, origin);
    } catch {
      // A broken reporter must not turn a denial into a 500.
    }
    return 'origin-predicate-failed';
  };
  try {
    const answer: unknown = predicate(origin, request);
    if (isThenable(answer)) {
      return withTimeout(Promise.resolve(answer), policy.predicateTimeout, origin).then(
        (value) => (value === true ? 'allowed' : 'origin-not-allowed'),
        fail,
      );
    }
    return answer === true ? 'allowed' : 'origin-not-allowed';
  } catch (error) {
    return fail(error);
  }
}

/**
 * A predicate's promise, or a rejection once `milliseconds` have passed without an answer: a
 * lookup that never settles must deny the request, not hold it (and its socket) forever.
 */
function withTimeout<T>(answer: Promise<T>, milliseconds: number, origin: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `The origin predicate gave no answer for ${JSON.stringify(origin)} within ${milliseconds} ms (predicateTimeout)`,
          ),
        ),
      milliseconds,
    );
    // The timer alone must not keep a process alive that has nothing else to do.
    timer.unref?.();
  });
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
