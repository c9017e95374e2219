import { ForbiddenException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import {
  APPROVING_HEADER_NAMES,
  decideActual,
  isSameOrigin,
  requestAuthorityOf,
  type CompiledCorsPolicy,
  type CorsDecision,
} from './engine/index.js';
import { applyDecision } from './hooks/cors-request-handler.js';
import type { HandlerPolicies } from './routing/handler-policies.js';

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
    const decide = (policy: CompiledCorsPolicy<IncomingMessage>) =>
      decideActual(policy, request.headers.origin, request);
    const policy = entry.policy.policyFor(platformRequest);
    const decision = policy instanceof Promise ? policy.then(decide) : decide(policy);
    const conclude = (settled: CorsDecision): boolean => {
      if (entry.uncertain) {
        for (const name of APPROVING_HEADER_NAMES) access.remove(response, name);
        applyDecision(access, response, settled);
      }
      if (this.enforce && !settled.allowed && !isSameOriginRequest(platformRequest, request)) {
        throw new ForbiddenException('Cross-origin request not allowed');
      }
      return true;
    };
    return decision instanceof Promise ? decision.then(conclude) : conclude(decision);
  }
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
