/**
 * The `OPTIONS` routes the module adds on Fastify, one per path the application serves, so that a
 * preflight is routed by Fastify's own router to the route of its requested method.
 */
import { preflightMethodOf } from '../../engine/index.js';
import { RouteResolution } from '../../routing/route-resolution.js';
import type { FastifyMounts } from './fastify-mounts.js';
import type { FoundRoute, MethodRoutes, UNKNOWN_ROUTE } from './fastify-method-routes.js';
import { noteOf, withNote, type OutsideNote, type RouteNote } from './fastify-route-note.js';
import type {
  ConstraintStrategy,
  FastifyLike,
  FastifyRequestLike,
  RouteHandler,
  RouteOptions,
} from './fastify-types.js';
import { UrlCoveredTargets, type CoverableTarget } from './fastify-url-targets.js';

/** The find-my-way constraint by which preflights reach the route of their requested method. */
const PREFLIGHT_METHOD_CONSTRAINT = 'nestjsCorsPreflightMethod';

/** The routes registered for one (method, path), in order, noted since the last routes added. */
interface MethodGroup {
  readonly targets: CoverableTarget[];
  /** Whether Nest registered one of its routes: only those decline empty parameters. */
  nest: boolean;
  /** The note of the first route, which a preflight of a single Nest route can share. */
  readonly first: RouteNote | undefined;
}

/**
 * For every path of the application, an `OPTIONS` route on that path, constrained to preflights
 * whose `Access-Control-Request-Method` is one of the methods served there: the constraint's value
 * is that list of methods, and the strategy's storage matches a preflight's method against it. The
 * router then picks, among the paths that serve the requested method, the one that the actual
 * request will be routed to, by the same rules, exactly as one route per (method, path) would, at
 * half the routes or less (Fastify adds a `HEAD` route to every `GET` one). Those routes never
 * answer anything but preflights: any other request that reaches one, and a preflight the hook
 * hands on (`preflightContinue`, CORS switched off), goes where it would have gone without them:
 * the path's own `OPTIONS` handler, else the not-found handler. Routes registered after Nest's
 * (plugins load when Fastify gets ready) get theirs as they come: a method new at a path gets a
 * route of its own there.
 */
export class PreflightRoutes {
  /** The methods noted since the last routes added, by path. */
  private readonly pending = new Map<string, Map<string, MethodGroup>>();
  /** The handlers of the application's own `OPTIONS` routes, by path. */
  private readonly optionsHandlers = new Map<string, RouteHandler>();
  /** Set once Nest's routes are in: preflight routes are then added as routes come. */
  private registered = false;
  /** The methods that have their preflight route, by path. */
  private readonly routed = new Map<string, readonly string[]>();
  /** The handler of every preflight route (see {@link handOn}). */
  private readonly handler: RouteHandler;

