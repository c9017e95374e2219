/** The origin of a WebSocket handshake: `Origin`, or the legacy `Sec-WebSocket-Origin`. */
import type { IncomingMessage } from 'node:http';

/** Stands for a request whose `Origin` and `Sec-WebSocket-Origin` name different origins. */
export const CONFLICTING_ORIGINS = Symbol('conflicting origins');

/**
 * The origin a handshake comes from. Browsers send `Origin`; clients of the WebSocket protocol's
 * version 8 sent `Sec-WebSocket-Origin` instead, and `ws` takes that as the origin for them, so
 * it is judged as one when `Origin` is absent. Both present and different: neither can be
 * trusted, and the handshake is refused.
 */
export function handshakeOrigin(
  request: IncomingMessage,
): string | undefined | typeof CONFLICTING_ORIGINS {
  const origin = header(request, 'origin');
  const legacy = header(request, 'sec-websocket-origin');
  if (legacy === undefined || legacy === origin) return origin;
  return origin === undefined ? legacy : CONFLICTING_ORIGINS;
}

/** One request header as a string (a repeated one joined), or `undefined`. */
export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
