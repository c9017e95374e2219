import {
  ForbiddenException,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CORS_MODULE_OPTIONS } from './cors.module-definition.js';
import type { CorsModuleOptions } from './cors-module-options.js';
import {
  APPROVING_HEADER_NAMES,
  decideActual,
  isSameOrigin,
  type CorsDecision,
} from './engine/index.js';
import { applyDecision } from './hooks/cors-request-handler.js';
import { headerAccessFor } from './hooks/response-headers.js';
import { HandlerPolicies } from './routing/handler-policies.js';

/**
 * The authority on a handler's exact policy, for requests that reach a handler. It has work only
 * where the request hook could not be sure which handler a request was for (versions that are not
 * in the path), and with `enforce: true`, where it refuses disallowed cross-origin requests before
 * the handler runs. `CorsModule` registers it globally only when one of these can happen.
 */
@Injectable()
export class CorsGuard implements CanActivate {
  private readonly enforce: boolean;

  constructor(
    private readonly handlers: HandlerPolicies,
    @Inject(CORS_MODULE_OPTIONS) options: CorsModuleOptions,
  ) {
    this.enforce = options.enforce === true;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const entry = this.handlers.get(context.getHandler());
    if (entry === undefined || (!entry.uncertain && !this.enforce)) return true;
    const http = context.switchToHttp();
    const request = rawRequestOf(http.getRequest());
    const response: unknown = http.getResponse();
    const access = headerAccessFor(response);
    if (entry.policy === null) {
      if (entry.uncertain) for (const name of APPROVING_HEADER_NAMES) access.remove(response, name);
      return true;
    }
    const decision = decideActual(entry.policy, request.headers.origin, request);
    const conclude = (settled: CorsDecision): boolean => {
      if (entry.uncertain) {
        for (const name of APPROVING_HEADER_NAMES) access.remove(response, name);
        applyDecision(access, response, settled);
      }
      if (this.enforce && !settled.allowed && !isSameOriginRequest(request)) {
        throw new ForbiddenException('Cross-origin request not allowed');
      }
      return true;
    };
    return decision instanceof Promise ? decision.then(conclude) : conclude(decision);
  }
}

/** Fastify wraps Node's request; Express extends it. */
export function rawRequestOf(request: unknown): IncomingMessage {
  const raw = (request as { raw?: IncomingMessage }).raw;
  return raw ?? (request as IncomingMessage);
}

function isSameOriginRequest(request: IncomingMessage): boolean {
  const site: unknown = request.headers['sec-fetch-site'];
  return isSameOrigin(
    request.headers.origin,
    request.headers.host,
    typeof site === 'string' ? site : undefined,
  );
}