  /**
   * @param methodRoutes every (method, path) again, with its preflight note: for requests of
   *   other methods.
   * @param declinesEmptyParams whether Nest's adapter declines empty parameters on a Nest path.
   */
  constructor(
    private readonly fastify: FastifyLike,
    private readonly methodRoutes: MethodRoutes<RouteNote>,
    private readonly mounts: FastifyMounts | undefined,
    private readonly declinesEmptyParams: (url: string) => boolean,
  ) {
    this.handler = handOn(this.optionsHandlers);
  }

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
    const url = options.url;
    if (methods.includes('OPTIONS') && Object.keys(options.constraints ?? {}).length === 0) {
      this.optionsHandlers.set(url, options.handler);
    }
    let groups = this.pending.get(url);
    if (groups === undefined) {
      groups = new Map();
      this.pending.set(url, groups);
    }
    for (const method of methods) {
      let group = groups.get(method);
      if (group === undefined) {
        group = { targets: [], nest: false, first: noteOf(options.config) };
        groups.set(method, group);
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

  /** The preflight note that a request with `method` to `url` would reach instead. */
  find(method: string, url: string): FoundRoute<RouteNote> | null | typeof UNKNOWN_ROUTE {
    return this.methodRoutes.find(method, url);
  }

  /** Adds the preflight route of every path with methods noted since the last call. */
  private addRoutes(): void {
    const pending = [...this.pending];
    this.pending.clear();
    for (const [url, groups] of pending) this.addRoute(url, groups);
  }

  /** Adds the preflight route of `url` for the methods of `groups` that have none there yet. */
  private addRoute(url: string, groups: ReadonlyMap<string, MethodGroup>): void {
    const routed = this.routed.get(url) ?? [];
    const served: string[] = [];
    const notes: RouteNote[] = [];
    let last: { group: MethodGroup; note: RouteNote } | undefined;
    for (const [method, group] of groups) {
      // A route added late on a (method, path) that already has its preflight route (another host
      // of the same path, say): the first one stays, as Fastify refused a second one before.
      if (routed.includes(method)) continue;
      // `GET` and the `HEAD` route Fastify adds for it lead to the same targets: one note.
      const note =
        last !== undefined && sameTargets(last.group, group) ? last.note : this.noteOf(url, group);
      last = { group, note };
      notes.push(note);
      served.push(method);
      this.methodRoutes.add(method, url, note);
    }
    if (served.length === 0) return;
    this.routed.set(url, routed.length === 0 ? served : [...routed, ...served]);
    this.fastify.route({
      method: 'OPTIONS',
      url,
      constraints: { [PREFLIGHT_METHOD_CONSTRAINT]: served },
      config: withNote(undefined, { preflight: true, methods: served, methodNotes: notes }),
      handler: this.handler,
    });
  }

  /**
   * What a preflight for a method of `group` at `url` leads to: for one Nest route of one version,
   * that route's own note, which says the same.
   */
  private noteOf(url: string, group: MethodGroup): RouteNote {
    const [only, ...others] = group.targets;
    if (
      others.length === 0 &&
      group.nest &&
      !only!.byUrl &&
      only!.target.versions === undefined &&
      group.first?.resolution !== undefined &&
      group.first.outside === undefined
    ) {
      return group.first;
    }
    const resolution = RouteResolution.of(group.targets.map(({ target }) => target));
    const outside: OutsideNote | undefined = group.targets.some(({ byUrl }) => byUrl)
      ? { resolution, byUrl: new UrlCoveredTargets(group.targets, resolution, this.mounts!) }
      : undefined;
    return {
      resolution,
      outside,
      declinesEmptyParams: group.nest && this.declinesEmptyParams(url),
    };
  }
}

/** Whether two methods' routes are the same targets, in the same order. */
function sameTargets(a: MethodGroup, b: MethodGroup): boolean {
  return (
    a.nest === b.nest &&
    a.targets.length === b.targets.length &&
    a.targets.every((t, i) => t.target === b.targets[i]!.target && t.byUrl === b.targets[i]!.byUrl)
  );
}

/**
 * The handler of the preflight routes. It runs for a preflight the hook does not answer
 * (`preflightContinue`, CORS switched off), and for an OPTIONS request that is not a preflight (no
 * Origin): they go where they would have gone without these routes, to the path's own OPTIONS
 * handler (looked up at the request, as it may be registered later) or to the not-found one.
 */
function handOn(optionsHandlers: ReadonlyMap<string, RouteHandler>): RouteHandler {
  return function (this: unknown, request, reply) {
    const url = (request as FastifyRequestLike).routeOptions.url;
    const own = url === undefined ? undefined : optionsHandlers.get(url);
    if (own !== undefined) return own.call(this, request, reply);
    (reply as unknown as { callNotFound(): void }).callNotFound();
    return undefined;
  };
}

/**
 * Routes a preflight by its `Access-Control-Request-Method`, to a route whose list of methods has
 * it. Requests without one, and preflights whose method no preflight route serves, fall back to
 * the routes without this constraint (`mustMatchWhenDerived: false`), exactly as if it did not
 * exist. find-my-way keeps one storage per node of its tree, and asks it for the routes (a bit
 * mask) that a value matches: a route's own list when it builds the node, a method for a request.
 * A method is always a string, a route's list never is, so no header value can pass for a list.
 */
function preflightMethodStrategy(): ConstraintStrategy {
  return {
    name: PREFLIGHT_METHOD_CONSTRAINT,
    mustMatchWhenDerived: false,
    storage() {
      const byMethod = new Map<string, number>();
      const byRoute = new Map<unknown, number>();
      return {
        get: (value) =>
          (typeof value === 'string' ? byMethod.get(value) : byRoute.get(value)) ?? null,
        set(value, routes) {
          if (typeof value === 'string') {
            byMethod.set(value, routes);
            return;
          }
          byRoute.set(value, routes);
          for (const method of value as readonly string[]) {
            byMethod.set(method, (byMethod.get(method) ?? 0) | routes);
          }
        },
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
