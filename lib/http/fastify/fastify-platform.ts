/**
 * The Fastify platform seam: installs the request hook first among Fastify's hooks, notes routes
 * as Fastify registers them, and groups them for preflights once Nest's are in.
 */
import type { IncomingMessage } from 'node:http';
import { CorsRequestHandler, type HookOutcome } from '../cors-request-handler.js';
import { DeclaredRouteCover } from '../../routing/path-policies.js';
import type { RouteMap } from '../../routing/route-map.js';
import type { HttpPlatform, PlatformInstallation, ServedPage } from '../http-platform.js';
import type { HeaderAccess } from '../response-headers.js';
import { FASTIFY_RAW_REPLY_HEADERS, FASTIFY_REPLY_HEADERS } from './fastify-reply-headers.js';
import { EarlyRoutes } from './fastify-early-routes.js';
import {
  addToNestRouteConfig,
  adapterDeclinesEmptyParams,
  enableCorsIsOn,
  loadMiddieEngine,
  moveToFront,
  routerOption,
  type NestFastifyAdapterLike,
} from './fastify-internals.js';
import { MethodRoutes } from './fastify-method-routes.js';
import { FastifyMounts } from './fastify-mounts.js';
import { PreflightCatchAll } from './fastify-preflight-route.js';
import { PreflightTargets } from './fastify-preflight-targets.js';
import { CORS_ROUTE, type RouteNote } from './fastify-route-note.js';
import { FastifyRoutes } from './fastify-routes.js';
import type {
  Done,
  FastifyLike,
  FastifyReplyLike,
  FastifyRequestLike,
  OnRequestHook,
  RouteOptions,
} from './fastify-types.js';

/**
 * Fastify, one per server. Its router picks the route before any `onRequest` hook runs, and the
 * hook reads that route's policy from its `config` (see {@link FastifyRoutes}); a preflight is
 * led to the route an actual request of its requested method reaches (see {@link PreflightTargets}).
 */
export class FastifyPlatform implements HttpPlatform {
  readonly name = 'Fastify';
  readonly responseHeaders: HeaderAccess<unknown> = FASTIFY_REPLY_HEADERS;
  private readonly early = new EarlyRoutes();
  private preflights: PreflightTargets | undefined;
  private catchAll: PreflightCatchAll | undefined;
  private routeMap: RouteMap | undefined;

  constructor(
    private readonly fastify: FastifyLike,
    private readonly adapter: NestFastifyAdapterLike,
  ) {}

  rawRequest(request: unknown): IncomingMessage {
    return (request as FastifyRequestLike).raw;
  }

  normalizePath(path: string): string {
    return this.adapter.normalizePath?.(path) ?? path;
  }

  /**
   * Starts noting the routes registered on the instance, before the module sets up: called when
   * Nest hands the adapter over (see `noteEarlyRoutes`). {@link install} takes them over.
   */
  noteEarlyRoutes(): void {
    this.early.start(this.fastify);
  }

  /**
   * Routes outside Nest are handed to `noteOutside` as they are noted: those added on the instance
   * once Nest had it, and plugins' routes registered later; not those added before, which no hook
   * saw (see `FastifyRoutes`).
   */
  install({ settings, routes, noteOutside }: PlatformInstallation): void {
    const fastify = this.fastify;
    const option = (name: string) => routerOption(fastify, name);
    const methodRoutes = new MethodRoutes<RouteNote>(
      option,
      (method, url) => (fastify.findRoute?.({ method, url }) ?? null) !== null,
    );
    // As find-my-way compares paths: case-sensitive unless the router options say otherwise.
    const pathCover = new DeclaredRouteCover(
      settings.pathPolicies,
      option('caseSensitive') !== false,
    );
    let mounts: FastifyMounts | undefined;
    if (settings.pathPolicies.length > 0) {
      const middie = loadMiddieEngine(option);
      mounts = new FastifyMounts(settings.pathPolicies, middie.createEngine, middie.normalization);
    }
    const declinesEmptyParams = (url: string) =>
      adapterDeclinesEmptyParams(this.adapter) && url.includes(':');
    const preflights = new PreflightTargets(methodRoutes, mounts, declinesEmptyParams);
    const finder = new FastifyRoutes({
      routes,
      otherRoute: settings.defaultRoute,
      pathCover,
      mounts,
      preflights,
      declinesEmptyParams,
      noteOutside,
    });
    this.routeMap = routes;
    this.preflights = preflights;
    this.installRequestHook(
      new CorsRequestHandler(finder, FASTIFY_REPLY_HEADERS, settings),
      // A request that reaches no route may be answered by middleware (`app.use()`) on the raw
      // response, which never sends the reply's headers: its CORS headers go onto the raw
      // response, which Fastify merges in when it answers such a request itself (not found).
      new CorsRequestHandler(finder, FASTIFY_RAW_REPLY_HEADERS, settings),
    );
    for (const handler of routes.handlers()) {
      addToNestRouteConfig(handler, CORS_ROUTE, { nestHandler: handler } satisfies RouteNote);
    }
    const catchAll = new PreflightCatchAll(fastify, (method, url) => {
      const found = preflights.find(method, url);
      return found !== null && typeof found === 'object';
    });
    this.catchAll = catchAll;
    catchAll.addConstraint();
    const note = (options: RouteOptions) => {
      catchAll.note(options);
      finder.note(options);
    };
    fastify.addHook('onRoute', note);
    for (const options of this.early.handOver()) note(options);
  }

  routesRegistered(): void {
    this.preflights!.routesRegistered();
    this.catchAll!.register();
    this.routeMap!.assertComplete(this.name);
  }

  whenReady(callback: (enableCorsIsOn: boolean) => void): void {
    // Nest registers @fastify/cors as a plugin, which Fastify loads only when it gets ready.
    this.fastify.addHook('onReady', (done) => {
      callback(enableCorsIsOn(this.fastify, this.adapter));
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

  /** Adds the request hook, and moves it ahead of the hooks Nest's adapter added first. */
  private installRequestHook(
    routed: CorsRequestHandler<FastifyRequestLike, FastifyReplyLike>,
    unrouted: CorsRequestHandler<FastifyRequestLike, FastifyReplyLike>,
  ): void {
    const hook: OnRequestHook = (request, reply, done) =>
      (request.is404 ? unrouted : routed).run(request, request.raw, reply, finish, done);
    const fastify = this.fastify;
    fastify.addHook('onRequest', hook);
    // While plugins are still loading, Fastify queues addHook(); after() runs once it is added.
    if (fastify.after === undefined) moveToFront(fastify, hook);
    else fastify.after(() => moveToFront(fastify, hook));
  }
}

function finish(outcome: HookOutcome, reply: FastifyReplyLike, done: Done): void {
  // Answering from an onRequest hook: send, and do not call done, so that no route runs.
  if (outcome.kind === 'answer') reply.code(outcome.status).send();
  else done();
}
