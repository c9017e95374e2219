/**
 * nestjs-cors: per-controller and per-route CORS policies for NestJS.
 *
 * The engine below has no Nest in it: `compilePolicy` checks and compiles a policy once, and
 * `decideActual` / `decidePreflight` answer each request from the compiled form.
 *
 * @packageDocumentation
 */
export { compilePolicy, type CompilePolicyContext } from './engine/compile-policy.js';
export type { CompiledCorsPolicy, CorsErrorReporter } from './engine/compiled-policy.js';
export {
  CorsConfigurationError,
  type CorsConfigurationProblem,
} from './engine/cors-configuration-error.js';
export type { CorsDecision, CorsHeader, CorsReason } from './engine/cors-decision.js';
export type { CorsOrigin, CorsOriginPredicate, CorsPolicyOptions } from './engine/cors-policy-options.js';
export { decideActual } from './engine/decide-actual.js';
export { decidePreflight, isPreflight, type PreflightRequest } from './engine/decide-preflight.js';
