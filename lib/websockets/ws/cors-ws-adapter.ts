/**
 * `CorsWsAdapter`: Nest's `ws` adapter with every upgrade judged by the CORS policies of the
 * gateways its server serves.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import type * as PlatformWs from '@nestjs/platform-ws';
import { CORS_LOGGER_CONTEXT } from '../../nest/logger-context.js';
import type { Gateway } from '../../routing/gateways.js';
import { HandshakeJudge } from '../handshake-judge.js';
import { loadPeer } from '../../peers/load-peer.cjs';

const { WsAdapter } = loadPeer<typeof PlatformWs>({
  adapter: 'CorsWsAdapter',
  packageName: '@nestjs/platform-ws',
  install: ['@nestjs/platform-ws', '@nestjs/websockets'],
});

type WsCreateOptions = NonNullable<Parameters<PlatformWs.WsAdapter['create']>[1]>;
/** `new WsAdapter(app, options)`'s options (`messageParser`), which Nest does not export by name. */
type WsAdapterOptions = ConstructorParameters<typeof PlatformWs.WsAdapter>[1];

/** What `ws` hands `verifyClient` (its `VerifyClientCallbackAsync`), spelled here without `@types/ws`. */
interface VerifyInfo {
  readonly origin: string;
  readonly secure: boolean;
  readonly req: IncomingMessage;
}
type VerifyCallback = (
  result: boolean,
  code?: number,
  message?: string,
  headers?: OutgoingHttpHeaders,
) => void;
type VerifyClient =
  ((info: VerifyInfo) => boolean) | ((info: VerifyInfo, callback: VerifyCallback) => void);

/**
 * Nest's `WsAdapter` (`@nestjs/platform-ws`) with each gateway's handshakes judged by its CORS
 * policy: the gateway's `@Cors(...)`, else the `CorsModule` default, exactly as for a controller.
 * An upgrade from an origin the policy does not allow is answered `403` before any gateway code
 * runs (no `handleConnection()`, no message handler). Requests without `Origin` (not from a
 * browser) and from the server's own origin pass; `@Cors(false)` gateways are not checked at all.
 * Gateways that share a server (same port and `path`) receive every connection, so each of their
 * policies must allow it. Each upgrade is judged by the policies its gateways have then, so
 * per-request policies and `CorsPolicies.replace()` apply to the next one. A gateway's own `verifyClient` option still runs,
 * after the CORS check.
 *
 * Needs `@nestjs/platform-ws` and `@nestjs/websockets`, and `CorsModule` imported.
 *
 * @example
 * ```ts
 * // main.ts
 * const app = await NestFactory.create(AppModule);
 * app.useWebSocketAdapter(new CorsWsAdapter(app));
 * await app.listen(3000);
 *
 * // events.gateway.ts
 * @Cors('partner') // a named policy of CorsModule.forRoot({ policies })
 * @WebSocketGateway({ path: '/events' })
 * export class EventsGateway {
 *   @SubscribeMessage('ping') ping() { return { event: 'pong', data: 'pong' }; }
 * }
 * ```
 */
export class CorsWsAdapter extends WsAdapter {
  private readonly judge: HandshakeJudge;
  private readonly corsLogger = new Logger(CORS_LOGGER_CONTEXT);

  /**
   * @param app the application, after `NestFactory.create()`: its `CorsModule` policies and its
   *   HTTP server, which gateways without a port of their own share.
   * @param options `WsAdapter`'s own options (`messageParser`).
   * @throws Error when `CorsModule` is not imported.
   */
  constructor(app: INestApplicationContext, options?: WsAdapterOptions) {
    super(app, options);
    this.judge = new HandshakeJudge(app, 'CorsWsAdapter');
  }

  /**
   * Creates the `ws` server of a port and path with a `verifyClient` that checks the policies of
   * the gateways it serves, then the gateway's own `verifyClient`, if any.
   */
  override create(
    port: number,
    options?: WsCreateOptions,
  ): ReturnType<PlatformWs.WsAdapter['create']> {
    const gateways = this.judge.gatewaysAt(port, options?.path);
    // A server of @Cors(false) gateways alone is left exactly as WsAdapter makes it.
    if (gateways.length > 0 && gateways.every((gateway) => gateway.corsOff))
      return super.create(port, options);
    this.judge.warnAboutOwnCors(gateways);
    const theirs = options?.verifyClient as VerifyClient | undefined;
    return super.create(port, {
      ...options,
      verifyClient: (info: VerifyInfo, callback: VerifyCallback) =>
        this.verify(gateways, theirs, info, callback),
    });
  }

  private verify(
    gateways: readonly Gateway[],
    theirs: VerifyClient | undefined,
    info: VerifyInfo,
    callback: VerifyCallback,
  ): void {
    // A judge that still threw refuses: never a hanging handshake or an unhandled rejection.
    this.judge.judge(gateways, info.req, 'all').then(
      (verdict) => {
        if (!verdict.allowed) return callback(false, 403);
        if (theirs === undefined) return callback(true);
        try {
          // ws tells the two forms apart by their number of parameters, and so do we.
          if (theirs.length >= 2) theirs(info, callback);
          else callback(Boolean((theirs as (i: VerifyInfo) => boolean)(info)), 401);
        } catch (error) {
          this.corsLogger.error(
            `The verifyClient of a WebSocket gateway threw; the handshake ${info.req.url ?? ''} was refused.`,
            error instanceof Error ? error.stack : String(error),
          );
          callback(false, 500);
        }
      },
      () => callback(false, 403),
    );
  }
}
