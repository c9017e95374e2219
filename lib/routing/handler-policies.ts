import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { CompiledCorsPolicy } from '../engine/index.js';

/** What the guard and the interceptor need to know about one handler. */
export interface HandlerPolicy {
  /** The handler's exact policy, or `null` for CORS switched off. */
  readonly policy: CompiledCorsPolicy<IncomingMessage> | null;
  /**
   * Whether the request hook may have applied another policy: the handler shares its path and
   * method with handlers of other policies, told apart only by a version a preflight cannot show.
   */
  readonly uncertain: boolean;
  /** Whether the handler's `@Header()` metadata writes `Vary` or an `Access-Control-*` header. */
  readonly overwritesCorsHeaders: boolean;
}

/**
 * The policy of every handler, filled in once at startup by `CorsModule` and read by the guard and
 * the interceptor with one map lookup per request instead of metadata reflection.
 */
@Injectable()
export class HandlerPolicies {
  private readonly byHandler = new WeakMap<object, HandlerPolicy>();

  set(handler: object, policy: HandlerPolicy): void {
    this.byHandler.set(handler, policy);
  }

  get(handler: object): HandlerPolicy | undefined {
    return this.byHandler.get(handler);
  }
}
