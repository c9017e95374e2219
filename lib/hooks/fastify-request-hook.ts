import type { IncomingMessage } from 'node:http';
import type { CorsRequestHandler, HookOutcome } from './cors-request-handler.js';
import { fastifyResponseHeaders, type FastifyReplyLike } from './response-headers.js';

/** The parts of Fastify's request and reply the hook uses. */
interface FastifyRequestLike {
  raw: IncomingMessage;
}
type Done = (error?: Error) => void;
interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (request: FastifyRequestLike, reply: FastifyReplyLike, done: Done) => void,
  ): unknown;
}

/**
 * Installs the request hook as a Fastify `onRequest` hook, which runs for every request, unknown
 * paths included, before body parsing, middleware and guards.
 */
export function installFastifyRequestHook(fastify: FastifyLike, handler: CorsRequestHandler): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    let outcome: HookOutcome | Promise<HookOutcome>;
    try {
      outcome = handler.handle(request.raw, fastifyResponseHeaders(reply));
    } catch (error) {
      done(error as Error);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then((settled) => finish(settled, reply, done), done);
    } else {
      finish(outcome, reply, done);
    }
  });
}

function finish(outcome: HookOutcome, reply: FastifyReplyLike, done: Done): void {
  // Answering from an onRequest hook: send, and do not call done, so that no route runs.
  if (outcome.kind === 'answer') reply.code(outcome.status).send();
  else done();
}
