/** Refusing a WebSocket upgrade: 403, and the connection closed. */
import type { Duplex } from 'node:stream';

const BODY = 'Forbidden';
const RESPONSE =
  'HTTP/1.1 403 Forbidden\r\n' +
  'Connection: close\r\n' +
  'Content-Type: text/plain; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(BODY)}\r\n` +
  '\r\n' +
  BODY;

/**
 * Answers a WebSocket upgrade request with `403 Forbidden` and closes its connection. The reason
 * is not sent: like the CORS decisions of HTTP requests, it belongs in the server's log.
 */
export function refuseUpgrade(socket: Duplex): void {
  // A connection that errors while we close it has nothing left to tell anyone.
  socket.on('error', () => undefined);
  if (socket.writable) {
    socket.once('finish', () => socket.destroy());
    socket.end(RESPONSE);
  } else {
    socket.destroy();
  }
}
