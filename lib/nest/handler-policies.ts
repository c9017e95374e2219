/**
 * The table the guard and the interceptor read: each handler's policy, and the platform's requests
 * and responses as they reach them. Filled once, at startup.
 */
import type { Type } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { HttpPlatform } from '../http/http-platform.js';
import type { RoutePolicy } from '../routing/route-record.js';
import type { SharedUrl } from '../routing/shared-url.js';

/** What the guard and the interceptor need to know about one handler. */
export interface HandlerPolicy {
  /** The handler's exact policy, or `null` for CORS switched off. */
  readonly policy: RoutePolicy;
  /**
   * Whether its route is ambiguous (see `ambiguousRecords`): the request hook may have applied
   * another policy.
   */
  readonly uncertain: boolean;
  /** Whether the handler's `@Header()` metadata writes `Vary` or an `Access-Control-*` header. */
  readonly overwritesCorsHeaders: boolean;
  /** What its routes know of other routes that may serve their URLs (see `withSharedUrls`). */
  readonly sharedUrls?: readonly SharedUrl[];
}

/** What guards and interceptors need of the platform: the objects `ExecutionContext` hands them. */
export type PlatformRequests = Pick<HttpPlatform, 'rawRequest' | 'responseHeaders'>;

/**
 * Handlers' policies by handler, then controller: a method inherited by two controllers is one
 * function with two policies. Written while the table is put together, then handed to
 * {@link HandlerPolicies.fill}.
 */
export class HandlerTable {
  private readonly byHandler = new WeakMap<object, Map<Type, HandlerPolicy>>();

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

/**
 * The policy of every handler, and the platform, filled in once at startup by `CorsModule` and
 * read by the guard and the interceptor with one map lookup per request instead of metadata
 * reflection. Nest makes it before the platform exists (a testing module is compiled before it
 * gets its adapter), so both come with {@link fill}.
 */
@Injectable()
export class HandlerPolicies {
  private filled: { readonly platform: PlatformRequests; readonly table: HandlerTable } | undefined;

  /**
   * Fills in the table and the platform, once.
   *
   * @throws Error when called twice: one module sets one server up.
   */
  fill(platform: PlatformRequests, table: HandlerTable): void {
    if (this.filled !== undefined) throw new Error('HandlerPolicies is filled once, at startup');
    this.filled = { platform, table };
  }

  /** The platform's requests and responses. @throws Error before {@link fill}. */
  get platform(): PlatformRequests {
    if (this.filled === undefined)
      throw new Error('CorsModule has not set the HTTP platform up yet: no request can be read');
    return this.filled.platform;
  }

  get(controller: Type, handler: object): HandlerPolicy | undefined {
    return this.filled?.table.get(controller, handler);
  }
}
