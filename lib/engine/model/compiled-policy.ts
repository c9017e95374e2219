/** A compiled policy as users hold it (opaque), and the settings of its compilation. */
/**
 * Receives what an origin predicate threw or rejected with, for the origin it was asked about, and
 * what became of the request: `denied`, or `stale-answer-served` where `predicateCache.staleIfError`
 * answered with the origin's last good answer instead.
 */
export type CorsErrorReporter = (
  error: unknown,
  origin: string,
  outcome: 'denied' | 'stale-answer-served',
) => void;

declare const compiledCorsPolicy: unique symbol;

/**
 * A policy checked and compiled by {@link compilePolicy}, for {@link decideActual} and
 * {@link decidePreflight}. Opaque on purpose: what it holds is the engine's business, and may
 * change in any release.
 */
export interface CompiledCorsPolicy<TRequest = unknown> {
  readonly [compiledCorsPolicy]: (request: TRequest) => void;
}

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
