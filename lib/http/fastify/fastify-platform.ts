import type { IncomingMessage } from 'node:http';
import { preflightMethodOf } from '../../engine/index.js';
import {
  CorsRequestHandler,
  type HookOutcome,
  type RequestHandlerSettings,
  type RouteFinder,
} from '../cors-request-handler.js';
import { loadPeer } from '../../peers/load-peer.cjs';
import { DeclaredRouteCover } from '../../routing/path-policies.js';
import { FastifyMounts, type MiddieEngineFactory } from './fastify-mounts.js';
import { MethodRoutes, UNKNOWN_ROUTE } from './fastify-method-routes.js';
import {
  UrlCoveredTargets,
  hasVariableSegment,
  type CoverableTarget,
} from './fastify-url-targets.js';
import type { RouteMap } from '../../routing/route-map.js';
import type { RouteTarget } from '../../routing/route-record.js';
import { RouteResolution } from '../../routing/route-resolution.js';
import { POLICY_BY_URL, type OutsideRoute } from '../../routing/shared-url.js';
import type { HttpPlatform, ServedPage } from '../http-platform.js';
import {
  FASTIFY_RAW_REPLY_HEADERS,
  FASTIFY_REPLY_HEADERS,
  type FastifyReplyLike,
  type HeaderAccess,
} from '../response-headers.js';

/** `@RouteConfig()`'s metadata key (`@nestjs/platform-fastify`): Nest passes it as route `config`. */
const FASTIFY_ROUTE_CONFIG_METADATA = '__fastify_route_config__';
/** In a route's `config`: the Nest handler it serves, put there through `@RouteConfig()` metadata. */
const NEST_HANDLER = Symbol('nestjs-cors:nest-handler');
/** In a route's `config`: the {@link RouteResolution} of requests the router sends to it. */
const ROUTE = Symbol('nestjs-cors:route');
/**
 * In a route's `config`: set on Nest routes with parameters when Nest's adapter hands a request
 * whose parameter is empty (`/users//profile`) to the not-found handler instead of the route's.
 */
const DECLINES_EMPTY_PARAMS = Symbol('nestjs-cors:declines-empty-params');
/**
 * In a route's `config`: for a route registered before the module set up, the cell where its
 * {@link NotedRoute} is put once the module knows it (a route's config cannot be replaced then).
 */
const EARLY_ROUTE = Symbol('nestjs-cors:early-route');
/** In a route's `config`: the {@link NotedRoute} of a route outside Nest, or of a preflight route. */
const NOTED_ROUTE = Symbol('nestjs-cors:noted-route');
/** In a route's `config`: marks the preflight routes this module adds. */
const PREFLIGHT_ROUTE = Symbol('nestjs-cors:preflight-route');
/** The find-my-way constraint by which preflights reach the route of their requested method. */
const PREFLIGHT_METHOD_CONSTRAINT = 'nestjsCorsPreflightMethod';

type RouteConfig = Record<string | symbol, unknown>;
/** Where a route outside Nest leads (for an early route, filled in once the module knows it). */
interface NotedRoute {
  /** The entry of `paths` that covers its declared path, or `undefined` for the default. */
  resolution: RouteResolution | undefined;
  /** For a route whose path varies: the entry that covers each request's URL comes first. */
  byUrl: UrlCoveredTargets | undefined;
}
/** What a route whose policy cannot be known leads to: a policy no answering one is. */
const UNKNOWN_RESOLUTION = RouteResolution.of([
  { policy: null, hosts: undefined, versions: undefined },
]);
/** Routes noted before the module set up, per Fastify instance; `undefined` once handed over. */
const earlyRoutes = new WeakMap<object, RouteOptions[] | undefined>();

/**
 * Starts noting the routes registered on a Fastify instance, before the module sets up: `main.ts`
 * often adds routes on the adapter between `NestFactory.create()` and `app.listen()`, which runs
 * the module's setup, and Fastify shows a route to the `onRoute` hooks that exist when it is added.
 * The module has this called when Nest hands it the adapter: while Nest instantiates it under
 * `NestFactory.create()`, in `createNestApplication()` under the testing module.
 */
