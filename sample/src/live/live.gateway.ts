import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';

/**
 * A socket.io gateway on the API's own server, namespace `/live`. It has no `cors` option and no
 * `@Cors()`: `CorsIoAdapter` (see api.ts) judges its handshakes by the module default, the same
 * CORS_ORIGINS as the HTTP routes, so a page on another origin cannot open it.
 */
@WebSocketGateway({ namespace: 'live' })
export class LiveGateway {
  /** Messages answered since the start: a page on a disallowed origin never adds to it. */
  answered = 0;

  @SubscribeMessage('ping')
  ping(@MessageBody() text: unknown): string {
    this.answered += 1;
    return `pong: ${String(text)}`;
  }
}
