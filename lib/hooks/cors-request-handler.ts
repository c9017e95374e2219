import type { IncomingMessage } from 'node:http';
import {
  appendVary,
  decideActual,
  decidePreflight,
  type CompiledCorsPolicy,
  type CorsDecision,
} from '../engine/index.js';
import type { RouteTable } from '../routing/route-table.js';
import type { HeaderAccess } from './response-headers.js';

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
  handle<R>(
    request: IncomingMessage,
    response: R,
    access: HeaderAccess<R>,
  ): HookOutcome | Promise<HookOutcome> {
    const headers = request.headers;
    const origin = headers.origin;
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    if (origin === undefined && this.uniformNoOriginVary !== undefined) {
      appendToVary(access, response, this.uniformNoOriginVary);
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
        ? decision.then((settled) =>
            this.finishPreflight(request, response, access, policy, settled),
          )
        : this.finishPreflight(request, response, access, policy, decision);
    }
    const policy = this.table.policyFor(method, url, request);
    if (policy === null) return CONTINUE;
    const decision = decideActual(policy, origin, request);
    return decision instanceof Promise
      ? decision.then((settled) => this.finishActual(request, response, access, policy, settled))
      : this.finishActual(request, response, access, policy, decision);
  }

  private finishPreflight<R>(
    request: IncomingMessage,
    response: R,
    access: HeaderAccess<R>,
    policy: CompiledCorsPolicy<IncomingMessage>,
    decision: CorsDecision,
  ): HookOutcome {
    applyDecision(access, response, decision);
    if (!decision.allowed) this.logDenial?.(request, policy, decision, true);
    return policy.preflightContinue ? CONTINUE : answerWith(policy.optionsSuccessStatus);
  }

  private finishActual<R>(
    request: IncomingMessage,
    response: R,
    access: HeaderAccess<R>,
    policy: CompiledCorsPolicy<IncomingMessage>,
    decision: CorsDecision,
  ): HookOutcome {
    applyDecision(access, response, decision);
    if (!decision.allowed && decision.reason !== 'no-origin')
      this.logDenial?.(request, policy, decision, false);
    return CONTINUE;
  }
}

/** Writes a decision's headers and appends its `Vary` names to whatever `Vary` is there. */
export function applyDecision<R>(
  access: HeaderAccess<R>,
  response: R,
  decision: CorsDecision,
): void {
  for (const [name, value] of decision.headers) access.set(response, name, value);
  appendToVary(access, response, decision.vary);
}

function appendToVary<R>(access: HeaderAccess<R>, response: R, names: string): void {
  if (names === '') return;
  const vary = appendVary(access.get(response, 'vary'), names);
  if (vary !== undefined) access.set(response, 'Vary', vary);
}

/** The outcome of answering a preflight, one per status, so that answering allocates nothing. */
const ANSWERS = new Map<number, HookOutcome>();
function answerWith(status: number): HookOutcome {
  let answer = ANSWERS.get(status);
  if (answer === undefined) {
    answer = Object.freeze({ kind: 'answer', status });
    ANSWERS.set(status, answer);
  }
  return answer;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