export function noteEarlyFastifyRoutes(fastify: FastifyLike): void {
  if (earlyRoutes.has(fastify)) return;
  const noted: RouteOptions[] = [];
  earlyRoutes.set(fastify, noted);
  fastify.addHook('onRoute', (options) => {
    if (earlyRoutes.get(fastify) !== noted) return;
    const cell: NotedRoute = { resolution: undefined, byUrl: undefined };
    options.config = { ...options.config, [EARLY_ROUTE]: cell };
    noted.push(options);
  });
}

/** The parts of Fastify's route options that `onRoute` hooks see. */
interface RouteOptions {
  method: string | string[];
  url: string;
  config?: RouteConfig;
  constraints?: Record<string, unknown>;
  handler: RouteHandler;
}
type RouteHandler = (this: unknown, request: unknown, reply: FastifyReplyLike) => unknown;
interface FastifyRequestLike {
  readonly raw: IncomingMessage;
  /** Whether the router found no route: the not-found handler runs, or middleware answers. */
  readonly is404: boolean;
  readonly params: unknown;
  readonly routeOptions: {
    readonly config: RouteConfig;
    readonly url?: string;
    readonly method?: string | string[];
  };
}
type Done = (error?: Error) => void;
type OnRequestHook = (request: FastifyRequestLike, reply: FastifyReplyLike, done: Done) => void;
interface ConstraintStrategy {
  name: string;
  mustMatchWhenDerived: boolean;
  storage(): { get(value: string): unknown; set(value: string, store: unknown): void };
  deriveConstraint(request: IncomingMessage): string | undefined;
}
interface FastifyLike {
  addHook(name: 'onRequest', hook: OnRequestHook): unknown;
  addHook(name: 'onRoute', hook: (options: RouteOptions) => void): unknown;
  addHook(name: 'onReady', hook: (done: () => void) => void): unknown;
  addConstraintStrategy(strategy: ConstraintStrategy): void;
  hasConstraintStrategy(name: string): boolean;
  route(options: RouteOptions): unknown;
  after?(callback: (error?: Error | null) => void): unknown;
  hasPlugin?(name: string): boolean;
  readonly initialConfig?: Readonly<Record<string, unknown>>;
}

/** The preflight route for one (method, path): every route registered for it, in order. */
interface PreflightGroup {
  readonly method: string;
  readonly url: string;
  readonly targets: CoverableTarget[];
  /** Whether Nest registered one of its routes: only those decline empty parameters. */
  nest: boolean;
}

/**
 * Fastify. Its router (find-my-way) picks the route before any `onRequest` hook runs, after its
 * own percent-decoding, case, slash and semicolon rules, `rewriteUrl` and constraints, and the
 * hook reads the policy of that very route from the route's `config`, where it was put when Nest
 * registered the route (an `onRoute` hook). Nothing here matches a path.
 *
 * A preflight is routed by the same router: for every (method, path) of the application this
 * module registers an `OPTIONS` route on that path, constrained to preflights whose
 * `Access-Control-Request-Method` is that method. The router then picks, among the paths that
 * serve the requested method, the one that the actual request will be routed to, by the same
 * rules. Those routes never answer anything but preflights: any other request that reaches one,
 * and a preflight the hook hands on (`preflightContinue`, CORS switched off), goes where it would
 * have gone without them: the path's own `OPTIONS` handler, else the not-found handler. Routes
 * registered after Nest's (plugins load when Fastify gets ready) get theirs as they come.
 *
 * A route registered by another library (Apollo, mercurius, `@fastify/static`, Swagger UI) takes
 * the policy of the first `paths` entry that covers its declared path, and the router, as for every
 * route, decides which requests reach it. Where its path varies (a catch-all `/*`, a wildcard, a
 * parameter), a request takes the entry that covers its URL first, as middie mounts the entries:
 * `paths: { '/internal': false }` holds for `/internal/x` under `/*`, as it does on Express. A
 * route registered before Nest handed the adapter to the module, which no hook saw, is resolved
 * the same way at its first request, from the path the router gives it.
 */
