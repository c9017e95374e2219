/**
 * The Express platform seam: installs the request hook as the app's first middleware, and maps
 * the router's route layers to Nest's routes once they are in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROUTE_HANDLER_METADATA } from '../../routing/nest-metadata.js';
import { CorsRequestHandler, type HookOutcome } from '../cors-request-handler.js';
import type { RouteMap } from '../../routing/route-map.js';
import type { OutsideRoute } from '../../routing/shared-url.js';
import type { HttpPlatform, PlatformInstallation, ServedPage } from '../http-platform.js';
import { NODE_RESPONSE_HEADERS, type HeaderAccess } from '../response-headers.js';
import {
  stackOf,
  type ExpressApp,
  type ExpressRequest,
  type Middleware,
  type Next,
} from './express-app.js';
import { ExpressRoutes } from './express-routes.js';

/**
 * Express 5, one per server. The request hook finds a request's route by asking the router's own
 * layers (see {@link ExpressRoutes}).
 */
export class ExpressPlatform implements HttpPlatform {
  readonly name = 'Express';
  readonly responseHeaders: HeaderAccess<unknown> = NODE_RESPONSE_HEADERS;
  private routes: ExpressRoutes | undefined;
  private routeMap: RouteMap | undefined;
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

  /**
   * Installs the hook as the first middleware of the app, ahead of the body parser, Nest's
   * security hooks and every module middleware: a 400 for a malformed JSON body or a CSRF 403 then
   * carries CORS headers too, so the page can read it. Nest's handlers are marked so that their
   * route layers can be told from others once they are in.
   */
  install({ settings, routes, noteOutside }: PlatformInstallation): void {
    const finder = new ExpressRoutes(this.app, settings.defaultRoute, settings.pathPolicies);
    this.routes = finder;
    const handler = new CorsRequestHandler<ExpressRequest, ServerResponse>(
      finder,
      NODE_RESPONSE_HEADERS,
      settings,
    );
    const hook: Middleware = (request, response, next) =>
      handler.run(request, request, response, finish, next);
    this.app.use(hook);
    const stack = stackOf(this.app);
    const index = stack.findIndex((layer) => layer.handle === hook);
    if (index > 0) stack.unshift(...stack.splice(index, 1));
    this.routeMap = routes;
    this.noteOutside = noteOutside;
    for (const handler of routes.handlers()) {
      Reflect.defineMetadata(ROUTE_HANDLER_METADATA, handler, handler);
    }
  }

  /**
   * Maps each of Nest's route layers to its record, and hands every other route layer (added on
   * the app, the policy report's) to `noteOutside`. Routes added after this are not seen.
   */
  routesRegistered(): void {
    const routes = this.routeMap!;
    const outside = this.routes!.mapRoutes(routes);
    routes.assertComplete(this.name);
    for (const route of outside) this.noteOutside?.(route);
  }

  whenReady(callback: (enableCorsIsOn: boolean) => void): void {
    // app.enableCors() is the `cors` package's middleware, in the same stack.
    callback(stackOf(this.app).some((layer) => layer.name === 'corsMiddleware'));
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
