/**
 * `nestjs-cors/ws`: {@link CorsWsAdapter}, Nest's `ws` adapter with each gateway's handshakes
 * judged by its CORS policy. A subpath of its own, so that `nestjs-cors` itself loads without
 * `@nestjs/websockets` and `@nestjs/platform-ws`; importing this one without them throws an error
 * that names what to install.
 *
 * @example
 * ```ts
 * import { CorsWsAdapter } from 'nestjs-cors/ws';
 *
 * app.useWebSocketAdapter(new CorsWsAdapter(app));
 * ```
 *
 * @packageDocumentation
 */
export { CorsWsAdapter } from './cors-ws-adapter.js';
export type { HandshakeRequest } from '../handshake-request.js';
