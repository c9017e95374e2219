/**
 * Every use of what Fastify, its router (find-my-way), `@fastify/middie` and Nest's Fastify adapter
 * do not publish as API: private symbols and fields, files inside packages, metadata keys. Check
 * this file first when one of them is upgraded.
 */
import { loadPeer } from '../../peers/load-peer.cjs';
import type { MiddieEngineFactory, MiddieNormalization } from './fastify-mounts.js';
import type {
  FastifyLike,
  FastifyRequestLike,
  OnRequestHook,
  RouteConfig,
} from './fastify-types.js';

/** The fields of Nest's `FastifyAdapter` that the seam reads. */
export interface NestFastifyAdapterLike {
  normalizePath?(path: string): string;
  /** Set by `app.enableCors()` (a field of the adapter, not API). */
  corsHook?: unknown;
  /** Present in releases that hand a request with an empty parameter to the not-found handler. */
  requireNonEmptyParams?: unknown;
}

/** `@RouteConfig()`'s metadata key (`@nestjs/platform-fastify`): Nest passes it as route `config`. */
const NEST_ROUTE_CONFIG_METADATA = '__fastify_route_config__';

/**
 * Adds `key: value` to the `config` Nest's adapter gives every route of `handler`, beside what
 * `@RouteConfig()` put there.
 */
export function addToNestRouteConfig(handler: object, key: symbol, value: unknown): void {
  const config = Reflect.getMetadata(NEST_ROUTE_CONFIG_METADATA, handler) as
    RouteConfig | undefined;
  Reflect.defineMetadata(NEST_ROUTE_CONFIG_METADATA, { ...config, [key]: value }, handler);
}

/**
 * Whether Nest's adapter hands a request with an empty parameter on a parametric path to the
 * not-found handler (Nest 12 and recent 11 releases do; 11.0 runs the route's handler).
 */
export function adapterDeclinesEmptyParams(adapter: NestFastifyAdapterLike): boolean {
  return typeof adapter.requireNonEmptyParams === 'function';
}

/**
 * Whether `app.enableCors()` is on: the adapter's own hook, or `@fastify/cors`, which Nest
 * registers as a plugin (loaded only when Fastify gets ready).
 */
export function enableCorsIsOn(fastify: FastifyLike, adapter: NestFastifyAdapterLike): boolean {
  return adapter.corsHook !== undefined || fastify.hasPlugin?.('@fastify/cors') === true;
}

/**
 * A router option as Fastify reads it: from `routerOptions`, then from the top level, where older
 * releases (and deprecated configurations) have it.
 */
export function routerOption(fastify: FastifyLike, name: string): unknown {
  const config = fastify.initialConfig;
  const routerOptions = config?.routerOptions as Readonly<Record<string, unknown>> | undefined;
  return routerOptions?.[name] ?? config?.[name];
}

/**
 * Nest's Fastify adapter adds its own `onRequest` hooks when it is created, among them the security
 * hook of `enableCsrfProtection()`, long before any module can add one. Fastify has no public way to
 * add a hook first, so ours is moved to the front of the instance's hook list (under Fastify's
 * private `fastify.hooks` symbol): routes copy that list when the server gets ready, which happens
 * after this. Without it a CSRF 403 carries no CORS headers and the page cannot read it. If
 * Fastify's internals ever change shape, the hook simply stays last.
 */
export function moveToFront(fastify: FastifyLike, hook: OnRequestHook): void {
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

/**
 * Fastify's private symbol of a request's route context (`kRouteContext`): `undefined` until the
 * first request, `null` where Fastify has none (its internals changed: the public getter is read).
 */
let routeContextSymbol: symbol | null | undefined;

/**
 * The `config` of the route the router picked for `request`: `request.routeOptions.config`, read
 * from the route context Fastify keeps on the request under its private `fastify.context` symbol.
 * The public getter builds an object of twelve fields, and asks the server for its constraint
 * strategies, at every read: measured at 130-190 ns against 5-20 ns, about 0.5% of the
 * instructions of a whole CORS GET on Fastify. Where Fastify's internals change shape, the public
 * getter is read.
 */
export function routeConfigOf(request: FastifyRequestLike): RouteConfig {
  if (routeContextSymbol === undefined) {
    routeContextSymbol =
      Object.getOwnPropertySymbols(request).find((s) => s.description === 'fastify.context') ??
      null;
  }
  if (routeContextSymbol !== null) {
    const context = (request as unknown as Record<symbol, { config: RouteConfig } | undefined>)[
      routeContextSymbol
    ];
    // The very value the getter gives (`config: context.config`).
    if (typeof context === 'object' && context !== null) return context.config;
  }
  return request.routeOptions.config;
}

/**
 * `@fastify/middie`'s engine (`lib/engine.js`, a file of the package, not its API), with the router
 * options middie reads from the instance when Nest registers it.
 *
 * @throws naming `@fastify/middie` to install, where it is missing.
 */
export function loadMiddieEngine(option: (name: string) => unknown): {
  createEngine: MiddieEngineFactory;
  normalization: MiddieNormalization;
} {
  const createEngine = loadPeer<MiddieEngineFactory>({
    adapter: 'The paths option on Fastify',
    packageName: '@fastify/middie/lib/engine',
    install: ['@fastify/middie'],
    from: '@nestjs/platform-fastify',
  });
  return {
    createEngine,
    normalization: {
      ignoreDuplicateSlashes: option('ignoreDuplicateSlashes') === true,
      useSemicolonDelimiter: option('useSemicolonDelimiter') === true,
      ignoreTrailingSlash: option('ignoreTrailingSlash') === true,
    },
  };
}

/** find-my-way, the router Fastify routes with: the parts used here. */
export interface FindMyWay {
  on(method: string, path: string, handler: () => void, store: unknown): void;
  find(method: string, path: string): { params: unknown; store: unknown } | null;
  /** The route registered with this path (not a URL), as `on()` would collide with it. */
  findRoute?(method: string, path: string): { store: unknown } | null;
}
type FindMyWayFactory = (options: Readonly<Record<string, unknown>>) => FindMyWay;

/**
 * A router of find-my-way's own, loaded as the dependency of the Fastify that
 * `@nestjs/platform-fastify` uses (not the application's own, which may differ), or `undefined`
 * where it cannot be loaded or refuses the options.
 */
export function createFindMyWay(options: Readonly<Record<string, unknown>>): FindMyWay | undefined {
  try {
    const factory = loadPeer<FindMyWayFactory>({
      adapter: 'CorsModule on Fastify',
      packageName: 'find-my-way',
      install: ['fastify'],
      from: ['@nestjs/platform-fastify', 'fastify'],
    });
    return factory(options);
  } catch {
    return undefined;
  }
}
