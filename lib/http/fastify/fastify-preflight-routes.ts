/**
 * The `OPTIONS` routes the module adds on Fastify, one per (method, path) the application serves,
 * so that a preflight is routed by Fastify's own router to the route of its requested method.
 */
import { preflightMethodOf } from '../../engine/index.js';
import { RouteResolution } from '../../routing/route-resolution.js';
import type { FastifyMounts } from './fastify-mounts.js';
import type { FoundRoute, MethodRoutes, UNKNOWN_ROUTE } from './fastify-method-routes.js';
import { withNote, type OutsideNote, type RouteNote } from './fastify-route-note.js';
import type {
  ConstraintStrategy,
  FastifyLike,
  RouteHandler,
  RouteOptions,
} from './fastify-types.js';
import { UrlCoveredTargets, type CoverableTarget } from './fastify-url-targets.js';

/** The find-my-way constraint by which preflights reach the route of their requested method. */
const PREFLIGHT_METHOD_CONSTRAINT = 'nestjsCorsPreflightMethod';

/** The preflight route for one (method, path): every route registered for it, in order. */
interface PreflightGroup {
  readonly method: string;
  readonly url: string;
  readonly targets: CoverableTarget[];
  /** Whether Nest registered one of its routes: only those decline empty parameters. */
  nest: boolean;
}

/**
 * For every (method, path) of the application, an `OPTIONS` route on that path, constrained to
 * preflights whose `Access-Control-Request-Method` is that method. The router then picks, among the
 * paths that serve the requested method, the one that the actual request will be routed to, by the
 * same rules. Those routes never answer anything but preflights: any other request that reaches
 * one, and a preflight the hook hands on (`preflightContinue`, CORS switched off), goes where it
 * would have gone without them: the path's own `OPTIONS` handler, else the not-found handler.
 * Routes registered after Nest's (plugins load when Fastify gets ready) get theirs as they come.
 */
export class PreflightRoutes {
  private readonly groups = new Map<string, PreflightGroup>();
  /** The handlers of the application's own `OPTIONS` routes, by path. */
  private readonly optionsHandlers = new Map<string, RouteHandler>();
  /** Set once Nest's routes are in: preflight routes are then added as routes come. */
  private registered = false;
  /** The (method, path) pairs that have their preflight route. */
  private readonly routed = new Set<string>();

  /**
   * @param methodRoutes every (method, path) again, with its preflight route's note: for requests
   *   of other methods.
   * @param declinesEmptyParams whether Nest's adapter declines empty parameters on a Nest path.
   */
  constructor(
    private readonly fastify: FastifyLike,
    private readonly methodRoutes: MethodRoutes<RouteNote>,
    private readonly mounts: FastifyMounts | undefined,
    private readonly declinesEmptyParams: (url: string) => boolean,
  ) {}

  /** Has the router route preflights by their requested method. */
  addConstraint(): void {
    if (!this.fastify.hasConstraintStrategy(PREFLIGHT_METHOD_CONSTRAINT)) {
      this.fastify.addConstraintStrategy(preflightMethodStrategy());
    }
  }

  /**
   * Counts a route of the application in the preflight routes of its (method, path) pairs, and
   * adds them at once if Nest's routes are in.
   *
   * @param nest whether it is one of Nest's routes.
   */
  note(options: RouteOptions, target: CoverableTarget, nest: boolean): void {
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    if (methods.includes('OPTIONS') && Object.keys(options.constraints ?? {}).length === 0) {
      this.optionsHandlers.set(options.url, options.handler);
    }
    for (const method of methods) {
      const key = `${method} ${options.url}`;
      let group = this.groups.get(key);
      if (group === undefined) {
        group = { method, url: options.url, targets: [], nest: false };
        this.groups.set(key, group);
      }
      group.targets.push(target);
      if (nest) group.nest = true;
    }
    if (this.registered) this.addRoutes();
  }

  /** Nest's routes are in: adds their preflight routes, and from now on each as it comes. */
  routesRegistered(): void {
    this.registered = true;
    this.addRoutes();
  }

  /** The preflight route's note that a request with `method` to `url` would reach instead. */
  find(method: string, url: string): FoundRoute<RouteNote> | null | typeof UNKNOWN_ROUTE {
    return this.methodRoutes.find(method, url);
  }

  /** Adds the preflight route of every (method, path) noted since the last call. */
  private addRoutes(): void {
    const groups = [...this.groups.entries()];
    this.groups.clear();
    const optionsHandlers = this.optionsHandlers;
    for (const [key, group] of groups) {
      // A route added late on a (method, path) that already has its preflight route (another host
      // of the same path, say): Fastify refuses a second one, and the first one stays.
      if (this.routed.has(key)) continue;
      this.routed.add(key);
      const url = group.url;
      const resolution = RouteResolution.of(group.targets.map(({ target }) => target));
      const outside: OutsideNote | undefined = group.targets.some(({ byUrl }) => byUrl)
        ? { resolution, byUrl: new UrlCoveredTargets(group.targets, resolution, this.mounts!) }
        : undefined;
      const note: RouteNote = {
        preflight: true,
        resolution,
        outside,
        declinesEmptyParams: group.nest && this.declinesEmptyParams(url),
      };
      this.methodRoutes.add(group.method, url, note);
      this.fastify.route({
        method: 'OPTIONS',
        url,
        constraints: { [PREFLIGHT_METHOD_CONSTRAINT]: group.method },
        config: withNote(undefined, note),
        // Reached by a preflight the hook does not answer (`preflightContinue`, CORS switched off),
        // and by an OPTIONS request that is not a preflight (no Origin): they go where they would
        // have gone without this route, to the path's own OPTIONS handler (looked up now, as it
        // may be registered later) or to the not-found one.
        handler: function (this: unknown, request, reply) {
          const own = optionsHandlers.get(url);
          if (own !== undefined) return own.call(this, request, reply);
          (reply as unknown as { callNotFound(): void }).callNotFound();
          return undefined;
        },
      });
    }
  }
}

/**
 * Routes a preflight by its `Access-Control-Request-Method`. Requests without one, and preflights
 * whose method no preflight route serves, fall back to the routes without this constraint
 * (`mustMatchWhenDerived: false`), exactly as if it did not exist.
 */
function preflightMethodStrategy(): ConstraintStrategy {
  return {
    name: PREFLIGHT_METHOD_CONSTRAINT,
    mustMatchWhenDerived: false,
    storage() {
      const stores = new Map<string, unknown>();
      return {
        get: (method) => stores.get(method) ?? null,
        set: (method, store) => void stores.set(method, store),
      };
    },
    deriveConstraint(request) {
      const headers = request.headers;
      return preflightMethodOf(
        request.method,
        headers.origin,
        headers['access-control-request-method'],
      );
    },
  };
}
