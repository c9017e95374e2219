/**
 * Where each Fastify route leads: notes every route as it is registered (on its `config`) and
 * answers the request hook with the route the router picked, or the one a preflight asks about.
 */
import type { RouteFinder } from '../cors-request-handler.js';
import type { DeclaredRouteCover } from '../../routing/path-policies.js';
import type { RouteMap } from '../../routing/route-map.js';
import type { RouteRecord, RouteTarget } from '../../routing/route-record.js';
import { RouteResolution } from '../../routing/route-resolution.js';
import { POLICY_BY_URL, type OutsideRoute } from '../../routing/shared-url.js';
import { routeConfigOf } from './fastify-internals.js';
import type { FastifyMounts } from './fastify-mounts.js';
import { PreflightCatchAll } from './fastify-preflight-route.js';
import { REFUSED_URL, UNKNOWN_ROUTE, type Found } from './fastify-method-routes.js';
import type { PreflightTargets } from './fastify-preflight-targets.js';
import {
  declines,
  noteOf,
  withNote,
  type OutsideNote,
  type RouteNote,
} from './fastify-route-note.js';
import type { FastifyRequestLike, RouteConfig, RouteOptions } from './fastify-types.js';
import {
  UrlCoveredTargets,
  hasVariableSegment,
  type CoverableTarget,
} from './fastify-url-targets.js';

/**
 * What a route whose policy cannot be known leads to, and a URL the router refuses before any hook
 * runs for the actual request: a policy no answering one is (no CORS header).
 */
const UNKNOWN_RESOLUTION = RouteResolution.of([
  { policy: null, hosts: undefined, versions: undefined },
]);

/** What {@link FastifyRoutes} is given when the module installs. */
export interface FastifyRoutesContext {
  /** Nest's routes with their policies. */
  readonly routes: RouteMap;
  /** Where routes that Nest did not register lead: the default policy. */
  readonly otherRoute: RouteTarget;
  /** Which `paths` entry covers a declared route path, as find-my-way compares paths. */
  readonly pathCover: DeclaredRouteCover;
  /** The `paths` entries as middleware mounts, for requests that reach no route. */
  readonly mounts: FastifyMounts | undefined;
  /** What each (method, path) leads a preflight to. */
  readonly preflights: PreflightTargets;
  /** Whether Nest's adapter hands a request with an empty parameter on this Nest path elsewhere. */
  readonly declinesEmptyParams: (url: string) => boolean;
  /** Told of each route outside Nest, with the policy it gets. */
  readonly noteOutside: (route: OutsideRoute) => void;
}

/**
 * Fastify's router (find-my-way) picks the route before any `onRequest` hook runs, after its own
 * percent-decoding, case, slash and semicolon rules, `rewriteUrl` and constraints, and the hook
 * reads the policy of that very route from the route's `config`, where it was put when the route
 * was registered (an `onRoute` hook). Nothing here matches a path.
 *
 * A route registered by another library (Apollo, mercurius, `@fastify/static`, Swagger UI) takes
 * the policy of the first `paths` entry that covers its declared path, and the router, as for every
 * route, decides which requests reach it. Where its path varies (a catch-all `/*`, a wildcard, a
 * parameter), a request takes the entry that covers its URL first, as middie mounts the entries:
 * `paths: { '/internal': false }` holds for `/internal/x` under `/*`, as it does on Express. A
 * route registered before Nest handed the adapter to the module, which no hook saw, is resolved
 * the same way at its first request, from the path the router gives it.
 */
export class FastifyRoutes implements RouteFinder<FastifyRequestLike> {
  /**
   * Routes that no `onRoute` hook of the module saw (added on the Fastify instance before Nest had
   * it), by their route's `config`, worked out at their first request from the path the router
   * says they have.
   */
  private readonly lateRoutes = new WeakMap<RouteConfig, OutsideNote>();

  /** The note of each Nest route's record (see {@link nestNote}). */
  private readonly nestNotes = new WeakMap<RouteRecord, RouteNote>();

  constructor(private readonly context: FastifyRoutesContext) {}

  /**
   * Notes a route as it is registered (an `onRoute` hook, or an early route handed over): puts
   * where it leads on its `config`, tells of a route outside Nest, counts it in the preflight
   * targets.
   */
  note(options: RouteOptions): void {
    const config = options.config;
    const note = noteOf(config);
    if (PreflightCatchAll.owns(note)) return;
    const handler = note?.nestHandler;
    let target: CoverableTarget;
    const method = Array.isArray(options.method) ? 'ALL' : options.method;
    const routes = this.context.routes;
    const record =
      typeof handler === 'function'
        ? routes.recordOf(handler, method, options.url)
        : routes.recordAt(method, options.url);
    if (record === undefined) {
      const outside = this.routeOutsideNest(options.url);
      target = outside.target;
      this.context.noteOutside({
        path: options.url,
        method,
        policy: target.byUrl ? POLICY_BY_URL : target.target.policy,
      });
      if (note?.outside === undefined) {
        options.config = withNote(config, { ...note, outside: outside.noted });
      } else Object.assign(note.outside, outside.noted);
    } else {
      target = { target: record, byUrl: false };
      options.config = withNote(config, this.nestNote(record, note, options.url));
    }
    this.context.preflights.note(options, target, record !== undefined);
  }

