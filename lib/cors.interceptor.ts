import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { CORS_DECISION_KEY } from './cors.constants.js';
import { rawRequestOf } from './cors.guard.js';
import { applyDecision } from './hooks/cors-request-handler.js';
import { responseHeadersOf } from './hooks/response-headers.js';
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
    if (entry?.overwritesCorsHeaders === true && entry.policy !== null) {
      const http = context.switchToHttp();
      // Requests without Origin leave no decision behind, but still need their Vary: Origin back.
      const decision =
        rawRequestOf(http.getRequest())[CORS_DECISION_KEY] ?? entry.policy.noOriginDecision;
      applyDecision(responseHeadersOf(http.getResponse()), decision);
    }
    return next.handle();
  }
}
