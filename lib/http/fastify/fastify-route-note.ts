/**
 * What the module keeps on each Fastify route's `config`: one object under one symbol, which the
 * request hook reads from the route the router picked (`request.routeOptions.config`, see
 * `routeConfigOf`).
 */
import type { RouteResolution } from '../../routing/route-resolution.js';
import type { RouteConfig } from './fastify-types.js';
import type { UrlCoveredTargets } from './fastify-url-targets.js';

/** The key of the {@link RouteNote} in a route's `config`. */
export const CORS_ROUTE = Symbol('nestjs-cors:route');

/** Where a route outside Nest leads (for an early route, filled in once the module knows it). */
export interface OutsideNote {
  /** The entry of `paths` that covers its declared path, or `undefined` for the default. */
  resolution: RouteResolution | undefined;
  /** For a route whose path varies: the entry that covers each request's URL comes first. */
  byUrl: UrlCoveredTargets | undefined;
}

/**
 * What the module knows of one route. A route's `config` is copied by Fastify when the route is
 * registered, so a note is never changed once on a route, except the {@link outside} cell of an
 * early route, which is filled in where it is.
 */
export interface RouteNote {
  /**
   * The Nest handler the route serves, put there through `@RouteConfig()` metadata before Nest
   * registers its routes (one note shared by every route of the handler).
   */
  readonly nestHandler?: object;
  /** Set on the one route the module adds (`PreflightCatchAll`): it stands for no route. */
  readonly preflightCatchAll?: boolean;
  /**
   * The resolution of requests the router sends to it: on Nest's routes, and for the preflights
   * of each (method, path) (see `PreflightTargets`).
   */
  readonly resolution?: RouteResolution;
  /**
   * Set on Nest routes with parameters when Nest's adapter hands a request whose parameter is
   * empty (`/users//profile`) to the not-found handler instead of the route's.
   */
  readonly declinesEmptyParams?: boolean;
  /**
   * Where a route outside Nest leads, or a preflight's method whose targets depend on the URL. For a
   * route registered before the module set up: the cell where it is put once the module knows it
   * (a route's config cannot be replaced then).
   */
  readonly outside?: OutsideNote;
}

/** The note on a route's `config`, if the module put one there. */
export function noteOf(config: RouteConfig | undefined): RouteNote | undefined {
  return config?.[CORS_ROUTE] as RouteNote | undefined;
}

/** See {@link withNote}. */
const SLOW_PROPERTIES = Symbol('nestjs-cors:slow-properties');

/**
 * A copy of `config` with `note` as the module's note.
 *
 * Fastify copies a route's `config` into the route's context (`{ ...config, url, method }`). From
 * a source object in V8's fast mode, each such copy got a hidden class of its own: 7,500 of them
 * at 5,000 routes, about 1.2 MB of heap, and the request hook's read of the note on them was a
 * megamorphic one. From a source in dictionary mode (made so by deleting a property that is not
 * its last) every copy shares one hidden class. Measured at 5,000 routes on Fastify: heap after
 * startup 71.5 MB, 70.3 MB with this. The copy behaves as any object; only V8's layout differs.
 */
export function withNote(config: RouteConfig | undefined, note: RouteNote): RouteConfig {
  const copy: RouteConfig = { [SLOW_PROPERTIES]: true, ...config, [CORS_ROUTE]: note };
  delete copy[SLOW_PROPERTIES];
  return copy;
}

/** Whether Nest's adapter hands this request to the not-found handler instead of the route's. */
export function declines(note: RouteNote | undefined, params: unknown): boolean {
  return note?.declinesEmptyParams === true && hasEmptyParam(params);
}

/** As Nest's adapter tests it: a parameter other than the wildcard (`*`) that is empty. */
function hasEmptyParam(params: unknown): boolean {
  if (params === null || typeof params !== 'object') return false;
  // On every request to a parametric route: no entries array, just the keys.
  for (const name in params) {
    if (name !== '*' && (params as Record<string, unknown>)[name] === '') return true;
  }
  return false;
}
