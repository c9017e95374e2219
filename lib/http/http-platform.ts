/**
 * The contract between the module and the HTTP platform it runs on (Express or Fastify): what the
 * module asks of the platform at each step of Nest's startup, and per request.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandlerSettings } from './cors-request-handler.js';
import type { RouteMap } from '../routing/route-map.js';
import type { OutsideRoute } from '../routing/shared-url.js';
import type { HeaderAccess } from './response-headers.js';

/**
 * Everything the module needs from the HTTP platform, behind one interface chosen once per server
 * at startup. Nothing outside `lib/http/express/` and `lib/http/fastify/` knows which platform it
 * runs on, but `nest/select-platform.ts`, which makes the one of each server.
 *
 * Which route a request is for is never worked out here from the URL: each platform asks its own
 * router, so that a route's policy reaches exactly the handler that router runs.
 */
export interface HttpPlatform {
  /** The platform's name, for messages. */
  readonly name: string;
  /** Reads and writes headers of the response objects that guards and interceptors get. */
  readonly responseHeaders: HeaderAccess<unknown>;
  /** The raw Node request behind the request object that guards and interceptors get. */
  rawRequest(request: unknown): IncomingMessage;
  /** Turns a route path as Nest builds it into the path Nest registers with this platform. */
  normalizePath(path: string): string;
  /**
   * Runs once, while Nest registers modules, before any route exists: installs the request hook
   * ahead of everything else on the server, marks every Nest handler so that the platform's
   * routes can name it, and starts noting every route the platform registers.
   */
  install(installation: PlatformInstallation): void;
  /**
   * Runs once Nest has registered every route, before the server starts: completes what the
   * router needs to answer for preflights, and throws if a Nest route cannot be mapped to its
   * policy.
   */
  routesRegistered(): void;
  /** Calls back once the platform is ready, saying whether `app.enableCors()` is on as well. */
  whenReady(callback: (enableCorsIsOn: boolean) => void): void;
  /** Serves `GET path` with what `respond` makes of the request (the policy report). */
  serve(path: string, respond: (request: IncomingMessage) => Promise<ServedPage>): void;
}

/** Everything {@link HttpPlatform.install} needs. */
export interface PlatformInstallation {
  /**
   * What the request hook runs with, fixed at startup: only `uniformNoOriginVary`, a getter,
   * follows `CorsPolicies.replace()`.
   */
  readonly settings: RequestHandlerSettings;
  /** Nest's routes with their policies. */
  readonly routes: RouteMap;
  /**
   * Told of each route outside Nest that the platform can see (added on the platform's instance,
   * a plugin's), with the policy it gets, once Nest's routes are registered or as it is
   * registered later.
   */
  readonly noteOutside: (route: OutsideRoute) => void;
}

/** A response the module serves itself. */
export interface ServedPage {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}