export class FastifyPlatform implements HttpPlatform, RouteFinder<FastifyRequestLike> {
  readonly name = 'Fastify';
  readonly responseHeaders: HeaderAccess<unknown> = FASTIFY_REPLY_HEADERS;
  private routes: RouteMap | undefined;
  private readonly preflightGroups = new Map<string, PreflightGroup>();
  /** The handlers of the application's own `OPTIONS` routes, by path. */
  private readonly optionsHandlers = new Map<string, RouteHandler>();
  /** Where routes that Nest did not register lead: the default policy. */
  private otherRoute: RouteTarget | undefined;
  private pathCover: DeclaredRouteCover | undefined;
  /** The `paths` entries as middleware mounts, for requests that reach no route. */
  private mounts: FastifyMounts | undefined;
  /** Set once Nest's routes are in: preflight routes are then added as routes come. */
  private registered = false;
  /** The (method, path) pairs that have their preflight route. */
  private readonly preflightRouted = new Set<string>();
  /** Every (method, path) again, with its preflight route's config: for requests of other methods. */
  private methodRoutes: MethodRoutes<RouteConfig> | undefined;
  /**
   * Routes that no `onRoute` hook of the module saw (added on the Fastify instance before Nest had
   * it), by their route's `config`, worked out at their first request from the path the router
   * says they have.
   */
  private readonly lateRoutes = new WeakMap<RouteConfig, NotedRoute>();
  private noteOutside: ((route: OutsideRoute) => void) | undefined;

  constructor(
    private readonly fastify: FastifyLike,
    private readonly adapter: {
      normalizePath?(path: string): string;
      corsHook?: unknown;
      requireNonEmptyParams?: unknown;
    },
  ) {}

  rawRequest(request: unknown): IncomingMessage {
    return (request as FastifyRequestLike).raw;
  }

  normalizePath(path: string): string {
    return this.adapter.normalizePath?.(path) ?? path;
  }

  /**
   * Routes outside Nest are handed to `noteOutside` as they are noted: those added on the instance
   * once Nest had it, and plugins' routes registered later; not those added before (see
   * {@link lateRoute}), which no hook saw.
   */
  watchRoutes(routes: RouteMap, noteOutside: (route: OutsideRoute) => void): void {
    this.routes = routes;
    this.noteOutside = noteOutside;
    for (const handler of routes.handlers()) {
      const config = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as
        RouteConfig | undefined;
      Reflect.defineMetadata(
        FASTIFY_ROUTE_CONFIG_METADATA,
        { ...config, [NEST_HANDLER]: handler },
        handler,
      );
    }
    if (!this.fastify.hasConstraintStrategy(PREFLIGHT_METHOD_CONSTRAINT)) {
      this.fastify.addConstraintStrategy(preflightMethodStrategy());
    }
    this.fastify.addHook('onRoute', (options) => this.noteRoute(options));
    const early = earlyRoutes.get(this.fastify);
    earlyRoutes.set(this.fastify, undefined);
    for (const options of early ?? []) this.noteRoute(options);
  }

