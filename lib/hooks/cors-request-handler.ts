import type { IncomingMessage } from 'node:http';
import { CORS_DECISION_KEY } from '../cors.constants.js';
import {
  appendVary,
  decideActual,
  decidePreflight,
  type CompiledCorsPolicy,
  type CorsDecision,
} from '../engine/index.js';
import type { RouteTable } from '../routing/route-table.js';
import type { ResponseHeaders } from './response-headers.js';

/** What the platform hook must do once the CORS work for a request is done. */
export type HookOutcome =
  /** Hand the request on to the application. */
  | { readonly kind: 'continue' }
  /** A preflight answered here: end the response with this status and an empty body. */
  | { readonly kind: 'answer'; readonly status: number };

const CONTINUE: HookOutcome = Object.freeze({ kind: 'continue' });

/** Logs a denial; present only with `debug: true`. */
export type DenialLogger = (
  request: IncomingMessage,
  policy: CompiledCorsPolicy<IncomingMessage>,
  decision: CorsDecision,
  preflight: boolean,
) => void;

/**
 * The platform-neutral body of the request hook: answers preflights with the policy of the route
 * they are for, and writes an actual request's CORS headers before anything else runs, so that
 * every response, an error included, carries them.
 */
export class CorsRequestHandler {
  constructor(
    private readonly table: RouteTable,
    /** `Vary` for requests without Origin when every policy agrees on it, so that no lookup is needed. */
    private readonly uniformNoOriginVary: string | undefined,
    private readonly logDenial: DenialLogger | undefined,
  ) {}

  /**
   * Handles one request. Synchronous unless an origin predicate answers with a promise.
   *
   * @param request the raw Node request (`req` on Express, `request.raw` on Fastify).
   */
  handle(request: IncomingMessage, response: ResponseHeaders): HookOutcome | Promise<HookOutcome> {
    const headers = request.headers;
    const origin = headers.origin;
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    if (origin === undefined && this.uniformNoOriginVary !== undefined) {
      appendToVary(response, this.uniformNoOriginVary);
      return CONTINUE;
    }
    const requestMethod = headers['access-control-request-method'];
    if (method === 'OPTIONS' && origin !== undefined && requestMethod !== undefined) {
      const policy = this.table.policyFor(requestMethod, url, request);
      if (policy === null) return CONTINUE;
      const decision = decidePreflight(
        policy,
        {
          origin,
          method: requestMethod,
          headers: headers['access-control-request-headers'],
          privateNetwork: headerValue(headers['access-control-request-private-network']),
        },
        request,
      );
      return decision instanceof Promise
        ? decision.then((settled) => this.finishPreflight(request, response, policy, settled))
        : this.finishPreflight(request, response, policy, decision);
    }
    const policy = this.table.policyFor(method, url, request);
    if (policy === null) return CONTINUE;
    const decision = decideActual(policy, origin, request);
    return decision instanceof Promise
      ? decision.then((settled) => this.finishActual(request, response, policy, settled))
      : this.finishActual(request, response, policy, decision);
  }

  private finishPreflight(
    request: IncomingMessage,
    response: ResponseHeaders,
    policy: CompiledCorsPolicy<IncomingMessage>,
    decision: CorsDecision,
  ): HookOutcome {
    applyDecision(response, decision);
    if (!decision.allowed) this.logDenial?.(request, policy, decision, true);
    return policy.preflightContinue
      ? CONTINUE
      : { kind: 'answer', status: policy.optionsSuccessStatus };
  }

  private finishActual(
    request: IncomingMessage,
    response: ResponseHeaders,
    policy: CompiledCorsPolicy<IncomingMessage>,
    decision: CorsDecision,
  ): HookOutcome {
    applyDecision(response, decision);
    (request as RequestWithDecision)[CORS_DECISION_KEY] = decision;
    if (!decision.allowed && decision.reason !== 'no-origin')
      this.logDenial?.(request, policy, decision, false);
    return CONTINUE;
  }
}

/** A raw request after the hook: the decision it applied, for the guard and the interceptor. */
export interface RequestWithDecision extends IncomingMessage {
  [CORS_DECISION_KEY]?: CorsDecision;
}

/** Writes a decision's headers and appends its `Vary` names to whatever `Vary` is there. */
export function applyDecision(response: ResponseHeaders, decision: CorsDecision): void {
  for (const [name, value] of decision.headers) response.set(name, value);
  appendToVary(response, decision.vary);
}

function appendToVary(response: ResponseHeaders, names: string): void {
  if (names === '') return;
  const vary = appendVary(response.get('vary'), names);
  if (vary !== undefined) response.set('Vary', vary);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
