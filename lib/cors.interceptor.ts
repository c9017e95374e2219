import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { from, mergeMap, type Observable } from 'rxjs';
import { rawRequestOf } from './cors.guard.js';
import { decideActual, type CorsDecision } from './engine/index.js';
import { applyDecision } from './hooks/cors-request-handler.js';
import { headerAccessFor } from './hooks/response-headers.js';
import { HandlerPolicies } from './routing/handler-policies.js';

/**
 * Restores CORS headers that a handler's own `@Header()` metadata replaced: Nest writes those after
 * the request hook and the guards, so `@Header('Vary', 'Accept-Encoding')` would otherwise drop
 * `Vary: Origin`. Runs before the handler, after Nest has applied `@Header()`. `CorsModule`
 * registers it globally only when some handler has such metadata, and it acts only on those.
 */
@Injectable()
export class CorsInterceptor implements NestInterceptor {
  constructor(private readonly handlers: HandlerPolicies) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const entry =
      context.getType() === 'http' ? this.handlers.get(context.getHandler()) : undefined;
    if (entry?.overwritesCorsHeaders !== true || entry.policy === null) return next.handle();
    const http = context.switchToHttp();
    const request = rawRequestOf(http.getRequest());
    const response: unknown = http.getResponse();
    const restore = (decision: CorsDecision) =>
      applyDecision(headerAccessFor(response), response, decision);
    // Deciding again is cheaper than carrying the hook's decision on every request: exact origins
    // are a map lookup.
    const decision = decideActual(entry.policy, request.headers.origin, request);
    if (decision instanceof Promise) {
      return from(decision).pipe(
        mergeMap((settled) => {
          restore(settled);
          return next.handle();
        }),
      );
    }
    restore(decision);
    return next.handle();
  }
}
