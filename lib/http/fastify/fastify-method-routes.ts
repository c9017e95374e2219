/**
 * Which route an actual request of another method reaches on Fastify: a find-my-way router of its
 * own, holding every (method, path) the application serves.
 */
import { createFindMyWay, type FindMyWay } from './fastify-internals.js';

/** The router options that decide which registered path a URL matches. */
const PATH_MATCHING_OPTIONS = [
  'caseSensitive',
  'ignoreTrailingSlash',
  'ignoreDuplicateSlashes',
  'maxParamLength',
  'allowUnsafeRegex',
  'useSemicolonDelimiter',
] as const;

/** A route found, with the parameters the router read from the URL. */
export interface FoundRoute<Store> {
  readonly store: Store;
  readonly params: unknown;
}

/** What {@link MethodRoutes.find} answers when it cannot know: a route may have been left out. */
export const UNKNOWN_ROUTE = Symbol('nestjs-cors:unknown-route');

/**
 * Which route an actual request of some method to a URL reaches on Fastify, for a request that was
 * routed as something else (a preflight). Fastify's `findRoute()` says whether a route matches,
 * not which one: it returns the one handler function every route shares. So every route is also
 * registered here, once per (method, path) as the preflight routes are, with what is known of it
 * as its store, on a router of find-my-way's own (see `createFindMyWay`), with the router options
 * of the application that change which path a URL matches. Its `find()` is what Fastify's routing
 * runs on a request's method and URL.
 *
 * Where find-my-way cannot be loaded, or refuses a route Fastify took, a lookup answers
 * {@link UNKNOWN_ROUTE} rather than a wrong "none".
 */
export class MethodRoutes<Store> {
  private readonly router: FindMyWay | undefined;
  private complete: boolean;

  /** @param option reads one of the application's router options. */
  constructor(option: (name: string) => unknown) {
    const options: Record<string, unknown> = {};
    for (const name of PATH_MATCHING_OPTIONS) {
      const value = option(name);
      if (value !== undefined) options[name] = value;
    }
    this.router = createFindMyWay(options);
    this.complete = this.router !== undefined;
  }

  /** Registers the route of one (method, path); called once per pair. */
  add(method: string, path: string, store: Store): void {
    if (this.router === undefined) return;
    try {
      this.router.on(method, path, noop, store);
    } catch {
      this.complete = false;
    }
  }

  /** The route a request with `method` to `url` (the raw request target) reaches, or `null`. */
  find(method: string, url: string): FoundRoute<Store> | null | typeof UNKNOWN_ROUTE {
    if (!this.complete) return UNKNOWN_ROUTE;
    try {
      return this.router!.find(method, url) as FoundRoute<Store> | null;
    } catch {
      return UNKNOWN_ROUTE;
    }
  }
}

function noop(): void {}
