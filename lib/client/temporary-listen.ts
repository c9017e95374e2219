/** Making a server listen, on a free loopback port, for the calls of the test helpers that use it. */
import { Agent, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One call's use of a server that the helpers made listen, as supertest does: on a free loopback
 * port, shared by every call that runs meanwhile, and closed when the last of them ends. Closing it
 * while another call's request is in flight would cut that request off.
 */
export interface TemporaryListen {
  /** The URL the server listens on, `http://127.0.0.1:<port>`. */
  readonly base: string;
  /**
   * The agent to send with: its sockets are the listen's own and close with it, so that the server
   * can close without cutting connections that are not ours.
   */
  readonly agent: Agent;
  /** What the server's request handler threw for the request sent from this local port, if anything. */
  thrownFor(localPort: number | undefined): unknown;
  /** Ends this call's use; the last one closes the server, and resolves once it is closed. */
  release(): Promise<void>;
}

/** A listen shared by the calls running on one server. */
interface SharedListen {
  readonly listening: Promise<string>;
  readonly agent: Agent;
  readonly guard: RequestGuard;
  users: number;
  /** Set once the last call has ended: a call that comes later waits for it, then listens anew. */
  closed: Promise<void> | undefined;
}

const listens = new WeakMap<Server, SharedListen>();

/**
 * Makes `server` listen for one call, or joins the listen of the calls already running on it.
 * `undefined` when the server listens already, on its owner's behalf: it is used as it is.
 */
export async function listenFor(server: Server): Promise<TemporaryListen | undefined> {
  let shared = listens.get(server);
  while (shared?.closed !== undefined) {
    await shared.closed;
    shared = listens.get(server);
  }
  if (shared === undefined) {
    if (isListening(server)) return undefined;
    shared = open(server);
  }
  shared.users++;
  const base = await shared.listening;
  const own = shared;
  return {
    base,
    agent: own.agent,
    thrownFor: own.guard.thrownFor,
    release: () => release(server, own),
  };
}

function isListening(server: Server): boolean {
  const address = server.address();
  return address !== null && typeof address === 'object';
}

function open(server: Server): SharedListen {
  const guard = guardRequests(server);
  // Not kept alive: each request's connection ends with its response.
  const agent = new Agent({ keepAlive: false });
  const shared: SharedListen = {
    listening: listen(server),
    agent,
    guard,
    users: 0,
    closed: undefined,
  };
  listens.set(server, shared);
  shared.listening.catch(() => {
    // Every call that joined gets the error; none of them holds the listen.
    if (listens.get(server) === shared) listens.delete(server);
    guard.restore();
    agent.destroy();
  });
  return shared;
}

function listen(server: Server): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(urlOf(server.address() as AddressInfo));
    });
  });
}

function release(server: Server, shared: SharedListen): Promise<void> {
  shared.users--;
  if (shared.users > 0) return Promise.resolve();
  shared.closed = new Promise<void>((resolve) => {
    shared.guard.restore();
    // Every call has ended: the sockets left are idle or abandoned (a response that never came),
    // and the server sees them close, so that close() does not wait for them.
    shared.agent.destroy();
    server.close(() => {
      listens.delete(server);
      resolve();
    });
  });
  return shared.closed;
}

/** What the listen's requests made the server's handler throw, by the client's local port, each read once. */
interface RequestGuard {
  readonly thrownFor: (localPort: number | undefined) => unknown;
  readonly restore: () => void;
}

/**
 * While the helpers have the server listen, a request handler that throws (Fastify before it is
 * ready does, and would end the test run with an uncaught error that says nothing about why)
 * closes that request's connection, and the error is kept for the helper's message.
 */
function guardRequests(server: Server): RequestGuard {
  const own = Object.getOwnPropertyDescriptor(server, 'emit');
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  const thrown = new Map<number | undefined, unknown>();
  server.emit = function (event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'request') return emit(event, ...args);
    try {
      return emit(event, ...args);
    } catch (error) {
      thrown.set((args[0] as IncomingMessage | undefined)?.socket?.remotePort, error);
      (args[1] as { destroy?(): void } | undefined)?.destroy?.();
      return true;
    }
  } as Server['emit'];
  return {
    // Taken once read: a port the system gives a later call again must not bring this error back.
    thrownFor: (localPort) => {
      if (localPort === undefined) return undefined;
      const error = thrown.get(localPort);
      thrown.delete(localPort);
      return error;
    },
    restore: () => {
      if (own === undefined) delete (server as { emit?: unknown }).emit;
      else Object.defineProperty(server, 'emit', own);
    },
  };
}

/** The URL of an address a server listens on; an unspecified address is reached on loopback. */
export function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
}
