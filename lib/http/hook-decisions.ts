/**
 * The request hook's decision for an actual request, kept on the request for the guard and the
 * interceptor, so that a request whose handler the hook knew is decided once.
 */
import type { CorsDecision } from '../engine/index.js';
import type { PolicyHandle } from '../policy/policy-handle.js';

const DECIDED_BY = Symbol('nestjs-cors: the handle the request hook decided with');
const DECISION = Symbol('nestjs-cors: the request hook decision');

/**
 * The raw Node request, with what the hook decided. Two properties on the request itself rather
 * than an entry in a map: nothing is allocated for it, and it goes when the request goes.
 */
interface Decided {
  [DECIDED_BY]?: PolicyHandle;
  [DECISION]?: CorsDecision;
}

/** Keeps the hook's decision for an actual request, made with `handle`'s policy. */
export function keepHookDecision(
  request: object,
  handle: PolicyHandle,
  decision: CorsDecision,
): void {
  const decided = request as Decided;
  decided[DECIDED_BY] = handle;
  decided[DECISION] = decision;
}

/**
 * The hook's decision for this request if it was made with `handle`'s policy (the handler's own),
 * else `undefined`: the hook did not decide (a preflight, no `Origin` where every policy agrees),
 * or decided with another policy (an ambiguous route, a URL rewritten after the hook). A policy
 * answers one request alike wherever it is asked, so the decision stands for the handler's.
 */
export function hookDecisionFor(request: object, handle: PolicyHandle): CorsDecision | undefined {
  const decided = request as Decided;
  return decided[DECIDED_BY] === handle ? decided[DECISION] : undefined;
}
