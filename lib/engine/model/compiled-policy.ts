/** Receives errors that a policy's origin predicate threw, since they must not fail the request. */
export type CorsErrorReporter = (error: unknown, origin: string) => void;

declare const compiledCorsPolicy: unique symbol;

/**
 * A policy checked and compiled by {@link compilePolicy}, for {@link decideActual} and
 * {@link decidePreflight}. Opaque on purpose: what it holds is the engine's business, and may
 * change in any release.
 */
export interface CompiledCorsPolicy<TRequest = unknown> {
  readonly [compiledCorsPolicy]: (request: TRequest) => void;
}
