/**
 * The one decision a request gets: its policy resolved from its handle, then decided. The request
 * hook, the guard, the interceptor and the WebSocket handshake judge all decide through it.
 */
import {
  decideActual,
  decidePreflight,
  whenSettled,
  type CompiledCorsPolicy,
  type CorsDecision,
  type MaybePromise,
  type PreflightRequest,
} from '../engine/index.js';
import type { PolicyHandle } from './policy-handle.js';

/**
 * What a request asks: for an actual request, its origin (`undefined` for none); for a preflight,
 * what it asks for.
 */
export type CorsQuestion = string | undefined | PreflightRequest;

/**
 * What a caller makes of the decision and of the compiled policy that made it (enforcement and a
 * preflight's status read the policy). `context` is the caller's, handed through untouched.
 */
export type Decided<C, T> = (
  decision: CorsDecision,
  policy: CompiledCorsPolicy<unknown>,
  context: C,
) => T;

/**
 * Resolves `handle`'s policy for `request` and decides `question` with it, then hands the decision
 * and the policy to `then`. Synchronous unless a per-request policy or an origin predicate answers
 * with a promise; on the synchronous path nothing is allocated (pass a function made once, and a
 * context that exists anyway). A per-request policy that fails denies (see `RequestPolicy`), so
 * only `then` or an origin predicate written to throw can make this throw or reject.
 *
 * @param request what a per-request policy is computed from: the platform's request object.
 * @param judged what an origin predicate is given: the raw Node request.
 */
export function decideRequest<C, T>(
  handle: PolicyHandle,
  request: object,
  judged: object,
  question: CorsQuestion,
  then: Decided<C, T>,
  context: C,
): MaybePromise<T> {
  const policy = handle.policyFor(request);
  return policy instanceof Promise
    ? policy.then((settled) => decideWith(settled, judged, question, then, context))
    : decideWith(policy, judged, question, then, context);
}

/** A {@link Decided} for callers that need the decision alone. */
export function theDecision(decision: CorsDecision): CorsDecision {
  return decision;
}

function decideWith<C, T>(
  policy: CompiledCorsPolicy<unknown>,
  judged: object,
  question: CorsQuestion,
  then: Decided<C, T>,
  context: C,
): MaybePromise<T> {
  const decision =
    typeof question === 'object'
      ? decidePreflight(policy, question, judged)
      : decideActual(policy, question, judged);
  return whenSettled(decision, then, policy, context);
}
