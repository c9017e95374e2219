import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReceivedResponse } from './browser-verdict.js';

/**
 * What a test can point the helpers at: a base URL, a Node HTTP server (listening or not), or a Nest
 * application (`app.getHttpServer()` is used; call `app.init()` first, and on Fastify await the
 * instance's `ready()`).
 */
export type CorsTestTarget = string | Server | { getHttpServer(): unknown };

/** One request as the test sends it. */
export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Sends one request over real HTTP and reads the status and headers. A server that is not
 * listening is made to listen on a free loopback port for this request only, as supertest does.
 */
export async function send(target: CorsTestTarget, sent: SentRequest): Promise<ReceivedResponse> {
  const { base, close } = await baseUrlOf(target);
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
      outgoing.on('error', reject);
      outgoing.end();
    });
  } finally {
    await close();
  }
}

async function baseUrlOf(
  target: CorsTestTarget,
): Promise<{ base: string; close: () => Promise<void> }> {
  if (typeof target === 'string') return { base: target, close: () => Promise.resolve() };
  const server = (
    'getHttpServer' in target && typeof target.getHttpServer === 'function'
      ? target.getHttpServer()
      : target
  ) as Server;
  const address = server.address();
  if (address !== null && typeof address === 'object') {
    return { base: urlOf(address), close: () => Promise.resolve() };
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    base: urlOf(server.address() as AddressInfo),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
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
