/** A handshake request with the `protocol`, `host` and `hostname` a policy function reads. */
import type { IncomingMessage } from 'node:http';
import { requestAuthorityOf } from '../engine/index.js';

/**
 * The request a gateway's per-request policy (and an origin function) gets for a handshake: the
 * Node request engine.io or `ws` received, with the three properties a function written for
 * Express's `req` or Fastify's `request` reads to tell tenants apart. There is no platform request
 * for a handshake, so these are read from the request itself: the `Host` header (`:authority` on
 * HTTP/2) and the connection's scheme. No `X-Forwarded-*` header is trusted here, whatever the
 * application's trust-proxy setting: behind a proxy, `hostname` is what the proxy sent as `Host`.
 */
export type HandshakeRequest = IncomingMessage & {
  /** `http` or `https`: the scheme of the connection the handshake came on. */
  readonly protocol: string;
  /** `host[:port]` from `Host` (or `:authority`), lower case; `''` when there is none. */
  readonly host: string;
  /** {@link host} without its port. */
  readonly hostname: string;
};

/** One request per handshake, so that a per-request policy answers each handshake once. */
const requests = new WeakMap<IncomingMessage, HandshakeRequest>();

/**
 * The {@link HandshakeRequest} for a Node request: an object whose prototype is the request, so
 * that everything of it (`headers`, `url`, `socket`, `instanceof IncomingMessage`) reads as before,
 * with `protocol`, `host` and `hostname` as its own. The same object each time for one request:
 * the engine and the namespace of socket.io judge the same handshake, and per-request answers are
 * kept by request object.
 */
export function handshakeRequestOf(request: IncomingMessage): HandshakeRequest {
  let seen = requests.get(request);
  if (seen === undefined) {
    const { scheme, host, hostname } = requestAuthorityOf(request);
    seen = Object.create(request, {
      protocol: { value: scheme, enumerable: true },
      host: { value: host, enumerable: true },
      hostname: { value: hostname, enumerable: true },
    }) as HandshakeRequest;
    requests.set(request, seen);
  }
  return seen;
}
