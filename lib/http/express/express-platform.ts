import { METHODS, type IncomingMessage, type ServerResponse } from 'node:http';
import { ROUTE_HANDLER_METADATA } from '../../routing/nest-metadata.js';
import {
  CorsRequestHandler,
  type HookOutcome,
  type RequestHandlerSettings,
  type RouteFinder,
} from '../cors-request-handler.js';
import type { PathPolicy } from '../../routing/path-policies.js';
import type { RouteMap } from '../../routing/route-map.js';
import type { RouteTarget } from '../../routing/route-record.js';
import { RouteResolution, isConditional } from '../../routing/route-resolution.js';
import { POLICY_BY_URL, type OutsideRoute } from '../../routing/shared-url.js';
import type { HttpPlatform, ServedPage } from '../http-platform.js';
import { NODE_RESPONSE_HEADERS, type HeaderAccess } from '../response-headers.js';

type Next = (error?: unknown) => void;
type Middleware = (request: ExpressRequest, response: ServerResponse, next: Next) => void;

/** Express's request: Node's, plus the pathname as its router reads it (`parseurl`, cached). */
interface ExpressRequest extends IncomingMessage {
  readonly path: string;
}

/** The parts of Express 5's router (`router` package) that routing a request uses. */
interface ExpressRoute {
  readonly path: unknown;
  readonly methods: Readonly<Record<string, boolean | undefined>>;
  readonly stack: readonly { readonly handle: unknown }[];
  _handlesMethod(method: string): boolean;
}
interface ExpressLayer {
  readonly handle: unknown;
  readonly name?: string;
  readonly route?: ExpressRoute;
  match(path: string): unknown;
}
/** Express 5's `Router` (the `router` package), as `app.use()` uses it to mount middleware. */
interface ExpressRouter {
  readonly stack: ExpressLayer[];
  use(path: string, middleware: Middleware): unknown;
}
interface ExpressApp {
  use(middleware: Middleware): unknown;
  get(path: string, handler: (request: IncomingMessage, response: ServerResponse) => void): unknown;
  router?: ExpressRouter;
  _router?: ExpressRouter;
}

/** Bound on remembered (method, path) answers: memory stays flat whatever URLs clients send. */
export const EXPRESS_ROUTE_CACHE_SIZE = 1024;
/** Longer paths are asked about each time rather than kept, so the cache stays a few megabytes. */
const CACHED_PATH_LENGTH = 2048;
/** A route path with a parameter, a wildcard or other syntax that matches more than itself. */
const VARIABLE_PATH = /[:*?+{}()\\[\]]/;
/** The methods Node's HTTP parser accepts: the only ones an actual request can have. */
const NODE_METHODS: ReadonlySet<string> = new Set(METHODS);

/**
 * Express 5. Its router tries the layers of the app's stack in order, each with its own compiled
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
 * The answer for a (method, pathname) pair depends on nothing else, so it is remembered, in a
 * bounded map that is emptied whenever a layer is added.
 */
export class ExpressPlatform implements HttpPlatform, RouteFinder<ExpressRequest> {
  readonly name = 'Express';
  readonly responseHeaders: HeaderAccess<unknown> = NODE_RESPONSE_HEADERS;
  private routes: RouteMap | undefined;
  private readonly targets = new WeakMap<ExpressLayer, RouteTarget>();
  /** Routes Nest did not register: their handlers end the request under the default policy. */
  private otherRoute: RouteTarget | undefined;
  private readonly answers = new Map<string, RouteResolution | null>();
  private answeredForLayers = -1;
  /** The `paths` entries, each mounted on a router of its own that is never run, only asked. */
  private pathMounts: readonly { layer: ExpressLayer; target: RouteTarget }[] = [];
  private noteOutside: ((route: OutsideRoute) => void) | undefined;

  constructor(
    private readonly app: ExpressApp,
    private readonly adapter: { normalizePath?(path: string): string },
  ) {}

  rawRequest(request: unknown): IncomingMessage {
    return request as IncomingMessage;
  }

  normalizePath(path: string): string {
    return this.adapter.normalizePath?.(path) ?? path;
  }

  watchRoutes(routes: RouteMap, noteOutside: (route: OutsideRoute) => void): void {
    this.routes = routes;
    this.noteOutside = noteOutside;
    for (const handler of routes.handlers()) {
      Reflect.defineMetadata(ROUTE_HANDLER_METADATA, handler, handler);
    }
  }

  /**
   * Installs the hook as the first middleware of the app, ahead of the body parser, Nest's
   * security hooks and every module middleware: a 400 for a malformed JSON body or a CSRF 403 then
   * carries CORS headers too, so the page can read it.
   */
  installRequestHook(settings: RequestHandlerSettings): void {
    this.otherRoute = settings.defaultRoute;
    this.pathMounts = this.mount(settings.pathPolicies);
    const handler = new CorsRequestHandler<ExpressRequest, ServerResponse>(
      this,
      NODE_RESPONSE_HEADERS,
      settings,
    );
    const hook: Middleware = (request, response, next) =>
      handler.run(request, request, response, finish, next);
    this.app.use(hook);
    const stack = this.stack();
    const index = stack.findIndex((layer) => layer.handle === hook);
    if (index > 0) stack.unshift(...stack.splice(index, 1));
  }