  installRequestHook(settings: RequestHandlerSettings): void {
    this.otherRoute = settings.defaultRoute;
    const option = (name: string) => routerOption(this.fastify, name);
    this.methodRoutes = new MethodRoutes(option);
    // As find-my-way compares paths: case-sensitive unless the router options say otherwise.
    this.pathCover = new DeclaredRouteCover(
      settings.pathPolicies,
      option('caseSensitive') !== false,
    );
    if (settings.pathPolicies.length > 0) {
      this.mounts = new FastifyMounts(
        settings.pathPolicies,
        loadPeer<MiddieEngineFactory>({
          adapter: 'The paths option on Fastify',
          packageName: '@fastify/middie/lib/engine',
          install: ['@fastify/middie'],
          from: '@nestjs/platform-fastify',
        }),
        // What middie reads from the instance when Nest registers it.
        {
          ignoreDuplicateSlashes: option('ignoreDuplicateSlashes') === true,
          useSemicolonDelimiter: option('useSemicolonDelimiter') === true,
          ignoreTrailingSlash: option('ignoreTrailingSlash') === true,
        },
      );
    }
    const handler = new CorsRequestHandler(this, FASTIFY_REPLY_HEADERS, settings);
    // A request that reaches no route may be answered by middleware (`app.use()`) on the raw
    // response, which never sends the reply's headers: its CORS headers go onto the raw response,
    // which Fastify merges in when it answers such a request itself (the not-found handler).
    const unrouted = new CorsRequestHandler(this, FASTIFY_RAW_REPLY_HEADERS, settings);
    const hook: OnRequestHook = (request, reply, done) =>
      (request.is404 ? unrouted : handler).run(request, request.raw, reply, finish, done);
    this.fastify.addHook('onRequest', hook);
    // While plugins are still loading, Fastify queues addHook(); after() runs once it has been added.
    if (this.fastify.after === undefined) moveToFront(this.fastify, hook);
    else this.fastify.after(() => moveToFront(this.fastify, hook));
  }

  routesRegistered(): void {
    this.registered = true;
    this.addPreflightRoutes();
    this.routes!.assertComplete(this.name);
  }

  whenReady(callback: (enableCorsIsOn: boolean) => void): void {
    // Nest registers @fastify/cors as a plugin, which Fastify loads only when it gets ready.
    this.fastify.addHook('onReady', (done) => {
      callback(
        this.adapter.corsHook !== undefined || this.fastify.hasPlugin?.('@fastify/cors') === true,
      );
      done();
    });
  }

  serve(path: string, respond: (request: IncomingMessage) => Promise<ServedPage>): void {
    this.fastify.route({
      method: 'GET',
      url: path,
      handler: async (request, reply) => {
        const page = await respond((request as FastifyRequestLike).raw);
        reply.code(page.status).header('content-type', page.type);
        return reply.send(page.body);
      },
    });
  }

  actualRoute(request: FastifyRequestLike): RouteResolution | undefined {
    const config = request.routeOptions.config;
    if (config[PREFLIGHT_ROUTE] === true) return undefined;
    if (config[DECLINES_EMPTY_PARAMS] === true && hasEmptyParam(request.params)) return undefined;
    return this.resolutionOf(request, config);
  }

  /**
   * For its requested method, the preflight has been routed to the preflight route of that
   * method, if the application serves it there; or else to an `OPTIONS` route of the
   * application's own (`@Options()`, `@All()`), whose handler is then the one it is for. For
   * another method, the route that method's requests reach at its URL (see {@link MethodRoutes}).
   */
  preflightRoute(request: FastifyRequestLike, method: string): RouteResolution | undefined {
    const raw = request.raw;
    if (method !== raw.headers['access-control-request-method']) {
      return this.routeOfMethod(method, raw.url ?? '/');
    }
    const config = request.routeOptions.config;
    if (config[DECLINES_EMPTY_PARAMS] === true && hasEmptyParam(request.params)) return undefined;
    return this.resolutionOf(request, config);
  }

  /**
   * Where a request with `method` to `url` would lead: as {@link resolutionOf} says for the route
   * that request reaches, found by the router's own matching; the unknown route where that cannot
   * be told.
   */
  private routeOfMethod(method: string, url: string): RouteResolution | undefined {
    const found =
      this.methodRoutes === undefined ? UNKNOWN_ROUTE : this.methodRoutes.find(method, url);
    if (found === UNKNOWN_ROUTE) return UNKNOWN_RESOLUTION;
    if (found === null) return this.mounts?.resolutionOf(url);
    const config = found.store;
    if (config[DECLINES_EMPTY_PARAMS] === true && hasEmptyParam(found.params)) return undefined;
    const noted = config[NOTED_ROUTE] as NotedRoute | undefined;
    if (noted?.byUrl !== undefined) return noted.byUrl.resolutionFor(url);
    return config[ROUTE] as RouteResolution;
  }

