/**
 * The names both public entries export (`nestjs-cors` and `nestjs-cors/engine`): the options of a
 * policy, and the error that refuses them.
 */
export {
  CorsConfigurationError,
  type CorsConfigurationProblem,
  type CorsProblemCode,
} from './errors/cors-configuration-error.js';
export type {
  CorsOrigin,
  CorsOriginCallback,
  CorsOriginPredicate,
  CorsPolicyOptions,
} from './model/cors-policy-options.js';
export type { CorsStaticOrigin } from './origin/static-origin.js';
export type { AnswerCacheSettings } from './answers/answer-cache.js';
export type { PredicateCacheSettings } from './answers/predicate-answers.js';
