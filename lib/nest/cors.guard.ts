import { ForbiddenException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import {
  APPROVING_HEADER_NAMES,
  decideActual,
  isSameOrigin,
  refusedContent,
  requestAuthorityOf,
  type CompiledCorsPolicy,
  type CorsDecision,
  whenSettled,
} from '../engine/index.js';
import { applyDecision } from '../http/cors-request-handler.js';
import type { HandlerPolicies, HandlerPolicy } from './handler-policies.js';

/**
 * The authority on a handler's exact policy, for requests that reach a handler. It has work only
 * where the request hook could not be sure which handler a request was for (ambiguous routes), and
 * with `enforce: true`, where it refuses disallowed cross-origin requests before the handler runs.
 * `CorsModule` registers it globally only when one of these can happen.
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
    const platformRequest: object = http.getRequest();
    const request = platform.rawRequest(platformRequest);
    const response: unknown = http.getResponse();
    const access = platform.responseHeaders;
    if (entry.policy === null) {
      if (entry.uncertain) for (const name of APPROVING_HEADER_NAMES) access.remove(response, name);
      return true;
    }
    const conclude = (
      settled: CorsDecision,
      policy: CompiledCorsPolicy<IncomingMessage>,
    ): boolean => {
      if (entry.uncertain) {
        for (const name of APPROVING_HEADER_NAMES) access.remove(response, name);
        applyDecision(access, response, settled);
      }
      if (this.enforce && !isSameOriginRequest(platformRequest, request)) {
        if (!settled.allowed) throw new ForbiddenException('Cross-origin request not allowed');
        if (carriesRefused(policy, request, entry)) {
          throw new ForbiddenException(
            'Cross-origin request not allowed with this method or header',
          );
        }
      }
      return true;
    };
    const judge = (policy: CompiledCorsPolicy<IncomingMessage>) =>
      whenSettled(
        decideActual(policy, request.headers.origin, request),
        conclude,
        policy,
        undefined,
      );
    const policy = entry.policy.policyFor(platformRequest);
    return policy instanceof Promise ? policy.then(judge) : judge(policy);
  }
}

/**
 * Whether an approved cross-origin request carries what its own policy would have refused in a
 * preflight: a method, always; a header a page set, only where another route of another policy may
 * serve the URL. A browser sends either without a preflight only when a cached approval of that
 * other route stands in for this one's preflight; elsewhere the headers are left alone, since
 * proxies and CDNs add headers no policy lists.
 */
function carriesRefused(
  policy: CompiledCorsPolicy<IncomingMessage>,
  request: IncomingMessage,
  entry: HandlerPolicy,
): boolean {
  let sharesUrl = false;
  for (const shared of entry.sharedUrls ?? []) sharesUrl ||= shared.disagrees;
  return refusedContent(policy, request.method ?? 'GET', request.headers, sharesUrl) !== undefined;
}

/**
 * Whether the request comes from the server's own origin, judged by the origin the platform says it
 * was addressed to (`:authority` on HTTP/2; forwarded host and scheme under trust proxy).
 */
function isSameOriginRequest(platformRequest: object, request: IncomingMessage): boolean {
  const site: unknown = request.headers['sec-fetch-site'];
  return isSameOrigin(
    request.headers.origin,
    requestAuthorityOf(platformRequest),
    typeof site === 'string' ? site : undefined,
  );
}
