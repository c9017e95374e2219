/**
 * nestjs-cors: per-controller and per-route CORS policies for NestJS, with preflights that follow
 * the route they are for.
 *
 * - {@link CorsModule} sets the default and named policies;
 * - {@link Cors} gives a controller or a handler its own;
 * - {@link CorsPolicies} reads and replaces them at run time.
 *
 * The CORS engine on its own (compile a policy, decide a request, no Nest) is `nestjs-cors/engine`.
 *
 * @packageDocumentation
 */
export { CorsModule } from './module/cors.module.js';
export type { CorsModuleAsyncOptions } from './module/cors.module-definition.js';
export { CORS_OPTIONS as CORS_MODULE_OPTIONS } from './nest/cors-options.token.js';
export { Cors } from './nest/cors.decorator.js';
export type { CorsPolicyMetadata } from './policy/policy-metadata.js';
export type {
  CorsModuleArgument,
  CorsModuleOptions,
  CorsPolicy,
  CorsPolicyConfiguration,
} from './policy/cors-module-options.js';
export { CorsPolicies, type CorsPoliciesWatchOptions } from './nest/cors-policies.service.js';
export {
  CorsEvents,
  type CorsEvent,
  type CorsEventListener,
  type CorsHandshakeRefusedEvent,
  type CorsLookupFailedEvent,
  type CorsPoliciesReplacedEvent,
  type CorsRefusalEvent,
  type CorsRefusalReason,
  type CorsTrialDifferenceEvent,
  type CorsWatchReadFailedEvent,
} from './policy/cors-events.js';
export type { CorsPolicyOptionsWithTrial } from './policy/trial-policy.js';
export type { CorsTrialDifference } from './policy/trial-difference.js';
export type {
  CorsTrialCounts,
  CorsTrialOriginCount,
  CorsTrialRouteCounts,
} from './policy/trial-recorder.js';
export { corsTrusted } from './csrf/cors-trusted.js';
export {
  perRequestPolicy,
  type CorsPolicyCallback,
  type CorsPolicyFunction,
  type PerRequestCorsPolicy,
  type PerRequestPolicySettings,
} from './policy/per-request-policy.js';
// The options of a policy and the error that refuses them, as `nestjs-cors/engine` exports them.
export * from './engine/policy-options-api.js';
