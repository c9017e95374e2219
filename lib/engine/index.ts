/**
 * The engine's surface: everything the Nest layer may use. Nothing in this folder imports Nest.
 */
export { compilePolicy, type CompilePolicyContext } from './compile-policy.js';
export type { CompiledCorsPolicy, CorsErrorReporter } from './model/compiled-policy.js';
export {
  CorsConfigurationError,
  ProblemList,
  type CorsConfigurationProblem,
  type CorsProblemCode,
} from './errors/cors-configuration-error.js';
export type { CorsDecision, CorsHeader, CorsReason } from './model/cors-decision.js';
export {
  POLICY_OPTION_NAMES,
  type CorsOrigin,
  type CorsOriginPredicate,
  type CorsPolicyOptions,
} from './model/cors-policy-options.js';
export { decideActual } from './decide-actual.js';
export { predicateFailure } from './judge-origin.js';
export { namesCredentialedOrigins } from './credentialed-origins.js';
export {
  decidePreflight,
  isPreflight,
  preflightMethodOf,
  preflightStatusOf,
  type PreflightRequest,
} from './decide-preflight.js';
export { refusedContent, type CarriedHeaders } from './check-actual-request.js';
export { appendVary } from './http/vary.js';
export { uncacheable } from './preflight-headers.js';
export { readBoolean } from './options/boolean-options.js';
export { whenSettled, type MaybePromise } from './answers/maybe-promise.js';
export { TimeoutError } from './answers/user-function.js';
export { APPROVING_HEADER_NAMES } from './http/header-names.js';
export { isSameOrigin } from './http/same-origin.js';
export {
  hostKeyOf,
  keyPart,
  requestAuthorityOf,
  type RequestAuthority,
} from './http/request-authority.js';
