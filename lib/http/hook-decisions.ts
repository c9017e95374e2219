/**
 * The request hook's decision for an actual request, kept on the request for the guard and the
 * interceptor, so that a request whose handler the hook knew is decided once.
 */
import type { IncomingMessage } from 'node:http';
import type { CompiledCorsPolicy, CorsDecision, MaybePromise } from '../engine/index.js';
import type { PolicyHandle } from '../policy/policy-handle.js';
import { decideActualRequest, type DecisionThen } from '../policy/decide-request.js';

const DECIDED_WITH = Symbol('nestjs-cors: the compiled policy the request hook decided with');
const DECISION = Symbol('nestjs-cors: the request hook decision');

/**
 * The raw Node request, with what the hook decided: two properties on the request itself, set only
 * where the route's handler reads them (see `RouteTarget.readsHookDecision`). Measured on plain
 * `IncomingMessage` objects, they cost 16 bytes a request and no time that could be told from
 * noise; a `WeakMap` entry cost 42 bytes and 1.5 to 3 µs a request, most of it the collector's.
 */
interface KeptDecision {
  [DECIDED_WITH]?: CompiledCorsPolicy<unknown>;
  [DECISION]?: CorsDecision;
}

/** Keeps the hook's decision for an actual request, made with `policy`. */
export function keepHookDecision(
  request: object,
  policy: CompiledCorsPolicy<unknown>,
  decision: CorsDecision,
): void {
  const kept = request as KeptDecision;
  kept[DECIDED_WITH] = policy;
  kept[DECISION] = decision;
}

/**
 * The hook's decision for this request if it was made with `policy`, else `undefined`: the hook
 * did not decide (a preflight, no `Origin` where every policy agrees, a handler that reads no
 * decision), or decided with another policy (an ambiguous route, a URL rewritten after the hook,
 * `CorsPolicies.replace()` in between). A compiled policy answers one request alike wherever it is
 * asked, so the decision stands for the handler's.
 */
export function hookDecisionFor(
  request: object,
  policy: CompiledCorsPolicy<unknown>,
): CorsDecision | undefined {
  const kept = request as KeptDecision;
  return kept[DECIDED_WITH] === policy ? kept[DECISION] : undefined;
}

/**
 * An actual request's decision by `handle`'s policy, for the guard and the interceptor: the hook's,
 * handed to `reused`, where it was made with the very compiled policy the handle gives this request
 * now; else decided here and handed to `decided`. Resolving the handle's policy again is a field
 * read for a fixed policy; a per-request policy keeps its answer for the request.
 *
 * @param request the platform's request object.
 * @param raw the raw Node request behind it, where the hook kept its decision.
 */
export function hookDecisionOrOwn<C, T>(
  handle: PolicyHandle,
  request: object,
  raw: IncomingMessage,
  reused: DecisionThen<C, T>,
  decided: DecisionThen<C, T>,
  context: C,
): MaybePromise<T> {
  if ((raw as KeptDecision)[DECIDED_WITH] === undefined)
    return decideActualRequest(handle, request, raw, raw.headers.origin, decided, context);
  const policy = handle.policyFor(request);
  return policy instanceof Promise
    ? policy.then((settled) =>
        reuseOrDecide(settled, handle, request, raw, reused, decided, context),
      )
    : reuseOrDecide(policy, handle, request, raw, reused, decided, context);
}

function reuseOrDecide<C, T>(
  policy: CompiledCorsPolicy<unknown>,
  handle: PolicyHandle,
  request: object,
  raw: IncomingMessage,
  reused: DecisionThen<C, T>,
  decided: DecisionThen<C, T>,
  context: C,
): MaybePromise<T> {
  const kept = hookDecisionFor(raw, policy);
  return kept === undefined
    ? decideActualRequest(handle, request, raw, raw.headers.origin, decided, context)
    : reused(kept, policy, context);
}
