/**
 * The parts of Express 5's app and router (the `router` package) that the Express seam uses, as
 * structural types: the module does not import Express, whose release is the application's choice.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Next = (error?: unknown) => void;
export type Middleware = (request: ExpressRequest, response: ServerResponse, next: Next) => void;

/** Express's request: Node's, plus the pathname as its router reads it (`parseurl`, cached). */
export interface ExpressRequest extends IncomingMessage {
  readonly path: string;
}

/** The parts of Express 5's router (`router` package) that routing a request uses. */
export interface ExpressRoute {
  readonly path: unknown;
  readonly methods: Readonly<Record<string, boolean | undefined>>;
  readonly stack: readonly { readonly handle: unknown }[];
  _handlesMethod(method: string): boolean;
}

export interface ExpressLayer {
  readonly handle: unknown;
  readonly name?: string;
  readonly route?: ExpressRoute;
  /** The path the layer was added with (`router` 2.3; older releases do not keep it). */
  readonly rawPath?: unknown;
  /** Set on a layer added with `use()` and no path, which matches every pathname. */
  readonly slash?: boolean;
  match(path: string): unknown;
}

/** Express 5's `Router` (the `router` package), as `app.use()` uses it to mount middleware. */
export interface ExpressRouter {
  readonly stack: ExpressLayer[];
  use(path: string, middleware: Middleware): unknown;
}

export interface ExpressApp {
  use(middleware: Middleware): unknown;
  get(path: string, handler: (request: IncomingMessage, response: ServerResponse) => void): unknown;
  router?: ExpressRouter;
  _router?: ExpressRouter;
}

/** The app's router: `app.router` in Express 5, `app._router` before. */
export function routerOf(app: ExpressApp): ExpressRouter | undefined {
  return app.router ?? app._router;
}

/** The layers of the app's router, in the order it tries them. */
export function stackOf(app: ExpressApp): ExpressLayer[] {
  return routerOf(app)?.stack ?? [];
}
