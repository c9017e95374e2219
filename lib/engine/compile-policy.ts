/** The engine's entry for policies: check options and compile them once, at startup. */
import { buildPolicy } from './build-policy.js';
import type { CompiledCorsPolicy, CompilePolicyContext } from './model/compiled-policy.js';
import type { CorsPolicyOptions } from './model/cors-policy-options.js';

export type { CompilePolicyContext } from './model/compiled-policy.js';

/**
 * Checks a policy and compiles it into the immutable form that {@link decideActual} and
 * {@link decidePreflight} answer requests with. Call it once, at startup.
 *
 * @throws {@link CorsConfigurationError} listing every unsafe or meaningless setting, each with its
 *   code, the option, the value and the fix.
 *
 * @example
 * ```ts
 * const policy = compilePolicy({ origin: 'https://app.example.com', credentials: true });
 * decideActual(policy, 'https://app.example.com').headers;
 * // [['Access-Control-Allow-Origin', 'https://app.example.com'],
 * //  ['Access-Control-Allow-Credentials', 'true']]
 * ```
 */
export function compilePolicy<TRequest = unknown>(
  options: CorsPolicyOptions<TRequest> = {},
  context: CompilePolicyContext = {},
): CompiledCorsPolicy<TRequest> {
  return buildPolicy(options, context);
}
