import type { Type } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { HttpPlatform } from '../http/http-platform.js';
import type { RoutePolicy } from '../routing/route-record.js';
import type { SharedUrl } from '../routing/shared-url.js';

/** What the guard and the interceptor need to know about one handler. */
export interface HandlerPolicy {
  /** The handler's exact policy, or `null` for CORS switched off. */
  readonly policy: RoutePolicy;
  /** Whether its route is ambiguous (see `ambiguousRecords`): the request hook may have applied another policy. */
  readonly uncertain: boolean;
  /** Whether the handler's `@Header()` metadata writes `Vary` or an `Access-Control-*` header. */
  readonly overwritesCorsHeaders: boolean;
  /** What its routes know of other routes that may serve their URLs (see `withSharedUrls`). */
  readonly sharedUrls?: readonly SharedUrl[];
}

/**
 * The policy of every handler, and the platform, filled in once at startup by `CorsModule` and
 * read by the guard and the interceptor with one map lookup per request instead of metadata
 * reflection. A handler is found by its controller too: a method inherited by two controllers is
 * one function with two policies.
 */
@Injectable()
export class HandlerPolicies {
  private readonly byHandler = new WeakMap<object, Map<Type, HandlerPolicy>>();
  /** The platform seam; set before the first request. */
  platform!: HttpPlatform;

  set(controller: Type, handler: object, policy: HandlerPolicy): void {
    let byController = this.byHandler.get(handler);
    if (byController === undefined) {
      byController = new Map();
      this.byHandler.set(handler, byController);
    }
    byController.set(controller, policy);
  }

  get(controller: Type, handler: object): HandlerPolicy | undefined {
    return this.byHandler.get(handler)?.get(controller);
  }
}
