/**
 * Which route Express's router runs for a request, found by asking the router's own layers in its
 * own order, and which routes outside Nest the app has.
 */
import { METHODS } from 'node:http';
import { ROUTE_HANDLER_METADATA } from '../../routing/nest-metadata.js';
import type { RouteFinder } from '../cors-request-handler.js';
import type { PathPolicy } from '../../routing/path-policies.js';
import type { RouteMap } from '../../routing/route-map.js';
import type { RouteTarget } from '../../routing/route-record.js';
import { RouteResolution, isConditional } from '../../routing/route-resolution.js';
import { POLICY_BY_URL, type OutsideRoute } from '../../routing/shared-url.js';
import {
  routerOf,
  stackOf,
  type ExpressApp,
  type ExpressLayer,
  type ExpressRequest,
  type ExpressRoute,
  type ExpressRouter,
  type Middleware,
} from './express-app.js';
import { ExpressLayerIndex } from './express-layer-index.js';

/** Bound on remembered (method, path) answers: memory stays flat whatever URLs clients send. */
export const EXPRESS_ROUTE_CACHE_SIZE = 1024;
/** Longer paths are asked about each time rather than kept, so the cache stays a few megabytes. */
const CACHED_PATH_LENGTH = 2048;
/** A route path with a parameter, a wildcard or other syntax that matches more than itself. */
const VARIABLE_PATH = /[:*?+{}()\\[\]]/;
/** The methods Node's HTTP parser accepts: the only ones an actual request can have. */
const NODE_METHODS: ReadonlySet<string> = new Set(METHODS);

/**
 * Express 5's router tries the layers of the app's stack in order, each with its own compiled
 * matcher (built with the app's `case sensitive routing` and `strict routing` settings), and runs
 * the first route layer that matches the pathname and handles the method. The request hook asks
 * those same layers, in that same order, with the same pathname (`req.path`, which is what the
 * router reads), so that it finds the route the router will run, before the router runs it. A
 * preflight asks them with its `Access-Control-Request-Method` instead of `OPTIONS`.
 *
 * A request that no Nest route serves (another route, mounted middleware such as Apollo's or
 * `express.static`, or nothing) falls under the first entry of `paths` whose mount matches its
 * pathname, and the mounts are Express's own: each entry is mounted by the app router's own
 * `use()`, on a router that inherits its settings, and asked with that layer's `match()`.
 *
 * Only the layers that can match the pathname are asked ({@link ExpressLayerIndex}, rebuilt when
 * the stack changes), so a lookup costs the same in an app of ten routes or ten thousand. The
 * answer for a (method, pathname) pair depends on nothing else; those of routes without
 * parameters are remembered, in a bounded map emptied whenever the stack changes.
 */
export class ExpressRoutes implements RouteFinder<ExpressRequest> {
  private readonly targets = new WeakMap<ExpressLayer, RouteTarget>();
  /**
   * Answers given by a route whose path has no parameter or wildcard, by (method, pathname): a
   * static page asked again and again is answered without asking the router. Other answers are
   * not kept: a pathname with an id is seldom asked twice, and keeping it costs more than asking.
   */
  private readonly answers = new Map<string, RouteResolution>();
  /** Set by {@link askRouter}: whether its answer came from such a route. */
  private byLiteralRoute = false;
  /** The resolution to each single target, so that most lookups allocate none. */
  private readonly single = new WeakMap<RouteTarget, RouteResolution>();
  /** Built on the first lookup, and again whenever the stack changed. */
  private index: ExpressLayerIndex | undefined;
  /** The `paths` entries, each mounted on a router of its own that is never run, only asked. */
  private readonly pathMounts: readonly { layer: ExpressLayer; target: RouteTarget }[];

  /** @param otherRoute where routes Nest did not register lead: the default policy. */
  constructor(
    private readonly app: ExpressApp,
    private readonly otherRoute: RouteTarget,
    pathPolicies: readonly PathPolicy[],
  ) {
    this.pathMounts = this.mount(pathPolicies);
  }

  /**
   * Maps each of Nest's route layers to its record.
   *
   * @returns every other route layer (added on the app, the policy report's), as a route outside
   *   Nest. Routes added after this are not seen.
   */
  mapRoutes(routes: RouteMap): OutsideRoute[] {
    const outside: OutsideRoute[] = [];
    for (const layer of stackOf(this.app)) {
      const route = layer.route;
      if (route === undefined) continue;
      const handler: unknown =
        route.stack[0] === undefined
          ? undefined
          : Reflect.getMetadata(ROUTE_HANDLER_METADATA, route.stack[0].handle as object);
      const method = route.methods._all === true ? 'ALL' : methodOf(route);
      if (typeof handler !== 'function') {
        outside.push(this.outsideRoute(route.path, method));
        continue;
      }
      const record = routes.recordOf(handler, method, String(route.path));
      if (record !== undefined) this.targets.set(layer, record);
    }
    return outside;
  }

  actualRoute(request: ExpressRequest): RouteResolution | undefined {
    return this.routeFor(request.method ?? 'GET', request.path);
  }

  preflightRoute(request: ExpressRequest, method: string): RouteResolution | undefined {
    // A method Node's parser refuses (it takes methods in upper case only) can never reach a
    // route, although the router would match it: `_handlesMethod('get')` is true.
    return NODE_METHODS.has(method) ? this.routeFor(method, request.path) : undefined;
  }

