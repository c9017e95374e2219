import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReceivedResponse } from './browser-verdict.js';

/**
 * What a test can point the helpers at: a base URL, a Node HTTP server (listening or not), or a Nest
 * application (`app.getHttpServer()` is used; call `app.init()` first). A Nest application on
 * Fastify is made ready (`getInstance().ready()`) before the first request, as Fastify's own
 * `inject()` does: Fastify answers nothing before.
 */
export type CorsTestTarget =
  string | Server | { getHttpServer(): unknown; getHttpAdapter?(): unknown };

/** One request as the test sends it. */
export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Milliseconds a response may take by default: a hang fails well before a test runner's timeout. */
export const DEFAULT_RESPONSE_TIMEOUT = 3_000;

/** Thrown when the target does not answer in time; `expect-cors.ts` rethrows it as its own. */
export class NoResponseError extends Error {}

/**
 * Sends one request over real HTTP and reads the status and headers. A server that is not
 * listening is made to listen on a free loopback port for this request only, as supertest does.
 */
export async function send(
  target: CorsTestTarget,
  sent: SentRequest,
  timeout = DEFAULT_RESPONSE_TIMEOUT,
): Promise<ReceivedResponse> {
  await readyIfFastify(target, timeout);
  const { base, close, thrown } = await baseUrlOf(target);
  try {
    return await new Promise<ReceivedResponse>((resolve, reject) => {
      // The path goes out as written, to the target's own host: resolving it against the base as
      // a URL would send `//elsewhere/x` to another host.
      const { hostname, port } = new URL(base);
      const outgoing = httpRequest(
        {
          host: hostname.replace(/^\[|\]$/g, ''),
          port,
          path: sent.path,
          method: sent.method,
          headers: sent.headers,
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: flatten(response.headers) }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', (error) => {
        const failure = thrown();
        reject(failure === undefined ? error : new NoResponseError(threw(sent, failure)));
      });
      // Node's own timeout counts idle time: the request's whole life is what must stay short.
      const timer = setTimeout(() => {
        outgoing.destroy(new NoResponseError(noResponse(sent, timeout)));
      }, timeout);
      outgoing.on('close', () => clearTimeout(timer));
      outgoing.end();
    });
  } finally {
    await close();
  }
}

/** Where to send, how to let go of the server afterwards, and what its handler threw, if anything. */
interface Connection {
  readonly base: string;
  readonly close: () => Promise<void>;
  readonly thrown: () => unknown;
}

const NOTHING_THROWN = (): unknown => undefined;

async function baseUrlOf(target: CorsTestTarget): Promise<Connection> {
  if (typeof target === 'string')
    return { base: target, close: () => Promise.resolve(), thrown: NOTHING_THROWN };
  const server = (
    'getHttpServer' in target && typeof target.getHttpServer === 'function'
      ? target.getHttpServer()
      : target
  ) as Server;
  const address = server.address();
  if (address !== null && typeof address === 'object') {
    return { base: urlOf(address), close: () => Promise.resolve(), thrown: NOTHING_THROWN };
  }
  const guard = guardRequests(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    base: urlOf(server.address() as AddressInfo),
    close: () =>
      new Promise<void>((resolve) => {
        guard.restore();
        server.close(() => resolve());
        // A connection the server never answered would hold close() forever; all are ours.
        server.closeAllConnections();
      }),
    thrown: guard.thrown,
  };
}

/**
 * While the helper has the server listen, a request handler that throws (Fastify before it is
 * ready does, and would end the test run with an uncaught error that says nothing about why)
 * closes that connection, and the error is kept for the helper's message.
 */
function guardRequests(server: Server): { thrown: () => unknown; restore: () => void } {
  const own = Object.getOwnPropertyDescriptor(server, 'emit');
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  let failure: unknown;
  server.emit = function (event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'request') return emit(event, ...args);
    try {
      return emit(event, ...args);
    } catch (error) {
      failure = error;
      (args[1] as { destroy?(): void } | undefined)?.destroy?.();
      return true;
    }
  } as Server['emit'];
  return {
    thrown: () => failure,
    restore: () => {
      if (own === undefined) delete (server as { emit?: unknown }).emit;
      else Object.defineProperty(server, 'emit', own);
    },
  };
}

/** The parts of a Nest application's HTTP adapter that tell Fastify apart and make it ready. */
interface AdapterLike {
  getType?(): unknown;
  getInstance?(): unknown;
}

/**
 * Makes a Nest application on Fastify ready, within `timeout`. `ready()` is Fastify's public way
 * to finish loading its plugins, idempotent, and what `listen()` and `inject()` call themselves.
 */
async function readyIfFastify(target: CorsTestTarget, timeout: number): Promise<void> {
  if (typeof target !== 'object' || !('getHttpAdapter' in target)) return;
  if (typeof target.getHttpAdapter !== 'function') return;
  const adapter = target.getHttpAdapter() as AdapterLike | undefined;
  if (adapter?.getType?.() !== 'fastify') return;
  const instance = adapter.getInstance?.() as { ready?(): PromiseLike<unknown> } | undefined;
  if (typeof instance?.ready !== 'function') return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new NoResponseError(
            `Fastify did not get ready within ${timeout} ms (getInstance().ready()): a plugin is still loading.`,
          ),
        ),
      timeout,
    );
  });
  try {
    await Promise.race([instance.ready(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a test on Fastify must write; given the application itself, the helper does it. */
const FASTIFY_READY_HINT = [
  'A Nest application on Fastify cannot answer until Fastify is ready: after `await app.init()`,',
  'write `await app.getHttpAdapter().getInstance().ready()`, or give expectCors the application',
  'itself (not its server), which does it.',
].join(' ');

function noResponse(sent: SentRequest, timeout: number): string {
  return `${sent.method} ${sent.path} gave no response within ${timeout} ms. ${FASTIFY_READY_HINT} For a handler that is slow on purpose, pass expectCors(target, { timeout }) in milliseconds.`;
}

function threw(sent: SentRequest, error: unknown): string {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `The server threw while taking ${sent.method} ${sent.path} (${reason}), before any handler could answer. ${FASTIFY_READY_HINT}`;
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
