/** Whether a policy names the origins it gives credentialed access to (for CSRF approvals). */
import { internalsOf } from './model/compiled-policy-internals.js';
import type { CompiledCorsPolicy } from './model/compiled-policy.js';

/**
 * Whether a policy grants credentialed access only to origins it names (a list, patterns, regexes,
 * or a predicate that judges each origin): what it takes for an approval to say that this origin,
 * in particular, may act for the signed-in user. A policy that answers `*`, or reflects every
 * origin, or sends no credentials, vouches for no origin.
 */
export function namesCredentialedOrigins(policy: CompiledCorsPolicy<never>): boolean {
  const { credentials, originRule } = internalsOf(policy);
  return credentials && (originRule.kind === 'match' || originRule.kind === 'predicate');
}
