/** What the module knows of one route: its method, path, handler, conditions and policy. */
import type { Type } from '@nestjs/common';
import type { RoutePolicy } from '../policy/policy-handle.js';
import type { SharedUrl } from './shared-url.js';

export type { RoutePolicy } from '../policy/policy-handle.js';

/**
 * Whatever a platform route can lead to: a Nest handler's policy, with the conditions under which
 * that handler actually runs once the router has picked its route.
 */
export interface RouteTarget {
  readonly policy: RoutePolicy;
  /** Host patterns of a host-bound controller (`@Controller({ host })`), or `undefined`. */
  readonly hosts: readonly RegExp[] | undefined;
  /**
   * The versions a request must ask for (header, media-type or custom versioning), or `undefined`
   * when the version is part of the path or there is none.
   */
  readonly versions: readonly (string | symbol)[] | undefined;
  /** Set where another route of another policy may serve one of its URLs (see `withSharedUrls`). */
  readonly sharedUrl?: SharedUrl;
  /**
   * Set where the handler's guard or interceptor reads what the request hook decided (`enforce:
   * true`, an ambiguous route, a `@Header()` that replaces CORS headers): only then does the hook
   * keep its decision on the request.
   */
  readonly readsHookDecision?: boolean;
}

/** One (method, path) that Nest registers for a handler, with the handler's CORS policy. */
export interface RouteRecord extends RouteTarget {
  /** The HTTP method, upper case, or `ALL` for `@All()`. */
  readonly method: string;
  /** The path exactly as Nest hands it to the platform (prefix, version and legacy rewrites done). */
  readonly path: string;
  readonly controller: Type;
  readonly methodName: string;
  /** The handler function: the key under which guards and interceptors find its policy. */
  readonly handler: object;
}

/** `target` as the Nest route it is, or `undefined` for another target (the default, `paths`). */
export function recordOf(target: RouteTarget): RouteRecord | undefined {
  return 'controller' in target && 'methodName' in target ? (target as RouteRecord) : undefined;
}

/** How logs and errors name a route's handler: `ItemsController.update`. */
export function handlerLabel(record: RouteRecord): string {
  return `${record.controller.name}.${record.methodName}`;
}
