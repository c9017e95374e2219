/**
 * `CorsIoAdapter`: Nest's socket.io adapter with every engine.io request and namespace connection
 * judged by the CORS policies of the gateways it may reach.
 */
import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import type * as PlatformSocketIo from '@nestjs/platform-socket.io';
import { NODE_RESPONSE_HEADERS, writeCorsHeaders } from '../../http/response-headers.js';
import { namespaceKey, type Gateway } from '../../routing/gateways.js';
import { HandshakeJudge } from '../handshake-judge.js';
import { loadPeer } from '../../peers/load-peer.cjs';
import { refuseUpgrade } from '../refuse-upgrade.js';
import { isUpgrade, ofOpenSession, type EngineSessions } from './engine-requests.js';

const { IoAdapter } = loadPeer<typeof PlatformSocketIo>({
  adapter: 'CorsIoAdapter',
  packageName: '@nestjs/platform-socket.io',
  install: ['@nestjs/platform-socket.io', '@nestjs/websockets'],
});

/** socket.io's types, read from Nest's adapter so that this package needs no `socket.io` of its own. */
type IoServer = ReturnType<PlatformSocketIo.IoAdapter['createIOServer']>;
type IoCreateOptions = NonNullable<Parameters<PlatformSocketIo.IoAdapter['create']>[1]>;
type IoNamespace = Exclude<ReturnType<PlatformSocketIo.IoAdapter['create']>, IoServer>;

/**
 * What engine.io hands its middlewares as the response: node:http's `ServerResponse`, node:http2's
 * `Http2ServerResponse` (an HTTP/2 server), or, for an upgrade, a stand-in that writes nothing.
 */
interface EngineResponse {
  readonly headersSent?: boolean;
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): number | string | string[] | undefined;
  removeHeader(name: string): void;
  writeHead(status: number, headers?: Record<string, string>): unknown;
  end(body?: string): unknown;
}
type EngineMiddleware = (
  request: IncomingMessage,
  response: EngineResponse,
  next: (error?: unknown) => void,
) => void;
/** The engine.io server of a socket.io server: its middlewares (engine.io 6.1+) and sessions. */
interface Engine extends EngineSessions {
  use(middleware: EngineMiddleware): void;
}

/** engine.io's body for a refused request, as its own `allowRequest` refusal reads (code 4). */
const FORBIDDEN_BODY = JSON.stringify({ code: 4, message: 'Forbidden' });

/**
 * Nest's `IoAdapter` (`@nestjs/platform-socket.io`) with each gateway's handshakes judged by its
 * CORS policy: the gateway's `@Cors(...)`, else the `CorsModule` default, exactly as for a
 * controller. A handshake from an origin the policy does not allow is refused before any gateway
 * code runs: `403` on the polling handshake and on the WebSocket upgrade. Requests without
 * `Origin` (not from a browser) and from the server's own origin pass; `@Cors(false)` gateways are
 * not checked at all. Polling responses carry the policy's CORS headers, for allowed origins only,
 * so a gateway needs no `cors` option of its own (one that sets it is reported at startup).
 *
 * Gateways on one server (same port and `path`) share its engine: a handshake passes there when
 * some gateway's policy allows its origin, then each namespace refuses a connection its own
 * gateways' policies do not allow (`connect_error` on the client, and no `handleConnection()`).
 * Each request is judged by the policies its gateways have then, so per-request policies and
 * `CorsPolicies.replace()` apply to the next one.
 *
 * Needs `@nestjs/platform-socket.io` and `@nestjs/websockets`, and `CorsModule` imported.
 *
 * @example
 * ```ts
 * // main.ts
 * const app = await NestFactory.create(AppModule);
 * app.useWebSocketAdapter(new CorsIoAdapter(app));
 * await app.listen(3000);
 *
 * // chat.gateway.ts
 * @Cors({ origin: 'https://app.example.com', credentials: true })
 * @WebSocketGateway({ namespace: 'chat' })
 * export class ChatGateway {
 *   @SubscribeMessage('ping') ping() { return 'pong'; }
 * }
 *
 * // A custom adapter keeps the checks: override createIOServer() and call super.
 * export class RedisIoAdapter extends CorsIoAdapter {
 *   override createIOServer(port: number, options?: ServerOptions) {
 *     return super.createIOServer(port, options).adapter(redisAdapter);
 *   }
 * }
 * ```
 */
export class CorsIoAdapter extends IoAdapter {
  private readonly judge: HandshakeJudge;
  /** Namespaces that have their check, so that two gateways on one namespace add one. */
  private readonly guarded = new WeakSet<object>();

  /**
   * @param app the application, after `NestFactory.create()`: its `CorsModule` policies and its
   *   HTTP server, which gateways without a port of their own share.
   * @throws Error when `CorsModule` is not imported.
   */
  constructor(app: INestApplicationContext) {
    super(app);
    this.judge = new HandshakeJudge(app, 'CorsIoAdapter');
  }