  /**
   * A route outside Nest, with the policy {@link askRouter} gives its requests: the `paths` entry
   * whose mount matches its path, else the default. Where its path varies, that depends on the
   * URL when there are entries; a path that is not a string (a regular expression, a list) may
   * match any URL.
   */
  private outsideRoute(declared: unknown, methods: string): OutsideRoute {
    const path = typeof declared === 'string' ? declared : '/*';
    const method = methods.includes(',') ? 'ALL' : methods;
    if (this.pathMounts.length > 0 && VARIABLE_PATH.test(path)) {
      return { path, method, policy: POLICY_BY_URL };
    }
    return { path, method, policy: (this.pathTargetOf(path) ?? this.otherRoute).policy };
  }

  private routeFor(method: string, pathname: string): RouteResolution | undefined {
    const stack = stackOf(this.app);
    let index = this.index;
    if (index === undefined || !index.describes(stack)) {
      index = this.index = new ExpressLayerIndex(stack);
      this.answers.clear();
    }
    if (pathname.length > CACHED_PATH_LENGTH) {
      return this.askRouter(stack, index, method, pathname) ?? undefined;
    }
    const key = `${method} ${pathname}`;
    const known = this.answers.get(key);
    if (known !== undefined) return known;
    this.byLiteralRoute = false;
    const answer = this.askRouter(stack, index, method, pathname);
    if (this.byLiteralRoute) {
      if (this.answers.size >= EXPRESS_ROUTE_CACHE_SIZE) {
        this.answers.delete(this.answers.keys().next().value!);
      }
      this.answers.set(key, answer!);
    }
    return answer ?? undefined;
  }

  /**
   * Walks the layers that may match the pathname (see {@link ExpressLayerIndex}) in stack order,
   * as the router's `next()` walks them all: each layer's own `match()`, route layers only,
   * `_handlesMethod()` (which lets a GET route serve HEAD), asked first: `match()` is then skipped
   * where its answer could not matter. Routing stops at the first route whose
   * handler always runs; a Nest handler filtered by host or version may hand the request on, so
   * the routes after it are candidates too.
   */
  private askRouter(
    stack: readonly ExpressLayer[],
    index: ExpressLayerIndex,
    method: string,
    pathname: string,
  ): RouteResolution | null {
    let targets: RouteTarget[] | undefined;
    let pathTarget: RouteTarget | null | undefined;
    index.start(pathname);
    for (let at = index.next(); at !== -1; at = index.next()) {
      const layer = stack[at]!;
      const route = layer.route;
      const handles = route !== undefined && route._handlesMethod(method);
      // A layer that cannot be the answer matters only if its match() throws, which one without
      // parameters never does: it is not asked (for a preflight of PUT /c/r/<id>, the GET /c/r
      // route's pattern is never run, nor are literal mounts).
      if (!handles && index.decodesNothing(at)) continue;
      let matched: unknown;
      try {
        matched = layer.match(pathname);
      } catch {
        // A parameter that does not decode: the router skips every later route and answers 400.
        break;
      }
      if (!matched || !handles) continue;
      let target = this.targets.get(layer);
      if (target === undefined) {
        if (pathTarget === undefined) pathTarget = this.pathTargetOf(pathname);
        target = pathTarget ?? this.otherRoute;
      }
      if (targets === undefined && !isConditional(target)) {
        this.byLiteralRoute = index.isLiteralRoute(at);
        return this.alone(target);
      }
      (targets ??= []).push(target);
      if (!isConditional(target)) break;
    }
    if (targets !== undefined) return RouteResolution.of(targets);
    if (pathTarget === undefined) pathTarget = this.pathTargetOf(pathname);
    return pathTarget === null ? null : this.alone(pathTarget);
  }

  /** The resolution to one target, made once per target: most lookups end with one. */
  private alone(target: RouteTarget): RouteResolution {
    let resolution = this.single.get(target);
    if (resolution === undefined) {
      resolution = RouteResolution.of([target]);
      this.single.set(target, resolution);
    }
    return resolution;
  }

  /** The target of the first `paths` entry whose mount matches the pathname, or `null`. */
  private pathTargetOf(pathname: string): RouteTarget | null {
    for (const { layer, target } of this.pathMounts) {
      let matched: unknown;
      try {
        matched = layer.match(pathname);
      } catch {
        // A mount parameter that does not decode: Express answers 400 before any mount runs.
        return null;
      }
      if (matched) return target;
    }
    return null;
  }

  /**
   * Mounts each entry with the app router's own `use()`, on a router that inherits everything from
   * the app's (its case setting included) but has a stack of its own: the layer is built exactly as
   * `app.use(path, ...)` builds it. That router is never run.
   */
  private mount(entries: readonly PathPolicy[]): { layer: ExpressLayer; target: RouteTarget }[] {
    if (entries.length === 0) return [];
    const appRouter = routerOf(this.app)!;
    const router = Object.create(appRouter, {
      stack: { value: [], writable: true },
    }) as ExpressRouter;
    const ignore: Middleware = (_request, _response, next) => next();
    return entries.map((entry) => {
      router.use(entry.path, ignore);
      return { layer: router.stack[router.stack.length - 1]!, target: entry.target };
    });
  }
}

/** The one method of a route Nest registered (`app.get(path, handler)` and the like). */
function methodOf(route: ExpressRoute): string {
  const methods = Object.keys(route.methods).filter((name) => route.methods[name] === true);
  return methods.length === 1 ? methods[0]!.toUpperCase() : methods.join(',').toUpperCase();
}