  /**
   * Maps each of Nest's route layers to its record, and hands every other route layer (added on
   * the app, the policy report's) to `noteOutside`. Routes added after this are not seen.
   */
  routesRegistered(): void {
    const routes = this.routes!;
    const outside: OutsideRoute[] = [];
    for (const layer of this.stack()) {
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
    routes.assertComplete(this.name);
    for (const route of outside) this.noteOutside?.(route);
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
    return { path, method, policy: (this.pathTargetOf(path) ?? this.otherRoute!).policy };
  }

  whenReady(callback: (enableCorsIsOn: boolean) => void): void {
    // app.enableCors() is the `cors` package's middleware, in the same stack.
    callback(this.stack().some((layer) => layer.name === 'corsMiddleware'));
  }

  serve(path: string, respond: (request: IncomingMessage) => Promise<ServedPage>): void {
    this.app.get(path, (request, response) => {
      respond(request).then(
        (page) => {
          response.statusCode = page.status;
          response.setHeader('Content-Type', page.type);
          response.end(page.body);
        },
        () => {
          response.statusCode = 500;
          response.end();
        },
      );
    });
  }

  actualRoute(request: ExpressRequest): RouteResolution | undefined {
    return this.routeFor(request.method ?? 'GET', request.path);
  }

  preflightRoute(request: ExpressRequest, method: string): RouteResolution | undefined {
    // A method Node's parser refuses (it takes methods in upper case only) can never reach a
    // route, although the router would match it: `_handlesMethod('get')` is true.
    return NODE_METHODS.has(method) ? this.routeFor(method, request.path) : undefined;
  }

  private routeFor(method: string, pathname: string): RouteResolution | undefined {
    const stack = this.stack();
    if (stack.length !== this.answeredForLayers) {
      this.answers.clear();
      this.answeredForLayers = stack.length;
    }
    if (pathname.length > CACHED_PATH_LENGTH) {
      return this.askRouter(stack, method, pathname) ?? undefined;
    }
    const key = `${method} ${pathname}`;
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = this.askRouter(stack, method, pathname);
      if (this.answers.size >= EXPRESS_ROUTE_CACHE_SIZE) {
        this.answers.delete(this.answers.keys().next().value!);
      }
      this.answers.set(key, answer);
    }
    return answer ?? undefined;
  }

  /**
   * Walks the stack as the router's `next()` does: each layer's own `match()`, route layers only,
   * `_handlesMethod()` (which lets a GET route serve HEAD). Routing stops at the first route whose
   * handler always runs; a Nest handler filtered by host or version may hand the request on, so
   * the routes after it are candidates too.
   */
  private askRouter(
    stack: readonly ExpressLayer[],
    method: string,
    pathname: string,
  ): RouteResolution | null {
    const targets: RouteTarget[] = [];
    let pathTarget: RouteTarget | null | undefined;
    for (const layer of stack) {
      let matched: unknown;
      try {
        matched = layer.match(pathname);
      } catch {
        // A parameter that does not decode: the router skips every later route and answers 400.
        break;
      }
      const route = layer.route;
      if (!matched || route === undefined || !route._handlesMethod(method)) continue;
      let target = this.targets.get(layer);
      if (target === undefined) {
        if (pathTarget === undefined) pathTarget = this.pathTargetOf(pathname);
        target = pathTarget ?? this.otherRoute!;
      }
      targets.push(target);
      if (!isConditional(target)) break;
    }
    if (targets.length > 0) return RouteResolution.of(targets);
    if (pathTarget === undefined) pathTarget = this.pathTargetOf(pathname);
    return pathTarget === null ? null : RouteResolution.of([pathTarget]);
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
    const appRouter = (this.app.router ?? this.app._router)!;
    const router = Object.create(appRouter, {
      stack: { value: [], writable: true },
    }) as ExpressRouter;
    const ignore: Middleware = (_request, _response, next) => next();
    return entries.map((entry) => {
      router.use(entry.path, ignore);
      return { layer: router.stack[router.stack.length - 1]!, target: entry.target };
    });
  }

  private stack(): ExpressLayer[] {
    return (this.app.router ?? this.app._router)?.stack ?? [];
  }
}

/** The one method of a route Nest registered (`app.get(path, handler)` and the like). */
function methodOf(route: ExpressRoute): string {
  const methods = Object.keys(route.methods).filter((name) => route.methods[name] === true);
  return methods.length === 1 ? methods[0]!.toUpperCase() : methods.join(',').toUpperCase();
}

function finish(outcome: HookOutcome, response: ServerResponse, next: Next): void {
  if (outcome.kind === 'continue') {
    next();
    return;
  }
  response.statusCode = outcome.status;
  response.setHeader('Content-Length', '0');
  response.end();
}
