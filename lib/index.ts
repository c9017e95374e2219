/**
 * nestjs-cors: per-controller and per-route CORS policies for NestJS, with preflights that follow
 * the route they are for.
 *
 * - {@link CorsModule} sets the default and named policies;
 * - {@link Cors} gives a controller or a handler its own;
 * - the engine functions ({@link compilePolicy}, {@link decideActual}, {@link decidePreflight})
 *   implement the CORS protocol with no Nest in them, for use and for testing on their own.
 *
 * @packageDocumentation
 */
export { Cors } from './nest/cors.decorator.js';
export type { CorsPolicyMetadata } from './policy/policy-metadata.js';
export { CorsModule } from './module/cors.module.js';
export { CORS_MODULE_OPTIONS } from './module/cors.module-definition.js';
export type {
  CorsModuleArgument,
  CorsModuleOptions,
  CorsPolicy,
  CorsPolicyConfiguration,
} from './policy/cors-module-options.js';
export { CorsPolicies, type CorsPoliciesWatchOptions } from './nest/cors-policies.service.js';
export { corsTrusted } from './csrf/cors-trusted.js';
export {
  perRequestPolicy,
  type CorsPolicyCallback,
  type CorsPolicyFunction,
  type PerRequestCorsPolicy,
  type PerRequestPolicySettings,
} from './policy/per-request-policy.js';
export type { AnswerCacheSettings } from './engine/answers/answer-cache.js';
export type { PredicateCacheSettings } from './engine/answers/predicate-answers.js';
export type { CorsStaticOrigin } from './engine/origin/static-origin.js';

export { compilePolicy, type CompilePolicyContext } from './engine/compile-policy.js';
export type { CompiledCorsPolicy, CorsErrorReporter } from './engine/model/compiled-policy.js';
export {
  CorsConfigurationError,
  type CorsConfigurationProblem,
  type CorsProblemCode,
} from './engine/errors/cors-configuration-error.js';
export type { CorsDecision, CorsHeader, CorsReason } from './engine/model/cors-decision.js';
export type {
  CorsOrigin,
  CorsOriginCallback,
  CorsOriginPredicate,
  CorsPolicyOptions,
} from './engine/model/cors-policy-options.js';
export { decideActual } from './engine/decide-actual.js';
export { decidePreflight, isPreflight, type PreflightRequest } from './engine/decide-preflight.js';
