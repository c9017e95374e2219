/**
 * The global guard: corrects the headers of a request the hook could not tie to its handler, and
 * refuses disallowed cross-origin requests before the handler runs under `enforce: true`.
 */
import { ForbiddenException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import {
  APPROVING_HEADER_NAMES,
  refusedContent,
  type CompiledCorsPolicy,
  type CorsDecision,
} from '../engine/index.js';
import { applyDecision, type HeaderAccess } from '../http/response-headers.js';
import { hookDecisionOrOwn } from '../http/hook-decisions.js';
import { isSameOriginRequest } from '../http/same-origin-request.js';
import { REFUSAL_HEADER } from '../http/refusal-header.js';
import type { HandlerPolicies, HandlerPolicy } from './handler-policies.js';

/** A request the guard is judging, and what judging it needs. */
interface Guarded {
  readonly entry: HandlerPolicy;
  /** The platform's request object, and the raw Node request behind it. */
  readonly request: object;
  readonly raw: IncomingMessage;
  readonly response: unknown;
}

/**
 * The authority on a handler's exact policy, for requests that reach a handler. It has work only
 * where the request hook could not be sure which handler a request was for (ambiguous routes), and
 * with `enforce: true`, where it refuses disallowed cross-origin requests before the handler runs.
 * Where the hook decided with the handler's own policy, its decision stands: the request is not
 * decided again. `CorsModule` registers the guard globally only when one of these can happen.
 */
export class CorsGuard implements CanActivate {
  constructor(
    private readonly handlers: HandlerPolicies,
    private readonly enforce: boolean,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const entry = this.handlers.get(context.getClass(), context.getHandler());
    if (entry === undefined || (!entry.uncertain && !this.enforce)) return true;
    const platform = this.handlers.platform;
    const http = context.switchToHttp();
    const request: object = http.getRequest();
    const raw = platform.rawRequest(request);
    const response: unknown = http.getResponse();
    if (entry.policy === null) {
      if (entry.uncertain) removeApprovals(platform.responseHeaders, response);
      return true;
    }
    const guarded: Guarded = { entry, request, raw, response };
    return hookDecisionOrOwn(entry.policy, request, raw, this.enforced, this.judge, guarded);
  }

  /** Writes the decision where the hook may have written another policy's, then enforces it. */
  private readonly judge = (
    decision: CorsDecision,
    policy: CompiledCorsPolicy<unknown>,
    guarded: Guarded,
  ): boolean => {
    if (guarded.entry.uncertain) {
      const access = this.handlers.platform.responseHeaders;
      removeApprovals(access, guarded.response);
      applyDecision(access, guarded.response, decision);
    }
    return this.enforced(decision, policy, guarded);
  };

  /**
   * Refuses, under `enforce: true`, a cross-origin request that `decision` denies or that carries
   * what `policy` would have refused. The hook's own decision comes straight here: it was made with
   * this very policy, whose headers the hook wrote.
   */
  private readonly enforced = (
    decision: CorsDecision,
    policy: CompiledCorsPolicy<unknown>,
    { entry, request, raw }: Guarded,
  ): boolean => {
    if (this.enforce && !isSameOriginRequest(request, raw)) {
      if (!decision.allowed) throw new ForbiddenException('Cross-origin request not allowed');
      if (carriesRefused(policy, raw, entry)) {
        throw new ForbiddenException('Cross-origin request not allowed with this method or header');
      }
    }
    return true;
  };
}

/**
 * Removes every header that approves a request, whichever policy wrote it, and the hook's debug
 * note of a refusal (`X-Cors-Refused`), which the decision written next may contradict.
 */
function removeApprovals(access: HeaderAccess<unknown>, response: unknown): void {
  for (const name of APPROVING_HEADER_NAMES) access.remove(response, name);
  access.remove(response, REFUSAL_HEADER);
}

/**
 * Whether an approved cross-origin request carries what its own policy would have refused in a
 * preflight: a method, always; a header a page set, only where another route of another policy may
 * serve the URL. A browser sends either without a preflight only when a cached approval of that
 * other route stands in for this one's preflight; elsewhere the headers are left alone, since
 * proxies and CDNs add headers no policy lists.
 */
function carriesRefused(
  policy: CompiledCorsPolicy<unknown>,
  request: IncomingMessage,
  entry: HandlerPolicy,
): boolean {
  let sharesUrl = false;
  for (const shared of entry.sharedUrls ?? []) sharesUrl ||= shared.disagrees;
  return refusedContent(policy, request.method ?? 'GET', request.headers, sharesUrl) !== undefined;
}
