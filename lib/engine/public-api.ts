/**
 * `nestjs-cors/engine`: the CORS protocol on its own, with no Nest in it. Compile a policy once,
 * then decide each request with it: what to answer, and why.
 *
 * A curated entry for users, apart from `./index.ts` (the engine's surface for the other layers of
 * this package, which may change in any release).
 *
 * @example
 * ```ts
 * import { compilePolicy, decideActual } from 'nestjs-cors/engine';
 *
 * const policy = compilePolicy({ origin: 'https://*.example.com', credentials: true });
 * decideActual(policy, 'https://app.example.com').allowed; // true
 * ```
 *
 * @packageDocumentation
 */
export { compilePolicy } from './compile-policy.js';
export type {
  CompiledCorsPolicy,
  CompilePolicyContext,
  CorsErrorReporter,
} from './model/compiled-policy.js';
export type { CorsDecision, CorsHeader, CorsReason } from './model/cors-decision.js';
export { decideActual } from './decide-actual.js';
export { decidePreflight, isPreflight, type PreflightRequest } from './decide-preflight.js';
// A decision is a promise only when an origin predicate answers with one.
export type { MaybePromise } from './answers/maybe-promise.js';
// What compilePolicy() takes and throws, also exported by `nestjs-cors`: here too, so that the
// engine can be used without importing Nest.
export * from './policy-options-api.js';
