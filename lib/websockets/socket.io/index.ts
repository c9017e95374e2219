/**
 * `nestjs-cors/socket.io`: {@link CorsIoAdapter}, Nest's socket.io adapter with each gateway's
 * handshakes judged by its CORS policy. A subpath of its own, so that `nestjs-cors` itself loads
 * without `@nestjs/websockets` and `@nestjs/platform-socket.io`; importing this one without them
 * throws an error that names what to install.
 *
 * @example
 * ```ts
 * import { CorsIoAdapter } from 'nestjs-cors/socket.io';
 *
 * app.useWebSocketAdapter(new CorsIoAdapter(app));
 * ```
 *
 * @packageDocumentation
 */
export { CorsIoAdapter } from './cors-io-adapter.js';
export type { HandshakeRequest } from '../handshake-request.js';
