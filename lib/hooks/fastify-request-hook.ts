import type { IncomingMessage } from 'node:http';
import type { CorsRequestHandler, HookOutcome } from './cors-request-handler.js';
import { FASTIFY_REPLY_HEADERS, type FastifyReplyLike } from './response-headers.js';

/** The parts of Fastify's request and reply the hook uses. */
interface FastifyRequestLike {
  raw: IncomingMessage;
}
type Done = (error?: Error) => void;
type OnRequestHook = (request: FastifyRequestLike, reply: FastifyReplyLike, done: Done) => void;
interface FastifyLike {
  addHook(name: 'onRequest', hook: OnRequestHook): unknown;
  after?(callback: (error?: Error | null) => void): unknown;
}

/**
 * Installs the request hook as a Fastify `onRequest` hook, which runs for every request, unknown
 * paths included, before body parsing, middleware and guards.
 */
export function installFastifyRequestHook(fastify: FastifyLike, handler: CorsRequestHandler): void {
  const hook: OnRequestHook = (request, reply, done) => {
    let outcome: HookOutcome | Promise<HookOutcome>;
    try {
      outcome = handler.handle(request.raw, reply, FASTIFY_REPLY_HEADERS);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then((settled) => finish(settled, reply, done), done);
    } else {
      finish(outcome, reply, done);
    }
  };
  fastify.addHook('onRequest', hook);
  // While plugins are still loading, Fastify queues addHook(); after() runs once it has been added.
  if (fastify.after === undefined) moveToFront(fastify, hook);
  else fastify.after(() => moveToFront(fastify, hook));
}

/**
 * Nest's Fastify adapter adds its own `onRequest` hooks when it is created, among them the security
 * hook of `enableCsrfProtection()`, long before any module can add one. Fastify has no public way to
 * add a hook first, so ours is moved to the front of the instance's hook list: routes copy that list
 * when they are registered, which happens after this. Without it a CSRF 403 carries no CORS headers
 * and the page cannot read it. If Fastify's internals ever change shape, the hook simply stays last.
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
  if (!isHookList(onRequest)) return;
  const index = onRequest.indexOf(hook);
  if (index > 0) onRequest.unshift(...onRequest.splice(index, 1));
}

function finish(outcome: HookOutcome, reply: FastifyReplyLike, done: Done): void {
  // Answering from an onRequest hook: send, and do not call done, so that no route runs.
  if (outcome.kind === 'answer') reply.code(outcome.status).send();
  else done();
}

function isHookList(value: unknown): value is unknown[] {
  return Array.isArray(value);
}
