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
 * What {@link MethodRoutes.find} answers for a URL that Fastify's router answers itself, before any
 * hook runs: a parameter longer than `maxParamLength` (414), a path it cannot decode (400).
 */
export const REFUSED_URL = Symbol('nestjs-cors:refused-url');

/**
 * Which route an actual request of some method to a URL reaches on Fastify, for a request that was
 * routed as something else (a preflight). Fastify's `findRoute()` says whether a route matches,
 * not which one: it returns the one handler function every route shares. So every route is also
 * registered here, once per (method, path), with the note its preflights get as its store, on a
 * router of find-my-way's own (see `createFindMyWay`), with the router options of the application
 * that change which path a URL matches. Its `find()` is what Fastify's routing runs on a request's
 * method and URL.
 *
 * The router is built at the first question, which only a preflight that no Nest route answers
 * asks (see `siblingDisagrees`): until then, the routes are kept in a list, three slots a route,
 * instead of a router (about 1.7 KB a route in find-my-way, measured at 7,500 routes).
 *
 * Where find-my-way cannot be loaded, or refuses a route Fastify took, a lookup answers
 * {@link UNKNOWN_ROUTE} rather than a wrong "none".
 */
export class MethodRoutes<Store> {
  /** Until the router is built: method, path and store of each route, one after the other. */
  private pending: unknown[] | undefined = [];
  private router: FindMyWay | undefined;
  private complete = true;

  /** @param option reads one of the application's router options. */
  constructor(private readonly option: (name: string) => unknown) {}

  /** Registers the route of one (method, path); called once per pair. */
  add(method: string, path: string, store: Store): void {
    if (this.pending !== undefined) this.pending.push(method, path, store);
    else this.on(method, path, store);
  }

  /** The route a request with `method` to `url` (the raw request target) reaches, or `null`. */
  find(
    method: string,
    url: string,
  ): FoundRoute<Store> | null | typeof UNKNOWN_ROUTE | typeof REFUSED_URL {
    if (this.pending !== undefined) this.build(this.pending);
    if (!this.complete) return UNKNOWN_ROUTE;
    try {
      const found = this.router!.find(method, url) as FoundRoute<Store | null> | null;
      // Only the refusals below have no store: every route registered here has one.
      if (found !== null && found.store === null) return REFUSED_URL;
      return found as FoundRoute<Store> | null;
    } catch {
      return UNKNOWN_ROUTE;
    }
  }

  /** Builds the router, with the routes kept so far. */
  private build(pending: readonly unknown[]): void {
    this.pending = undefined;
    const options: Record<string, unknown> = {};
    for (const name of PATH_MATCHING_OPTIONS) {
      const value = this.option(name);
      if (value !== undefined) options[name] = value;
    }
    // As Fastify's router does, find-my-way answers such URLs with a handler of these (and no
    // store); releases without the option find no route, as Fastify's router then does too.
    options.onMaxParamLength = refuse;
    options.onBadUrl = refuse;
    this.router = createFindMyWay(options);
    if (this.router === undefined) this.complete = false;
    for (let i = 0; i < pending.length; i += 3) {
      this.on(pending[i] as string, pending[i + 1] as string, pending[i + 2] as Store);
    }
  }

  private on(method: string, path: string, store: Store): void {
    if (this.router === undefined) return;
    try {
      this.router.on(method, path, noop, store);
    } catch {
      this.complete = false;
    }
  }
}

function noop(): void {}

function refuse(): void {}
