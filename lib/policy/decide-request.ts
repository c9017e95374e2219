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
 * What a caller makes of the decision and of the compiled policy that made it (enforcement and a
 * preflight's status read the policy). `context` is the caller's, handed through untouched.
 */
export type DecisionThen<C, T> = (
  decision: CorsDecision,
  policy: CompiledCorsPolicy<unknown>,
  context: C,
) => T;

/**
 * Resolves `handle`'s policy for `request` and decides an actual (non-preflight) request from
 * `origin` with it, then hands the decision and the policy to `then`. Synchronous unless a
 * per-request policy or an origin predicate answers with a promise; on the synchronous path
 * nothing is allocated (pass a function made once, and a context that exists anyway).
 *
 * Neither a failing per-request policy (it denies, see `RequestPolicy`) nor a failing origin
 * predicate (the engine reports it and denies) makes this throw or reject; `then` can, and so can
 * an `origin` that is not a string, which Node never hands over: it joins an `Origin` header sent
 * twice into one string (`a, b`, on HTTP/1.1 and HTTP/2 alike), which no policy allows.
 *
 * @param request what a per-request policy is computed from: the platform's request object.
 * @param judged what an origin predicate is given: the raw Node request.
 * @param origin the request's `Origin` header, `undefined` for none.
 */
export function decideActualRequest<C, T>(
  handle: PolicyHandle,
  request: object,
  judged: object,
  origin: string | undefined,
  then: DecisionThen<C, T>,
  context: C,
): MaybePromise<T> {
  return decideRequest(handle, request, judged, origin, undefined, then, context);
}

/**
 * {@link decideActualRequest} for a CORS preflight: decides what `preflight` asks for.
 */
export function decidePreflightRequest<C, T>(
  handle: PolicyHandle,
  request: object,
  judged: object,
  preflight: PreflightRequest,
  then: DecisionThen<C, T>,
  context: C,
): MaybePromise<T> {
  return decideRequest(handle, request, judged, preflight.origin, preflight, then, context);
}

/** A {@link DecisionThen} for callers that need the decision alone. */
export function theDecision(decision: CorsDecision): CorsDecision {
  return decision;
}

/** `preflight` is `undefined` for an actual request: the entry point says which it is. */
function decideRequest<C, T>(
  handle: PolicyHandle,
  request: object,
  judged: object,
  origin: string | undefined,
  preflight: PreflightRequest | undefined,
  then: DecisionThen<C, T>,
  context: C,
): MaybePromise<T> {
  const policy = handle.policyFor(request);
  return policy instanceof Promise
    ? policy.then((settled) => decideWith(settled, judged, origin, preflight, then, context))
    : decideWith(policy, judged, origin, preflight, then, context);
}

function decideWith<C, T>(
  policy: CompiledCorsPolicy<unknown>,
  judged: object,
  origin: string | undefined,
  preflight: PreflightRequest | undefined,
  then: DecisionThen<C, T>,
  context: C,
): MaybePromise<T> {
  return whenSettled(decisionOf(policy, origin, preflight, judged), then, policy, context);
}

/**
 * `policy`'s decision of one request: an actual request from `origin`, or, with `preflight`, the
 * preflight. What every decision above is made by, and a policy's trial too.
 */
export function decisionOf(
  policy: CompiledCorsPolicy<unknown>,
  origin: string | undefined,
  preflight: PreflightRequest | undefined,
  judged: object,
): MaybePromise<CorsDecision> {
  return preflight === undefined
    ? decideActual(policy, origin, judged)
    : decidePreflight(policy, preflight, judged);
}
