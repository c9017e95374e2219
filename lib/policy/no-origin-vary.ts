/**
 * The `Vary` of every response to a request without Origin, when every policy answers such a
 * request alike, so that the request hook need not find the route; recomputed on each replace.
 */
import { decideActual, type CorsDecision } from '../engine/index.js';
import type { CorsPolicyRegistry } from './cors-policy-registry.js';
import type { RoutePolicy } from './policy-handle.js';

/**
 * The value the request hook reads for requests without Origin, owned here: computed from the
 * routes' policies at startup and again after every `replace()` of the registry.
 */
export class UniformNoOriginVary {
  private current: string | undefined;

  constructor(
    private readonly routePolicies: readonly RoutePolicy[],
    private readonly registry: CorsPolicyRegistry,
  ) {
    this.current = uniformNoOriginVary(routePolicies, registry);
    registry.onReplace(() => {
      this.current = uniformNoOriginVary(this.routePolicies, this.registry);
    });
  }

  /** The shared `Vary` (possibly empty), or `undefined` when each route must be looked up. */
  get value(): string | undefined {
    return this.current;
  }
}

/**
 * The `Vary` of every response to a request without Origin under the policies in force, when every
 * policy answers such a request alike with nothing but `Vary`. A `'*'` policy answers it with
 * `Access-Control-Allow-Origin: *`, and a per-request policy may answer anything, and then each
 * route must be looked up (`undefined`).
 */
export function uniformNoOriginVary(
  routePolicies: readonly RoutePolicy[],
  registry: CorsPolicyRegistry,
): string | undefined {
  const handles = [registry.defaultHandle, ...routePolicies];
  if (handles.some((handle) => handle !== null && handle.fixedPolicy === undefined))
    return undefined;
  const decisions = handles.map(
    // Without an Origin the answer is always synchronous: no predicate is asked.
    (handle) =>
      handle === null ? undefined : (decideActual(handle.fixedPolicy!, undefined) as CorsDecision),
  );
  if (decisions.some((decision) => decision !== undefined && decision.headers.length > 0))
    return undefined;
  const values = new Set(decisions.map((decision) => decision?.vary ?? ''));
  return values.size === 1 ? [...values][0] : undefined;
}
