/** Which engine.io requests are handshakes to judge, and which belong to a session already judged. */
import type { IncomingMessage } from 'node:http';
import { handshakeOrigin } from '../handshake-origin.js';

/** The sessions of an engine.io server, by id: each keeps the request that opened it. */
export interface EngineSessions {
  readonly clients: Readonly<Record<string, { readonly request?: IncomingMessage } | undefined>>;
}

/**
 * Whether engine.io is handling the request as a WebSocket upgrade. engine.io upgrades only from
 * its server's `upgrade` event, which Node emits for exactly the requests it marks `upgrade`; a
 * polling request, over HTTP/1.1 or HTTP/2 (whose compatibility request has no such mark), comes
 * with a real response to write. The type of that response says nothing: on an HTTP/2 server it
 * is no `ServerResponse`, and neither is engine.io's stand-in for an upgrade.
 */
export function isUpgrade(request: IncomingMessage): boolean {
  return (request as { upgrade?: unknown }).upgrade === true;
}

/**
 * Whether engine.io will take the request as one of a session it already has, opened from the
 * same origin. Such a request opens nothing: a session is opened only by a handshake, and every
 * handshake was judged. Any other request is judged as a handshake, whatever its query says.
 *
 * The session id is read where engine.io itself reads it: `request._query`, its own parse of the
 * query, made before its middlewares run. engine.io takes a request without a truthy `sid` there
 * as a new handshake (an empty `sid=`, say); a repeated `sid` is its last value (or, from an older
 * parse, an array, which names no session); an id that names no session is refused by engine.io
 * anyway. A session opened from another origin (a client without `Origin`, whose id the attacker
 * knows because he opened it) does not vouch for a page on a refused origin.
 */
export function ofOpenSession(engine: EngineSessions, request: IncomingMessage): boolean {
  const sid = (request as { _query?: Record<string, unknown> })._query?.sid;
  if (typeof sid !== 'string' || sid === '' || !Object.hasOwn(engine.clients, sid)) return false;
  const opener = engine.clients[sid]?.request;
  const origin = handshakeOrigin(request);
  return opener !== undefined && typeof origin !== 'symbol' && handshakeOrigin(opener) === origin;
}
