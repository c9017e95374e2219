/** The decision for an actual (non-preflight) request: which CORS headers it gets. */
import { internalsOf, type CompiledPolicy } from './model/compiled-policy-internals.js';
import type { CompiledCorsPolicy } from './model/compiled-policy.js';
import { decision, type CorsDecision } from './model/cors-decision.js';
import { ACCESS_CONTROL_ALLOW_ORIGIN } from './http/header-names.js';
import { judgeOrigin, type OriginVerdict } from './judge-origin.js';
import { whenSettled, type MaybePromise } from './answers/maybe-promise.js';

/**
 * Decides the CORS headers of an actual (non-preflight) request: any request that is not a
 * preflight, whatever its method.
 *
 * @param origin the request's `Origin` header as received, or `undefined` when it has none.
 * @param request passed to an origin predicate, if the policy has one.
 * @returns the decision; a promise only when the policy's origin predicate returns one.
 *
 * @example
 * ```ts
 * const policy = compilePolicy({ origin: 'https://*.example.com', exposedHeaders: ['X-Total'] });
 * decideActual(policy, 'https://app.example.com');
 * // { allowed: true, reason: 'allowed', vary: 'Origin', headers: [
 * //   ['Access-Control-Allow-Origin', 'https://app.example.com'],
 * //   ['Access-Control-Expose-Headers', 'X-Total']] }
 * ```
 */
export function decideActual<TRequest>(
  compiled: CompiledCorsPolicy<TRequest>,
  origin: string | undefined,
  request?: TRequest,
): MaybePromise<CorsDecision> {
  const policy = internalsOf(compiled);
  if (origin === undefined) return policy.noOriginDecision;
  if (policy.originRule.kind === 'any') return policy.anyOriginActualDecision;
  const exact = policy.exactActualDecisions.get(origin);
  if (exact !== undefined) return exact;
  return whenSettled(
    judgeOrigin(policy, origin, request as TRequest),
    actualDecision,
    policy,
    origin,
  );
}

function actualDecision<TRequest>(
  verdict: OriginVerdict,
  policy: CompiledPolicy<TRequest>,
  origin: string,
): CorsDecision {
  if (verdict !== 'allowed') return policy.deniedActualDecisions.get(verdict)!;
  return decision(
    true,
    'allowed',
    [[ACCESS_CONTROL_ALLOW_ORIGIN, origin], ...policy.actualHeadersAfterOrigin],
    policy.actualVary,
  );
}