  /**
   * The route's own resolution; for a route outside Nest, the `paths` entry that covers the URL
   * where its path varies, else the one that covers its path (put in its cell since, for a route
   * registered before the module set up); for a request that reaches no route, the `paths` entry
   * whose mount matches.
   */
  private resolutionOf(
    request: FastifyRequestLike,
    config: RouteConfig,
  ): RouteResolution | undefined {
    const noted = (config[NOTED_ROUTE] ??
      config[EARLY_ROUTE] ??
      this.lateRoute(request, config)) as NotedRoute | undefined;
    if (noted?.byUrl !== undefined) return noted.byUrl.resolutionFor(request.raw.url ?? '/');
    return (
      (config[ROUTE] as RouteResolution | undefined) ??
      noted?.resolution ??
      (request.is404 ? this.mounts?.resolutionOf(request.raw.url ?? '/') : undefined)
    );
  }

  /**
   * A route that the module never saw registered: added on the Fastify instance before Nest was
   * given it (`new FastifyAdapter()` then routes, then `NestFactory.create()`). Nest's routes are
   * always seen, so it is a route outside Nest, resolved from the path the router says it has.
   */
  private lateRoute(request: FastifyRequestLike, config: RouteConfig): NotedRoute | undefined {
    if (config[ROUTE] !== undefined || request.is404) return undefined;
    let noted = this.lateRoutes.get(config);
    if (noted === undefined) {
      const url = request.routeOptions.url;
      if (url === undefined) return undefined;
      noted = this.routeOutsideNest(url).noted;
      this.lateRoutes.set(config, noted);
    }
    return noted;
  }

  /** Where a route outside Nest with this declared path leads, and its target for preflights. */
  private routeOutsideNest(url: string): { noted: NotedRoute; target: CoverableTarget } {
    const entry = this.pathCover!.cover(url);
    const target: CoverableTarget = {
      target: entry?.target ?? this.otherRoute!,
      byUrl: this.mounts !== undefined && hasVariableSegment(url),
    };
    const resolution = entry === undefined ? undefined : RouteResolution.of([entry.target]);
    const byUrl = target.byUrl
      ? new UrlCoveredTargets([target], resolution, this.mounts!)
      : undefined;
    return { noted: { resolution, byUrl }, target };
  }

  /**
   * Whether Nest's adapter hands a request with an empty parameter on this path to the not-found
   * handler (Nest 12 and recent 11 releases do; 11.0 runs the route's handler).
   */
  private declinesEmptyParams(url: string): boolean {
    return typeof this.adapter.requireNonEmptyParams === 'function' && url.includes(':');
  }