  /**
   * The note of a Nest route: one per record, shared by its routes (the `HEAD` route Fastify adds
   * to a `GET` one), where the route's own note holds nothing but the handler.
   */
  private nestNote(record: RouteRecord, note: RouteNote | undefined, url: string): RouteNote {
    const shared = note?.outside === undefined;
    let routed = shared ? this.nestNotes.get(record) : undefined;
    if (routed === undefined) {
      // The router has already chosen among versions (a route constraint) when the hook runs.
      // The record itself otherwise: logs name its handler.
      const target: RouteTarget = { ...record, versions: undefined };
      routed = {
        ...note,
        resolution: RouteResolution.of([target]),
        declinesEmptyParams: this.context.declinesEmptyParams(url),
      };
      if (shared) this.nestNotes.set(record, routed);
    }
    return routed;
  }

  actualRoute(request: FastifyRequestLike): RouteResolution | undefined {
    const note = noteOf(routeConfigOf(request));
    if (declines(note, request.params)) return undefined;
    return this.resolutionOf(request, note);
  }

  /**
   * Where the actual request of `method` at the preflight's URL leads: the route that request
   * reaches, which {@link PreflightTargets} finds as the router would. For the requested method,
   * where no route serves it there, the route the preflight itself was routed to: the
   * application's own `OPTIONS` route (`@Options()`), or none, and then the `paths` entry whose
   * mount matches.
   */
  preflightRoute(request: FastifyRequestLike, method: string): RouteResolution | undefined {
    const url = request.raw.url ?? '/';
    const found = this.context.preflights.find(method, url);
    if (found !== null) return this.resolutionFound(found, url);
    if (method !== request.raw.headers['access-control-request-method']) {
      return this.context.mounts?.resolutionOf(url);
    }
    const note = noteOf(routeConfigOf(request));
    if (declines(note, request.params)) return undefined;
    return this.resolutionOf(request, note);
  }

  /**
   * Where a request that the router would send to `found` leads: as {@link resolutionOf} says for
   * that route; no policy where the router's answer cannot be had or it refuses the URL itself.
   */
  private resolutionFound(
    found: Exclude<Found<RouteNote>, null>,
    url: string,
  ): RouteResolution | undefined {
    if (found === UNKNOWN_ROUTE || found === REFUSED_URL) return UNKNOWN_RESOLUTION;
    const note = found.store;
    if (declines(note, found.params)) return undefined;
    if (note.outside?.byUrl !== undefined) return note.outside.byUrl.resolutionFor(url);
    return note.resolution;
  }

  /**
   * The route's own resolution; for a route outside Nest, the `paths` entry that covers the URL
   * where its path varies, else the one that covers its path (put in its cell since, for a route
   * registered before the module set up); for a request that reaches no route, the `paths` entry
   * whose mount matches.
   */
  private resolutionOf(
    request: FastifyRequestLike,
    note: RouteNote | undefined,
  ): RouteResolution | undefined {
    const outside = note?.outside ?? this.lateRoute(request, note);
    if (outside?.byUrl !== undefined) return outside.byUrl.resolutionFor(request.raw.url ?? '/');
    return (
      note?.resolution ??
      outside?.resolution ??
      (reachesNoRoute(request, note)
        ? this.context.mounts?.resolutionOf(request.raw.url ?? '/')
        : undefined)
    );
  }

  /**
   * A route that the module never saw registered: added on the Fastify instance before Nest was
   * given it (`new FastifyAdapter()` then routes, then `NestFactory.create()`). Nest's routes are
   * always seen, so it is a route outside Nest, resolved from the path the router says it has.
   */
  private lateRoute(
    request: FastifyRequestLike,
    note: RouteNote | undefined,
  ): OutsideNote | undefined {
    if (note?.resolution !== undefined || reachesNoRoute(request, note)) return undefined;
    const config = routeConfigOf(request);
    let outside = this.lateRoutes.get(config);
    if (outside === undefined) {
      const url = request.routeOptions.url;
      if (url === undefined) return undefined;
      outside = this.routeOutsideNest(url).noted;
      this.lateRoutes.set(config, outside);
    }
    return outside;
  }

  /** Where a route outside Nest with this declared path leads, and its target for preflights. */
  private routeOutsideNest(url: string): { noted: OutsideNote; target: CoverableTarget } {
    const { pathCover, mounts } = this.context;
    const entry = pathCover.cover(url);
    const target: CoverableTarget = {
      target: entry?.target ?? this.context.otherRoute,
      byUrl: mounts !== undefined && hasVariableSegment(url),
    };
    const resolution = entry === undefined ? undefined : RouteResolution.of([entry.target]);
    const byUrl = target.byUrl ? new UrlCoveredTargets([target], resolution, mounts!) : undefined;
    return { noted: { resolution, byUrl }, target };
  }
}

/**
 * Whether the router found none of the application's routes for this request: the not-found
 * handler runs, or the module's own preflight route caught it (see `PreflightCatchAll`).
 */
function reachesNoRoute(request: FastifyRequestLike, note: RouteNote | undefined): boolean {
  return request.is404 || PreflightCatchAll.owns(note);
}
