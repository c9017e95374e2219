/**
 * What the request hook does with an actual request's decision before writing it: keep it for the
 * guard and the interceptor, record an approval for `corsTrusted()`.
 */
import type { IncomingMessage } from 'node:http';
import {
  namesCredentialedOrigins,
  type CompiledCorsPolicy,
  type CorsDecision,
} from '../engine/index.js';
import { theDecision, type DecisionThen } from '../policy/decide-request.js';
import type { CsrfTrust } from './csrf-trust.js';
import { keepHookDecision } from './hook-decisions.js';

/** One of the steps, handed to the decision with the raw request as its context. */
export type ActualDecisionStep = DecisionThen<IncomingMessage, CorsDecision>;

/**
 * The step for each case, each function made once, so that deciding allocates nothing.
 *
 * @returns `stepFor(keep, vouch)`: with `keep`, the decision is kept on the request with the policy
 *   that made it (the route's handler reads it, see `RouteTarget.readsHookDecision`); with
 *   `vouch`, an approval that names the origin with credentials is recorded for `corsTrusted()`.
 */
export function actualDecisionSteps(
  csrfTrust: CsrfTrust,
): (keep: boolean, vouch: boolean) => ActualDecisionStep {
  const vouched: ActualDecisionStep = (decision, policy, raw) =>
    vouch(csrfTrust, decision, policy, raw);
  const kept: ActualDecisionStep = (decision, policy, raw) => {
    keepHookDecision(raw, policy, decision);
    return decision;
  };
  const keptAndVouched: ActualDecisionStep = (decision, policy, raw) => {
    keepHookDecision(raw, policy, decision);
    return vouch(csrfTrust, decision, policy, raw);
  };
  return (keep, vouch) => (keep ? (vouch ? keptAndVouched : kept) : vouch ? vouched : theDecision);
}

function vouch(
  csrfTrust: CsrfTrust,
  decision: CorsDecision,
  policy: CompiledCorsPolicy<unknown>,
  raw: IncomingMessage,
): CorsDecision {
  if (decision.allowed && namesCredentialedOrigins(policy)) csrfTrust.record(raw);
  return decision;
}
