import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsRequestHandler, HookOutcome } from './cors-request-handler.js';
import { NODE_RESPONSE_HEADERS } from './response-headers.js';

type Next = (error?: unknown) => void;
type Middleware = (request: IncomingMessage, response: ServerResponse, next: Next) => void;

interface ExpressLayer {
  handle: unknown;
  name?: string;
}
interface ExpressApp {
  use(middleware: Middleware): unknown;
  router?: { stack: ExpressLayer[] };
  _router?: { stack: ExpressLayer[] };
}

/**
 * Installs the request hook as the first middleware of an Express app, ahead of the body parser,
 * Nest's security hooks and every module middleware: a 400 for a malformed JSON body or a CSRF 403
 * then carries CORS headers too, so the page can read it.
 */
export function installExpressRequestHook(app: ExpressApp, handler: CorsRequestHandler): void {
  const hook: Middleware = (request, response, next) => {
    let outcome: HookOutcome | Promise<HookOutcome>;
    try {
      outcome = handler.handle(request, response, NODE_RESPONSE_HEADERS);
    } catch (error) {
      next(error);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then((settled) => finish(settled, response, next), next);
    } else {
      finish(outcome, response, next);
    }
  };
  app.use(hook);
  const stack = (app.router ?? app._router)?.stack;
  if (stack !== undefined) {
    const index = stack.findIndex((layer) => layer.handle === hook);
    if (index > 0) stack.unshift(...stack.splice(index, 1));
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