  /**
   * Creates the socket.io server of a port and path (or, when Nest passes `server`, one of its
   * namespaces) through {@link createIOServer}, and installs the checks of its gateways.
   */
  override create(port: number, options?: IoCreateOptions): IoServer | IoNamespace {
    const path = options?.path;
    const server = options?.server;
    if (server !== undefined && typeof server.of === 'function') {
      // Nest's second call for a gateway with a namespace: the server exists and is guarded.
      const namespace = super.create(port, options);
      const key = namespaceKey(options?.namespace);
      const target = isServer(namespace) ? namespace.of('/') : namespace;
      this.guardNamespace(target, this.judge.gatewaysIn(port, path, key), true);
      return namespace;
    }
    const gateways = this.judge.gatewaysAt(port, path);
    // A server of @Cors(false) gateways alone is left exactly as IoAdapter makes it.
    if (gateways.length > 0 && gateways.every((gateway) => gateway.corsOff))
      return super.create(port, options);
    this.judge.warnAboutOwnCors(gateways);
    let created: IoServer | IoNamespace;
    if (options === undefined) {
      created = super.create(port, options);
    } else {
      // The CORS headers of polling responses come from the policies; the `cors` middleware of
      // engine.io would write its own before ours, and the two would disagree.
      const { cors: _ignored, ...rest } = options;
      created = super.create(port, rest);
    }
    const ioServer = isServer(created) ? created : created.server;
    this.guardEngine(ioServer, gateways);
    const root = gateways.filter((gateway) => gateway.namespace === '/');
    this.guardNamespace(ioServer.of('/'), root, false);
    if (!isServer(created)) {
      this.guardNamespace(
        created,
        this.judge.gatewaysIn(port, path, namespaceKey(options?.namespace)),
        true,
      );
    }
    return created;
  }

  /**
   * Judges every engine.io request before engine.io handles it: one from an origin no gateway of
   * the server allows gets 403 unless it belongs to a session engine.io already has, opened from
   * the same origin (see {@link ofOpenSession}); polling responses get the CORS headers of the
   * policy that allows their origin, and the policies' `Vary`; preflights are answered by the
   * policies.
   */
  private guardEngine(server: IoServer, gateways: readonly Gateway[]): void {
    const engine = (server as unknown as { engine?: Partial<Engine> }).engine;
    if (typeof engine?.use !== 'function' || typeof engine.clients !== 'object') {
      throw new Error(
        'CorsIoAdapter: the socket.io server that createIOServer() returned has no engine.io server (or an engine.io older than 6.1) to check handshakes on. Return a server attached to a port or an HTTP server, as IoAdapter.createIOServer() does.',
      );
    }
    const sessions = engine as Engine;
    sessions.use((request, response, next) => {
      const upgrade = isUpgrade(request);
      // The judge logs and denies rather than throwing; should anything still throw, the request
      // is refused, never left hanging, and the process never sees an unhandled rejection.
      this.screen(sessions, gateways, request, upgrade, response, next).catch(() =>
        refuse(request, upgrade, response),
      );
    });
  }

  private async screen(
    engine: EngineSessions,
    gateways: readonly Gateway[],
    request: IncomingMessage,
    upgrade: boolean,
    response: EngineResponse,
    next: (error?: unknown) => void,
  ): Promise<void> {
    if (!upgrade) {
      const preflight = await this.judge.judgePreflight(gateways, request);
      if (preflight !== undefined) {
        const { decision } = preflight;
        writeCorsHeaders(
          NODE_RESPONSE_HEADERS,
          response,
          decision?.headers ?? [],
          decision?.vary ?? '',
        );
        response.writeHead(preflight.status);
        response.end();
        return;
      }
    }
    const verdict = await this.judge.judge(gateways, request, 'any');
    // An upgrade's answer is the socket: headers set on engine.io's stand-in would go out on a 101
    // alone. A polling answer carries the policies' Vary whatever the verdict, as on HTTP routes.
    if (!upgrade) {
      const vary = verdict.vary ?? (await this.judge.varyWithoutOrigin(gateways, request));
      const approving = verdict.allowed ? (verdict.decision?.headers ?? []) : [];
      writeCorsHeaders(NODE_RESPONSE_HEADERS, response, approving, vary);
    }
    if (!verdict.allowed && !ofOpenSession(engine, request)) {
      // Not handed on: engine.io would answer an upgrade it refuses with 400, not 403.
      refuse(request, upgrade, response);
      return;
    }
    next();
  }

  /**
   * Refuses, in the namespace, a connection that a policy of its gateways does not allow: Nest's
   * `handleConnection()` and message handlers run only for connections the namespace accepted.
   *
   * @param orDefault judge by the module default when no gateway is known for the namespace.
   */
  private guardNamespace(
    namespace: IoNamespace,
    gateways: readonly Gateway[],
    orDefault: boolean,
  ): void {
    if (this.guarded.has(namespace)) return;
    if (gateways.length === 0 ? !orDefault : gateways.every((gateway) => gateway.corsOff)) return;
    this.guarded.add(namespace);
    namespace.use((socket, next) => {
      this.judge.judge(gateways, socket.request, 'all').then(
        // The reason stays in the server's log (with `debug: true`), as for HTTP requests.
        (verdict) => (verdict.allowed ? next() : next(new Error('Forbidden'))),
        () => next(new Error('Forbidden')),
      );
    });
  }
}

/** 403, on the upgrade's socket or as engine.io words its own refusal of a polling request. */
function refuse(request: IncomingMessage, upgrade: boolean, response: EngineResponse): void {
  if (upgrade) refuseUpgrade(request.socket);
  else if (response.headersSent !== true) {
    response.writeHead(403, { 'Content-Type': 'application/json' });
    response.end(FORBIDDEN_BODY);
  }
}

function isServer(created: IoServer | IoNamespace): created is IoServer {
  return typeof (created as Partial<IoServer>).of === 'function';
}
