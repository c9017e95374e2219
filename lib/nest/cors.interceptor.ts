/**
 * The global interceptor: puts back the CORS headers a handler's own `@Header()` replaced.
 */
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { from, mergeMap, type Observable } from 'rxjs';
import type { CompiledCorsPolicy, CorsDecision } from '../engine/index.js';
import { applyDecision } from '../http/response-headers.js';
import { hookDecisionOrOwn } from '../http/hook-decisions.js';
import type { HandlerPolicies } from './handler-policies.js';

/**
 * Restores CORS headers that a handler's own `@Header()` metadata replaced: Nest writes those after
 * the request hook and the guards, so `@Header('Vary', 'Accept-Encoding')` would otherwise drop
 * `Vary: Origin`. Runs before the handler, after Nest has applied `@Header()`. It writes the hook's
 * decision where the hook decided with the handler's own policy, and decides only where it did
 * not. `CorsModule` registers it globally only when some handler has such metadata, and it acts
 * only on those.
 */
export class CorsInterceptor implements NestInterceptor {
  constructor(private readonly handlers: HandlerPolicies) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const entry =
      context.getType() === 'http'
        ? this.handlers.get(context.getClass(), context.getHandler())
        : undefined;
    if (entry?.overwritesCorsHeaders !== true || entry.policy === null) return next.handle();
    const http = context.switchToHttp();
    const request: object = http.getRequest();
    const raw = this.handlers.platform.rawRequest(request);
    const response: unknown = http.getResponse();
    const { restore } = this;
    const restored = hookDecisionOrOwn(entry.policy, request, raw, restore, restore, response);
    return restored instanceof Promise
      ? from(restored).pipe(mergeMap(() => next.handle()))
      : next.handle();
  }

  private readonly restore = (
    decision: CorsDecision,
    _policy: CompiledCorsPolicy<unknown>,
    response: unknown,
  ): void => applyDecision(this.handlers.platform.responseHeaders, response, decision);
}