  /** Adds the preflight route of every (method, path) noted since the last call. */
  private addPreflightRoutes(): void {
    const groups = [...this.preflightGroups.entries()];
    this.preflightGroups.clear();
    const optionsHandlers = this.optionsHandlers;
    for (const [key, group] of groups) {
      // A route added late on a (method, path) that already has its preflight route (another host
      // of the same path, say): Fastify refuses a second one, and the first one stays.
      if (this.preflightRouted.has(key)) continue;
      this.preflightRouted.add(key);
      const url = group.url;
      const resolution = RouteResolution.of(group.targets.map(({ target }) => target));
      const noted: NotedRoute | undefined = group.targets.some(({ byUrl }) => byUrl)
        ? { resolution, byUrl: new UrlCoveredTargets(group.targets, resolution, this.mounts!) }
        : undefined;
      const config: RouteConfig = {
        [PREFLIGHT_ROUTE]: true,
        [ROUTE]: resolution,
        [NOTED_ROUTE]: noted,
        [DECLINES_EMPTY_PARAMS]: group.nest && this.declinesEmptyParams(url),
      };
      this.methodRoutes?.add(group.method, url, config);
      this.fastify.route({
        method: 'OPTIONS',
        url,
        constraints: { [PREFLIGHT_METHOD_CONSTRAINT]: group.method },
        config,
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

  private noteRoute(options: RouteOptions): void {
    const config = options.config;
    if (config?.[PREFLIGHT_ROUTE] === true) return;
    const handler = config?.[NEST_HANDLER];
    let target: CoverableTarget;
    const method = Array.isArray(options.method) ? 'ALL' : options.method;
    const record =
      typeof handler === 'function'
        ? this.routes!.recordOf(handler, method, options.url)
        : this.routes!.recordAt(method, options.url);
    if (record === undefined) {
      const outside = this.routeOutsideNest(options.url);
      target = outside.target;
      this.noteOutside?.({
        path: options.url,
        method,
        policy: target.byUrl ? POLICY_BY_URL : target.target.policy,
      });
      const early = config?.[EARLY_ROUTE] as NotedRoute | undefined;
      if (early === undefined) options.config = { ...config, [NOTED_ROUTE]: outside.noted };
      else Object.assign(early, outside.noted);
    } else {
      target = { target: record, byUrl: false };
      // The router has already chosen among versions (a route constraint) when the hook runs.
      // The record itself otherwise: logs name its handler.
      const routed: RouteTarget = { ...record, versions: undefined };
      options.config = {
        ...config,
        [ROUTE]: RouteResolution.of([routed]),
        [DECLINES_EMPTY_PARAMS]: this.declinesEmptyParams(options.url),
      };
    }
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    if (methods.includes('OPTIONS') && Object.keys(options.constraints ?? {}).length === 0) {
      this.optionsHandlers.set(options.url, options.handler);
    }
    for (const method of methods) {
      const key = `${method} ${options.url}`;
      let group = this.preflightGroups.get(key);
      if (group === undefined) {
        group = { method, url: options.url, targets: [], nest: false };
        this.preflightGroups.set(key, group);
      }
      group.targets.push(target);
      if (record !== undefined) group.nest = true;
    }
    if (this.registered) this.addPreflightRoutes();
  }
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

/**
 * Nest's Fastify adapter adds its own `onRequest` hooks when it is created, among them the security
 * hook of `enableCsrfProtection()`, long before any module can add one. Fastify has no public way to
 * add a hook first, so ours is moved to the front of the instance's hook list: routes copy that list
 * when the server gets ready, which happens after this. Without it a CSRF 403 carries no CORS
 * headers and the page cannot read it. If Fastify's internals ever change shape, the hook simply
 * stays last.
 */
function moveToFront(fastify: FastifyLike, hook: OnRequestHook): void {
  const symbol = Object.getOwnPropertySymbols(fastify).find(
    (s) => s.description === 'fastify.hooks',
  );
  const hooks =
    symbol === undefined
      ? undefined
      : (fastify as unknown as Record<symbol, { onRequest?: unknown }>)[symbol];
  const onRequest: unknown = hooks?.onRequest;
  if (!Array.isArray(onRequest)) return;
  const index = onRequest.indexOf(hook);
  if (index > 0) onRequest.unshift(...(onRequest.splice(index, 1) as unknown[]));
}

function finish(outcome: HookOutcome, reply: FastifyReplyLike, done: Done): void {
  // Answering from an onRequest hook: send, and do not call done, so that no route runs.
  if (outcome.kind === 'answer') reply.code(outcome.status).send();
  else done();
}

/**
 * A router option as Fastify reads it: from `routerOptions`, then from the top level, where older
 * releases (and deprecated configurations) have it.
 */
function routerOption(fastify: FastifyLike, name: string): unknown {
  const config = fastify.initialConfig;
  const routerOptions = config?.routerOptions as Readonly<Record<string, unknown>> | undefined;
  return routerOptions?.[name] ?? config?.[name];
}
