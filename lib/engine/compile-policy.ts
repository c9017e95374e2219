import { buildPolicy } from './build-policy.js';
import type { CompiledCorsPolicy, CorsErrorReporter } from './model/compiled-policy.js';
import type { CorsPolicyOptions } from './model/cors-policy-options.js';

/** Settings of the compilation itself, as opposed to the policy. */
export interface CompilePolicyContext {
  /** Where the policy was declared, named in configuration errors. */
  readonly where?: string;
  /** Receives errors thrown by an origin predicate. Default: `console.error`. */
  readonly reportError?: CorsErrorReporter;
  /**
   * Request headers the policy itself was chosen by (a tenant's `Host`, say), added to the `Vary`
   * of every answer so that a shared cache does not serve one tenant's answer to another.
   */
  readonly vary?: readonly string[];
}

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
