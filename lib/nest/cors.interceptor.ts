import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { from, mergeMap, type Observable } from 'rxjs';
import {
  decideActual,
  whenSettled,
  type CompiledCorsPolicy,
  type CorsDecision,
} from '../engine/index.js';
import { applyDecision } from '../http/cors-request-handler.js';
import type { HeaderAccess } from '../http/response-headers.js';
import type { HandlerPolicies } from './handler-policies.js';

/**
 * Restores CORS headers that a handler's own `@Header()` metadata replaced: Nest writes those after
 * the request hook and the guards, so `@Header('Vary', 'Accept-Encoding')` would otherwise drop
 * `Vary: Origin`. Runs before the handler, after Nest has applied `@Header()`. `CorsModule`
 * registers it globally only when some handler has such metadata, and it acts only on those.
 */
export class CorsInterceptor implements NestInterceptor {
  constructor(private readonly handlers: HandlerPolicies) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const entry =
      context.getType() === 'http'
        ? this.handlers.get(context.getClass(), context.getHandler())
        : undefined;
    if (entry?.overwritesCorsHeaders !== true || entry.policy === null) return next.handle();
    const platform = this.handlers.platform;
    const http = context.switchToHttp();
    const platformRequest: object = http.getRequest();
    const request = platform.rawRequest(platformRequest);
    const response: unknown = http.getResponse();
    // Deciding again is cheaper than carrying the hook's decision on every request: exact origins
    // are a map lookup, and a per-request policy's answer is kept by its object.
    const policy = entry.policy.policyFor(platformRequest);
    const decide = (settled: CompiledCorsPolicy<unknown>) =>
      decideActual(settled, request.headers.origin, request);
    const decision = policy instanceof Promise ? policy.then(decide) : decide(policy);
    const restored = whenSettled(decision, restoreHeaders, platform.responseHeaders, response);
    return restored instanceof Promise
      ? from(restored).pipe(mergeMap(() => next.handle()))
      : next.handle();
  }
}

function restoreHeaders(decision: CorsDecision, access: HeaderAccess<unknown>, response: unknown) {
  applyDecision(access, response, decision);
}
