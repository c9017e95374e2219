/** Sending one request as a browser would, to a Nest app, a server or a URL. */
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReceivedResponse } from './browser-verdict.js';
import { listenFor, urlOf } from './temporary-listen.js';

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
 * listening is made to listen on a free loopback port while calls run on it (see
 * {@link listenFor}), as supertest does.
 */
export async function send(
  target: CorsTestTarget,
  sent: SentRequest,
  timeout = DEFAULT_RESPONSE_TIMEOUT,
): Promise<ReceivedResponse> {
  const readied = await readyIfFastify(target, timeout);
  const server = serverOf(target);
  const temporary = server === undefined ? undefined : await listenFor(server);
  const base =
    temporary?.base ??
    (server === undefined ? (target as string) : urlOf(server.address() as AddressInfo));
  // The hint to make Fastify ready is for a Fastify server that nobody made ready here.
  const hint =
    server !== undefined && !readied && isFastifyServer(server) ? FASTIFY_READY_HINT : '';
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
          agent: temporary?.agent,
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: flatten(response.headers) }),
          );
          response.on('error', reject);
        },
      );
      // The server knows this request by the port it comes from: what its handler threw is kept
      // under that port.
      let localPort: number | undefined;
      outgoing.once('socket', (socket) => {
        socket.once('connect', () => (localPort = socket.localPort));
      });
      outgoing.on('error', (error) => {
        const failure = temporary?.thrownFor(localPort);
        reject(failure === undefined ? error : new NoResponseError(threw(sent, failure, hint)));
      });
      // Node's own timeout counts idle time: the request's whole life is what must stay short.
      const timer = setTimeout(() => {
        outgoing.destroy(new NoResponseError(noResponse(sent, timeout, hint)));
      }, timeout);
      outgoing.on('close', () => clearTimeout(timer));
      outgoing.end();
    });
  } finally {
    await temporary?.release();
  }
}

/** The Node server of a target, or `undefined` for a URL. */
function serverOf(target: CorsTestTarget): Server | undefined {
  if (typeof target === 'string') return undefined;
  return (
    'getHttpServer' in target && typeof target.getHttpServer === 'function'
      ? target.getHttpServer()
      : target
  ) as Server;
}

/**
 * Whether Fastify serves the server's requests: its request listener is Fastify's router entry,
 * `preRouting` (Fastify 5, as Nest 11 and 12 use it). A server has no other mark of the Fastify instance it belongs to.
 */
function isFastifyServer(server: Server): boolean {
  return server.listeners('request').some((listener) => listener.name === 'preRouting');
}

/** The parts of a Nest application's HTTP adapter that tell Fastify apart and make it ready. */
interface AdapterLike {
  getType?(): unknown;
  getInstance?(): unknown;
}

/**
 * Makes a Nest application on Fastify ready, within `timeout`, and says whether it did. `ready()`
 * is Fastify's public way to finish loading its plugins, idempotent, and what `listen()` and
 * `inject()` call themselves.
 */
async function readyIfFastify(target: CorsTestTarget, timeout: number): Promise<boolean> {
  if (typeof target !== 'object' || !('getHttpAdapter' in target)) return false;
  if (typeof target.getHttpAdapter !== 'function') return false;
  const adapter = target.getHttpAdapter() as AdapterLike | undefined;
  if (adapter?.getType?.() !== 'fastify') return false;
  const instance = adapter.getInstance?.() as { ready?(): PromiseLike<unknown> } | undefined;
  if (typeof instance?.ready !== 'function') return false;
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
    return true;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a test must write for a Fastify server it gave without its application; given the Nest
 * application itself, the helper does it.
 */
const FASTIFY_READY_HINT = [
  ' A Fastify server answers nothing until Fastify is ready: after `await app.init()`, write',
  '`await app.getHttpAdapter().getInstance().ready()` (on Fastify alone, `await fastify.ready()`),',
  'or give expectCors the Nest application itself (not its server), which does it.',
].join(' ');

function noResponse(sent: SentRequest, timeout: number, hint: string): string {
  return `${sent.method} ${sent.path} gave no response within ${timeout} ms.${hint} For a handler that is slow on purpose, pass expectCors(target, { timeout }) in milliseconds.`;
}

function threw(sent: SentRequest, error: unknown, hint: string): string {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `The server threw while taking ${sent.method} ${sent.path} (${reason}), before any handler could answer.${hint}`;
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
