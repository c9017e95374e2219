import { createServer, type Server } from 'node:net';
import { Module, type INestApplication } from '@nestjs/common';
import { CorsConfigurationError, CorsEvents, CorsPolicies, type CorsEvent } from '../../lib';
import { CorsIoAdapter } from '../../lib/websockets/socket.io';
import { CorsWsAdapter } from '../../lib/websockets/ws';
import { LogRecorder } from './fixtures/debug-app';
import { ADMIN, APP, EVIL, NEUTRAL, PARTNER, V1 } from './fixtures/origins';
import {
  POLLING_HANDSHAKE,
  WEBSOCKET_HANDSHAKE,
  ioAttempt,
  rawGet,
  pollingSession,
  rawUpgrade,
  sessionIdOf,
  wsAttempt,
  type Attempt,
  type ClientHeaders,
  type Listening,
  type RawAnswer,
} from './fixtures/websocket-clients';
import {
  BrokenIoGateway,
  BrokenWsGateway,
  brokenGatewaysAppModule,
  GATEWAY_POLICIES,
  BLOCK_HEADER,
  FAILING_TENANT,
  GatewayHits,
  HOST_POLICY_CALLS,
  IoGatewaysAppModule,
  LEGACY_IO_PATH,
  LIVE_NAMESPACE,
  MIXED_IO_PATH,
  OPEN_IO_PATH,
  ownPortIoAppModule,
  ServerHits,
  TENANT,
  TENANTS,
  WsGatewaysAppModule,
} from './fixtures/websocket-gateways-app';
import { PLATFORMS, startApp, type Platform, type TestApp } from './platforms';
import { portOf } from './support/raw-http';

/*
 * CorsIoAdapter and CorsWsAdapter: each gateway's handshakes are judged by its CORS policy
 * (@Cors() on the gateway class, else the module default) before any gateway code runs. Every
 * case checks what the client got and what the gateway's own code saw (handleConnection and the
 * `ping` handler), on Express and on Fastify.
 */

/** Stands for the server's own origin (`http://127.0.0.1:<port>`), known once it listens. */
const SAME_ORIGIN = 'same-origin';

const ACAO = 'access-control-allow-origin';
const ACAC = 'access-control-allow-credentials';

/** A client as a case writes it: its `Origin` (or none), and other headers. */
interface Client {
  readonly origin?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One connection attempt: who connects where, whether it gets in, and which gateway answers. */
interface ConnectCase {
  readonly name: string;
  /** A socket.io namespace, or a ws path. */
  readonly to: string;
  readonly client: Client;
  /** The gateway that answers `ping`, or `null` for a refused handshake. */
  readonly answeredBy: string | null;
  /**
   * socket.io only, for a refusal: by the engine (a 403 on the handshake, the default), or by the
   * namespace once the engine let a handshake in that another gateway of the server allows.
   */
  readonly refusedBy?: 'handshake' | 'namespace';
  /** socket.io only: the server's path, when not the default. */
  readonly path?: string;
}

/** One raw HTTP request to a handshake URL, and the status and headers it must get. */
interface RawCase {
  readonly name: string;
  readonly kind: 'polling' | 'upgrade' | 'preflight';
  readonly target: string;
  readonly client: Client;
  readonly status: number;
  /** Headers that must be exactly these (`null`: absent). */
  readonly headers?: Readonly<Record<string, string | null>>;
  readonly varyIncludes?: readonly string[];
}

const IO_CONNECT_CASES: readonly ConnectCase[] = [
  {
    name: "the default policy's origin, on a gateway without @Cors()",
    to: '/default',
    client: { origin: APP },
    answeredBy: 'default',
  },
  {
    name: '@Cors({ origin, credentials }): its origin',
    to: '/admin',
    client: { origin: ADMIN },
    answeredBy: 'admin',
  },
  {
    name: "@Cors('partner'): the named policy's origin",
    to: '/partner',
    client: { origin: PARTNER },
    answeredBy: 'partner',
  },
  {
    name: 'an origin no policy allows is refused',
    to: '/default',
    client: { origin: EVIL },
    answeredBy: null,
  },
  {
    name: "another gateway's origin is refused by this namespace's policy (same server)",
    to: '/default',
    client: { origin: ADMIN },
    answeredBy: null,
    refusedBy: 'namespace',
  },
  {
    name: "the default policy's origin is refused by @Cors({ origin: ADMIN })",
    to: '/admin',
    client: { origin: APP },
    answeredBy: null,
    refusedBy: 'namespace',
  },
  {
    name: 'a gateway whose own cors option says "*" is judged by the default policy all the same',
    to: '/',
    path: LEGACY_IO_PATH,
    client: { origin: EVIL },
    answeredBy: null,
  },
  {
    name: 'a gateway whose own cors option says "*": the default policy\'s origin connects',
    to: '/',
    path: LEGACY_IO_PATH,
    client: { origin: APP },
    answeredBy: 'legacy',
  },
  {
    name: 'no Origin (not a browser) connects',
    to: '/admin',
    client: {},
    answeredBy: 'admin',
  },
  {
    name: "the server's own origin connects",
    to: '/admin',
    client: { origin: SAME_ORIGIN },
    answeredBy: 'admin',
  },
  {
    name: '@Cors(false): any origin connects, unchecked',
    to: '/',
    path: OPEN_IO_PATH,
    client: { origin: EVIL },
    answeredBy: 'open',
  },
  {
    name: 'a server shared with a @Cors(false) namespace: any origin connects to that namespace',
    to: '/open',
    path: MIXED_IO_PATH,
    client: { origin: EVIL },
    answeredBy: 'mixed-open',
  },
  {
    name: 'a server shared with a @Cors(false) namespace: the other namespace still refuses',
    to: '/closed',
    path: MIXED_IO_PATH,
    client: { origin: EVIL },
    answeredBy: null,
    refusedBy: 'namespace',
  },
  {
    name: 'a server shared with a @Cors(false) namespace: the other namespace takes its origin',
    to: '/closed',
    path: MIXED_IO_PATH,
    client: { origin: APP },
    answeredBy: 'mixed-closed',
  },
  {
    name: "a per-request policy: its answer for this handshake's X-Tenant allows the origin",
    to: '/tenant',
    client: { origin: NEUTRAL, headers: { 'x-tenant': TENANT } },
    answeredBy: 'tenant',
  },
  {
    name: 'a per-request policy: without X-Tenant the same origin is refused',
    to: '/tenant',
    client: { origin: NEUTRAL },
    answeredBy: null,
  },
  {
    name: 'a per-request policy that throws: refused, and the server goes on',
    to: '/tenant',
    client: { origin: NEUTRAL, headers: { 'x-tenant': FAILING_TENANT } },
    answeredBy: null,
  },
];

const IO_RAW_CASES: readonly RawCase[] = [
  {
    name: 'polling handshake from an origin no gateway allows: 403, nothing approving',
    kind: 'polling',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: { origin: EVIL },
    status: 403,
    headers: { [ACAO]: null, [ACAC]: null },
  },
  {
    name: 'WebSocket upgrade from an origin no gateway allows: 403',
    kind: 'upgrade',
    target: `/socket.io${WEBSOCKET_HANDSHAKE}`,
    client: { origin: EVIL },
    status: 403,
    headers: { [ACAO]: null },
  },
  {
    name: "polling handshake from the credentialed policy's origin: its ACAO and ACAC",
    kind: 'polling',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: { origin: ADMIN },
    status: 200,
    headers: { [ACAO]: ADMIN, [ACAC]: 'true' },
    varyIncludes: ['Origin'],
  },
  {
    name: "polling handshake from the named policy's origin: ACAO, no credentials",
    kind: 'polling',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: { origin: PARTNER },
    status: 200,
    headers: { [ACAO]: PARTNER, [ACAC]: null },
    varyIncludes: ['Origin'],
  },
  {
    name: 'polling handshake from an origin two policies allow, one with credentials: ACAC (for /vip)',
    kind: 'polling',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: { origin: APP },
    status: 200,
    headers: { [ACAO]: APP, [ACAC]: 'true' },
  },
  {
    name: 'preflight from an origin two policies allow, one with credentials: ACAC',
    kind: 'preflight',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: { origin: APP, headers: { 'access-control-request-method': 'GET' } },
    status: 204,
    headers: { [ACAO]: APP, [ACAC]: 'true' },
  },
  {
    name: 'WebSocket upgrade from an allowed origin: 101',
    kind: 'upgrade',
    target: `/socket.io${WEBSOCKET_HANDSHAKE}`,
    client: { origin: PARTNER },
    status: 101,
  },
  {
    name: 'polling handshake without Origin: 200, no CORS headers',
    kind: 'polling',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: {},
    status: 200,
    headers: { [ACAO]: null, [ACAC]: null },
  },
  {
    name: 'per-request policy, polling: allowed for the tenant, with its Vary',
    kind: 'polling',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: { origin: NEUTRAL, headers: { 'x-tenant': TENANT } },
    status: 200,
    headers: { [ACAO]: NEUTRAL },
    varyIncludes: ['Origin', 'X-Tenant'],
  },
  {
    name: 'per-request policy, polling: 403 without the tenant, with its Vary',
    kind: 'polling',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: { origin: NEUTRAL },
    status: 403,
    headers: { [ACAO]: null },
    varyIncludes: ['Origin', 'X-Tenant'],
  },
  {
    name: 'per-request policy that fails, polling: 403, with its Vary',
    kind: 'polling',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: { origin: EVIL, headers: { 'x-tenant': FAILING_TENANT } },
    status: 403,
    headers: { [ACAO]: null },
    varyIncludes: ['Origin'],
  },
  {
    name: 'per-request policy, upgrade: 403 without the tenant',
    kind: 'upgrade',
    target: `/socket.io${WEBSOCKET_HANDSHAKE}`,
    client: { origin: NEUTRAL },
    status: 403,
  },
  {
    name: 'preflight of a polling request from an allowed origin: approved',
    kind: 'preflight',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: {
      origin: ADMIN,
      headers: {
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-token',
      },
    },
    status: 204,
    headers: { [ACAO]: ADMIN, [ACAC]: 'true', 'access-control-allow-headers': 'x-token' },
  },
  {
    name: 'preflight from an origin no gateway allows: nothing approving',
    kind: 'preflight',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: { origin: EVIL, headers: { 'access-control-request-method': 'GET' } },
    status: 204,
    headers: { [ACAO]: null, 'access-control-allow-methods': null },
  },
  {
    name: "@Cors(false) server: any origin's polling handshake passes; its cors option is socket.io's",
    kind: 'polling',
    target: `${OPEN_IO_PATH}${POLLING_HANDSHAKE}`,
    client: { origin: EVIL },
    status: 200,
    headers: { [ACAO]: PARTNER },
  },
  {
    name: 'a gateway whose own cors option says "*": a disallowed origin gets 403, no "*"',
    kind: 'polling',
    target: `${LEGACY_IO_PATH}${POLLING_HANDSHAKE}`,
    client: { origin: EVIL },
    status: 403,
    headers: { [ACAO]: null },
  },
  {
    name: 'a gateway whose own cors option says "*": its policy\'s origin gets its own ACAO, not "*"',
    kind: 'polling',
    target: `${LEGACY_IO_PATH}${POLLING_HANDSHAKE}`,
    client: { origin: APP },
    status: 200,
    headers: { [ACAO]: APP },
  },
  {
    name: 'a server shared with a @Cors(false) namespace lets any handshake in (its namespaces judge)',
    kind: 'polling',
    target: `${MIXED_IO_PATH}${POLLING_HANDSHAKE}`,
    client: { origin: EVIL },
    status: 200,
    headers: { [ACAO]: null },
  },
  {
    name: '@Cors(false) server: WebSocket upgrade from any origin: 101',
    kind: 'upgrade',
    target: `${OPEN_IO_PATH}${WEBSOCKET_HANDSHAKE}`,
    client: { origin: EVIL },
    status: 101,
  },
  // engine.io opens a session for any request without a truthy `sid` in its own parse of the
  // query: a request that only looks like one of a session is still a handshake.
  ...(
    [
      ['an empty sid', '&sid='],
      ['a sid without "="', '&sid'],
      ['a repeated sid whose last value is empty', '&sid=x&sid='],
      ['a percent-encoded parameter name', '&%73id='],
      ['a sid that names no session', '&sid=AAAAAAAAAAAAAAAAAAAA'],
    ] as const
  ).flatMap(([what, sid]): RawCase[] => [
    {
      name: `polling handshake with ${what}, from an origin no gateway allows: 403`,
      kind: 'polling',
      target: `/socket.io${POLLING_HANDSHAKE}${sid}`,
      client: { origin: EVIL },
      status: 403,
      headers: { [ACAO]: null, [ACAC]: null },
    },
    {
      name: `WebSocket upgrade with ${what}, from an origin no gateway allows: 403`,
      kind: 'upgrade',
      target: `/socket.io${WEBSOCKET_HANDSHAKE}${sid}`,
      client: { origin: EVIL },
      status: 403,
    },
  ]),
  {
    name: 'polling handshake with an empty sid from an allowed origin: a session, as without it',
    kind: 'polling',
    target: `/socket.io${POLLING_HANDSHAKE}&sid=`,
    client: { origin: PARTNER },
    status: 200,
    headers: { [ACAO]: PARTNER },
  },
  // Sec-WebSocket-Origin (the WebSocket protocol's version 8) is the origin when Origin is absent.
  {
    name: 'WebSocket upgrade, version 8, with Sec-WebSocket-Origin of a refused origin: 403',
    kind: 'upgrade',
    target: `/socket.io${WEBSOCKET_HANDSHAKE}`,
    client: { headers: { 'sec-websocket-version': '8', 'sec-websocket-origin': EVIL } },
    status: 403,
  },
  {
    name: 'polling handshake with Sec-WebSocket-Origin of a refused origin: 403',
    kind: 'polling',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: { headers: { 'sec-websocket-origin': EVIL } },
    status: 403,
  },
  {
    name: 'WebSocket upgrade, version 8, with Sec-WebSocket-Origin of an allowed origin: 101',
    kind: 'upgrade',
    target: `/socket.io${WEBSOCKET_HANDSHAKE}`,
    client: { headers: { 'sec-websocket-version': '8', 'sec-websocket-origin': PARTNER } },
    status: 101,
  },
  {
    name: 'WebSocket upgrade whose Origin (allowed) and Sec-WebSocket-Origin differ: 403',
    kind: 'upgrade',
    target: `/socket.io${WEBSOCKET_HANDSHAKE}`,
    client: { origin: PARTNER, headers: { 'sec-websocket-origin': EVIL } },
    status: 403,
  },
  {
    name: 'preflight whose Origin (allowed) and Sec-WebSocket-Origin differ: nothing approving',
    kind: 'preflight',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: {
      origin: PARTNER,
      headers: { 'sec-websocket-origin': EVIL, 'access-control-request-method': 'GET' },
    },
    status: 204,
    headers: { [ACAO]: null, 'access-control-allow-methods': null },
  },
  // Every polling answer carries the Vary of the policies, as the HTTP hook writes it.
  {
    name: 'per-request policy, polling without Origin: 200, with its Vary',
    kind: 'polling',
    target: `/socket.io${POLLING_HANDSHAKE}`,
    client: {},
    status: 200,
    headers: { [ACAO]: null },
    varyIncludes: ['Origin', 'X-Tenant'],
  },
];

const WS_CONNECT_CASES: readonly ConnectCase[] = [
  {
    name: "the default policy's origin, on a gateway without @Cors()",
    to: '/ws/default',
    client: { origin: APP },
    answeredBy: 'default',
  },
  {
    name: '@Cors({ origin, credentials }): its origin',
    to: '/ws/admin',
    client: { origin: ADMIN },
    answeredBy: 'admin',
  },
  {
    name: "@Cors('partner'): the named policy's origin",
    to: '/ws/partner',
    client: { origin: PARTNER },
    answeredBy: 'partner',
  },
  {
    name: 'an origin no policy allows is refused',
    to: '/ws/default',
    client: { origin: EVIL },
    answeredBy: null,
  },
  {
    name: "another gateway's origin is refused",
    to: '/ws/default',
    client: { origin: ADMIN },
    answeredBy: null,
  },
  {
    name: 'a gateway whose own cors option says "*" is judged by the default policy all the same',
    to: '/ws/legacy',
    client: { origin: EVIL },
    answeredBy: null,
  },
  {
    name: 'no Origin (not a browser) connects',
    to: '/ws/admin',
    client: {},
    answeredBy: 'admin',
  },
  {
    name: "the server's own origin connects",
    to: '/ws/admin',
    client: { origin: SAME_ORIGIN },
    answeredBy: 'admin',
  },
  {
    name: '@Cors(false): any origin connects, unchecked',
    to: '/ws/open',
    client: { origin: EVIL },
    answeredBy: 'open',
  },
  {
    name: "a per-request policy: its answer for this handshake's X-Tenant allows the origin",
    to: '/ws/tenant',
    client: { origin: NEUTRAL, headers: { 'x-tenant': TENANT } },
    answeredBy: 'tenant',
  },
  {
    name: 'a per-request policy: without X-Tenant the same origin is refused',
    to: '/ws/tenant',
    client: { origin: NEUTRAL },
    answeredBy: null,
  },
  {
    name: 'a per-request policy that throws: refused, and the server goes on',
    to: '/ws/tenant',
    client: { origin: NEUTRAL, headers: { 'x-tenant': FAILING_TENANT } },
    answeredBy: null,
  },
];

const WS_RAW_CASES: readonly RawCase[] = [
  {
    name: "the gateway's own verifyClient runs after the CORS check: it refuses (418)",
    kind: 'upgrade',
    target: '/ws/guarded',
    client: { origin: APP, headers: { [BLOCK_HEADER]: '1' } },
    status: 418,
  },
  {
    name: "the gateway's own verifyClient runs after the CORS check: it accepts (101)",
    kind: 'upgrade',
    target: '/ws/guarded',
    client: { origin: APP },
    status: 101,
  },
  {
    name: "the gateway's own verifyClient is not asked for an origin the policy refuses (403)",
    kind: 'upgrade',
    target: '/ws/guarded',
    client: { origin: EVIL },
    status: 403,
  },
  {
    name: 'upgrade from an origin the policy does not allow: 403',
    kind: 'upgrade',
    target: '/ws/default',
    client: { origin: EVIL },
    status: 403,
  },
  {
    name: "upgrade from the policy's origin: 101",
    kind: 'upgrade',
    target: '/ws/default',
    client: { origin: APP },
    status: 101,
  },
  {
    name: 'per-request policy: 403 without the tenant',
    kind: 'upgrade',
    target: '/ws/tenant',
    client: { origin: NEUTRAL },
    status: 403,
  },
  {
    name: '@Cors(false): 101 from any origin',
    kind: 'upgrade',
    target: '/ws/open',
    client: { origin: EVIL },
    status: 101,
  },
  {
    name: 'version 8, Sec-WebSocket-Origin of a refused origin and no Origin: 403',
    kind: 'upgrade',
    target: '/ws/default',
    client: { headers: { 'sec-websocket-version': '8', 'sec-websocket-origin': EVIL } },
    status: 403,
  },
  {
    name: "version 8, Sec-WebSocket-Origin of the policy's origin: 101",
    kind: 'upgrade',
    target: '/ws/default',
    client: { headers: { 'sec-websocket-version': '8', 'sec-websocket-origin': APP } },
    status: 101,
  },
  {
    name: "Origin of the policy's origin, and a Sec-WebSocket-Origin that differs: 403",
    kind: 'upgrade',
    target: '/ws/default',
    client: { origin: APP, headers: { 'sec-websocket-origin': EVIL } },
    status: 403,
  },
];

const ACME = TENANTS.get('acme.localhost')!;
const GLOBEX = TENANTS.get('globex.localhost')!;

/**
 * A handshake to a gateway whose per-request policy reads `req.hostname` (`vary: ['Host']`): the
 * host it names (sent as `Host`, with the server's port), the page's origin, and whether it gets in.
 */
interface HostCase {
  readonly name: string;
  readonly host: string;
  readonly origin: string;
  readonly allowed: boolean;
}

const HOST_CASES: readonly HostCase[] = [
  { name: "a tenant's pages, on its host", host: 'acme.localhost', origin: ACME, allowed: true },
  {
    name: "another tenant's pages, on this tenant's host",
    host: 'acme.localhost',
    origin: GLOBEX,
    allowed: false,
  },
  {
    name: 'the other tenant, on its own host',
    host: 'globex.localhost',
    origin: GLOBEX,
    allowed: true,
  },
  { name: 'a host that is no tenant', host: 'other.localhost', origin: ACME, allowed: false },
];

/** A client of a {@link HostCase}: its origin, and its host with the server's port. */
function hostClient({ host, origin }: HostCase, { port }: Listening): ClientHeaders {
  return { origin, headers: { host: `${host}:${port}` } };
}

/** A started application with its WebSocket adapter, listening on 127.0.0.1. */
interface GatewaysApp {
  readonly test: TestApp;
  readonly app: INestApplication;
  readonly listening: Listening;
  readonly hits: GatewayHits;
  /** What the application's own socket.io code saw (socket.io applications only, else empty). */
  readonly serverHits: GatewayHits;
  readonly log: LogRecorder;
}

async function startGatewaysApp(
  platform: Platform,
  module: typeof IoGatewaysAppModule | typeof WsGatewaysAppModule,
  adapter: (app: INestApplication) => CorsIoAdapter | CorsWsAdapter,
): Promise<GatewaysApp> {
  const log = new LogRecorder();
  const test = await startApp(platform, module, (app) => app.useWebSocketAdapter(adapter(app)), {
    logger: log,
  });
  await test.app.listen(0, '127.0.0.1');
  const listening = { port: portOf(test.app.getHttpServer() as Server) };
  return {
    test,
    app: test.app,
    listening,
    hits: test.app.get(GatewayHits),
    serverHits: module === IoGatewaysAppModule ? test.app.get(ServerHits) : new GatewayHits(),
    log,
  };
}

function clientFor(client: Client, { port }: Listening): ClientHeaders {
  return client.origin === SAME_ORIGIN ? { ...client, origin: `http://127.0.0.1:${port}` } : client;
}

/** The gateway code that ran for one exchange: its connection and its `ping`, or nothing. */
function hitsOf(answeredBy: string | null): Record<string, number> {
  return answeredBy === null ? {} : { [`${answeredBy}:connection`]: 1, [`${answeredBy}:ping`]: 1 };
}

/** A refused socket.io client: a 403 on its handshake, or the namespace's refusal. */
function expectIoRefusal(attempt: Attempt, refusedBy: ConnectCase['refusedBy']): void {
  if (refusedBy === 'namespace')
    expect(attempt).toEqual({ outcome: 'refused', error: 'Forbidden' });
  else
    expect(attempt).toMatchObject({ outcome: 'refused', error: expect.stringMatching(/\b403\b/) });
}

function expectAttempt(
  attempt: Attempt,
  answeredBy: string | null,
  answer: (name: string) => unknown,
) {
  if (answeredBy === null) expect(attempt).toMatchObject({ outcome: 'refused' });
  else expect(attempt).toEqual({ outcome: 'connected', answer: answer(answeredBy) });
}

async function sendRaw(listening: Listening, c: RawCase): Promise<RawAnswer> {
  const client = clientFor(c.client, listening);
  if (c.kind === 'upgrade') return rawUpgrade(listening, c.target, client);
  if (c.kind === 'polling') return rawGet(listening, c.target, client);
  return rawGet(listening, c.target, client, 'OPTIONS');
}

function expectRaw(received: RawAnswer, c: RawCase): void {
  expect(received.status).toBe(c.status);
  for (const [name, value] of Object.entries(c.headers ?? {}))
    expect([name, received.headers[name] ?? null]).toEqual([name, value]);
  const vary = (received.headers.vary ?? '').split(',').map((name) => name.trim().toLowerCase());
  for (const name of c.varyIncludes ?? []) expect(vary).toContain(name.toLowerCase());
}

/** The errors logged under the module's context. */
function loggedErrors(log: LogRecorder): string[] {
  return log.entries
    .filter((entry) => entry.level === 'error' && entry.context === 'Cors')
    .map((entry) => entry.message);
}

/** The startup warnings about gateways' own `cors` options, by the gateway they name. */
function ownCorsWarnings(log: LogRecorder): string[] {
  return log
    .messages('Cors')
    .filter((message) => message.includes('sets its own cors option'))
    .map((message) => message.split(' ')[0]!);
}

/** A port nothing listens on now, for a gateway that takes a port of its own. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const ioAnswer = (name: string) => `pong from ${name}`;
const wsAnswer = (name: string) => ({ event: 'pong', data: `pong from ${name}` });

describe.each(PLATFORMS)('WebSocket gateways judged by their CORS policies on %s', (platform) => {
  it('an adapter in an application without CorsModule says to import it', async () => {
    @Module({})
    class WithoutCorsModule {}
    const test = await startApp(platform, WithoutCorsModule);
    try {
      for (const make of [
        (app: INestApplication) => new CorsIoAdapter(app),
        (app: INestApplication) => new CorsWsAdapter(app),
      ])
        expect(() => make(test.app)).toThrow(
          /CorsModule.forRoot\(\{ \.\.\. \}\) to the root module/,
        );
    } finally {
      await test.close();
    }
  });

  it.each([
    ['BrokenIoGateway', BrokenIoGateway],
    ['BrokenWsGateway', BrokenWsGateway],
  ] as const)(
    'a gateway whose @Cors() names a policy the module does not have stops the start (%s)',
    async (name, gateway) => {
      const started = startApp(platform, brokenGatewaysAppModule(gateway));
      await expect(started).rejects.toThrow(CorsConfigurationError);
      await expect(started).rejects.toThrow(new RegExp(`${name}[\\s\\S]*"missing"`));
    },
  );

  describe('socket.io: CorsIoAdapter', () => {
    let started: GatewaysApp;
    beforeAll(async () => {
      started = await startGatewaysApp(
        platform,
        IoGatewaysAppModule,
        (app) => new CorsIoAdapter(app),
      );
    });
    afterAll(() => started?.test.close());
    beforeEach(() => {
      started.hits.clear();
      started.serverHits.clear();
    });

    describe.each(['polling', 'websocket'] as const)('over %s', (transport) => {
      it.each(IO_CONNECT_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        const attempt = await ioAttempt(started.listening, c.to, transport, {
          ...clientFor(c.client, started.listening),
          path: c.path,
        });
        expectAttempt(attempt, c.answeredBy, ioAnswer);
        if (c.answeredBy === null) expectIoRefusal(attempt, c.refusedBy);
        expect(started.hits.counts()).toEqual(hitsOf(c.answeredBy));
      });
    });

    it.each(IO_RAW_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      expectRaw(await sendRaw(started.listening, c), c);
      expect(started.hits.counts()).toEqual({});
      // A refusal opens no engine.io session either.
      if (c.status === 403) expect(started.serverHits.counts()).toEqual({});
    });

    describe("what the application adds to the server itself: an engine 'connection' listener, a namespace without a gateway", () => {
      it.each([
        ['no sid', ''],
        ['an empty sid', '&sid='],
        ['a sid without "="', '&sid'],
        ['a repeated sid whose last value is empty', '&sid=x&sid='],
        ['a percent-encoded "sid"', '&%73id='],
      ])(
        'a session opened by hand with %s, from a refused origin, reaches neither',
        async (_what, sid) => {
          const session = await pollingSession(
            started.listening,
            '/socket.io',
            `${POLLING_HANDSHAKE}${sid}`,
            LIVE_NAMESPACE,
            { origin: EVIL },
          );
          expect(session).toEqual({ handshake: 403 });
          expect(started.serverHits.counts()).toEqual({});
        },
      );

      it("an allowed origin's session by hand reaches both (the probe works)", async () => {
        const session = await pollingSession(
          started.listening,
          '/socket.io',
          `${POLLING_HANDSHAKE}&sid=`,
          LIVE_NAMESPACE,
          { origin: APP },
        );
        expect(session).toMatchObject({ handshake: 200, connect: 200, poll: 200 });
        expect(started.serverHits.counts()).toEqual({
          'engine:connection': 1,
          'live:connection': 1,
        });
      });

      it('socket.io-client from a refused origin reaches neither, over either transport', async () => {
        for (const transport of ['polling', 'websocket'] as const)
          expectIoRefusal(
            await ioAttempt(started.listening, LIVE_NAMESPACE, transport, { origin: EVIL }),
            'handshake',
          );
        expect(started.serverHits.counts()).toEqual({});
      });
    });

    describe('requests of a session engine.io already has', () => {
      /** Opens a polling session from `origin` (or without Origin) and returns its id. */
      async function openSession(origin: string | undefined): Promise<string> {
        const answer = await rawGet(started.listening, `/socket.io${POLLING_HANDSHAKE}`, {
          origin,
        });
        const sid = sessionIdOf(answer);
        expect(sid).toBeDefined();
        return sid!;
      }
      /** Sends a noop packet to the session: engine.io answers `ok` at once (a GET would wait). */
      const noop = (sid: string, client: ClientHeaders) =>
        rawGet(started.listening, `/socket.io${POLLING_HANDSHAKE}&sid=${sid}`, client, 'POST', '6');

      it('go on from the origin that opened it, after CorsPolicies.replace() refuses it', async () => {
        const sid = await openSession(PARTNER);
        const policies = started.app.get(CorsPolicies);
        try {
          policies.replace({ ...GATEWAY_POLICIES, policies: { partner: { origin: V1 } } });
          expect((await noop(sid, { origin: PARTNER })).status).toBe(200);
          // A new handshake from it is refused.
          const again = await rawGet(started.listening, `/socket.io${POLLING_HANDSHAKE}`, {
            origin: PARTNER,
          });
          expect(again.status).toBe(403);
        } finally {
          policies.replace(GATEWAY_POLICIES);
        }
      });

      it.each([
        ['an allowed origin', APP],
        ['no Origin (not a browser)', undefined],
      ])(
        'are refused from a refused origin, for a session opened from %s',
        async (_what, opener) => {
          const sid = await openSession(opener);
          const fromEvil = { origin: EVIL };
          expect((await noop(sid, fromEvil)).status).toBe(403);
          const upgrade = await rawUpgrade(
            started.listening,
            `/socket.io${WEBSOCKET_HANDSHAKE}&sid=${sid}`,
            fromEvil,
          );
          expect(upgrade.status).toBe(403);
        },
      );
    });

    it('a refused handshake is one handshake-refused event, by gateway and reason', async () => {
      const heard: CorsEvent[] = [];
      const stop = started.app.get(CorsEvents).on((event) => heard.push(event));
      try {
        const refused = await ioAttempt(started.listening, '/default', 'websocket', {
          origin: EVIL,
        });
        expectAttempt(refused, null, ioAnswer);
      } finally {
        stop();
      }
      expect(heard).toEqual([
        {
          kind: 'handshake-refused',
          reason: 'origin-not-allowed',
          gateway: 'DefaultIoGateway',
          origin: EVIL,
        },
      ]);
    });

    it('a trial on the default policy: the handshake as before, one trial-difference event', async () => {
      const policies = started.app.get(CorsPolicies);
      const heard: CorsEvent[] = [];
      const stop = started.app.get(CorsEvents).on((event) => heard.push(event));
      try {
        policies.replace({ ...GATEWAY_POLICIES, trial: { origin: [PARTNER] } });
        expectAttempt(
          await ioAttempt(started.listening, '/default', 'websocket', { origin: APP }),
          'default',
          ioAnswer,
        );
      } finally {
        stop();
        policies.replace(GATEWAY_POLICIES);
      }
      expect(heard.filter((event) => event.kind === 'trial-difference')).toEqual([
        {
          kind: 'trial-difference',
          difference: 'refuses',
          reason: 'origin-not-allowed',
          header: undefined,
          route: 'gateway DefaultIoGateway',
          method: 'GET',
          preflight: false,
          origin: APP,
        },
      ]);
    });

    it('CorsPolicies.replace(): the next handshake is judged by the new default policy', async () => {
      const policies = started.app.get(CorsPolicies);
      const attempt = () => ioAttempt(started.listening, '/default', 'websocket', { origin: V1 });
      try {
        expectAttempt(await attempt(), null, ioAnswer);
        policies.replace({ ...GATEWAY_POLICIES, origin: V1 });
        expectAttempt(await attempt(), 'default', ioAnswer);
        expectAttempt(
          await ioAttempt(started.listening, '/default', 'polling', { origin: APP }),
          null,
          ioAnswer,
        );
        const polling = await rawGet(started.listening, `/socket.io${POLLING_HANDSHAKE}`, {
          origin: V1,
        });
        expect([polling.status, polling.headers[ACAO]]).toEqual([200, V1]);
        expect(started.hits.counts()).toEqual(hitsOf('default'));
      } finally {
        policies.replace(GATEWAY_POLICIES);
      }
      expectAttempt(await attempt(), null, ioAnswer);
    });

    it('a gateway that sets its own cors option is named in a startup warning, once', () => {
      expect(ownCorsWarnings(started.log)).toEqual(['LegacyIoGateway']);
    });

    it('a per-request policy that fails is logged at each failure', async () => {
      for (let i = 0; i < 2; i++) {
        await ioAttempt(started.listening, '/tenant', 'websocket', {
          origin: NEUTRAL,
          headers: { 'x-tenant': FAILING_TENANT },
        });
      }
      const errors = loggedErrors(started.log);
      // The registry logs each failed answer (the error's stack carries its message).
      expect(
        errors.filter((e) => e.includes('per-request CORS policy of TenantIoGateway failed'))
          .length,
      ).toBeGreaterThanOrEqual(2);
      expect(started.hits.counts()).toEqual({});
    });

    describe("a per-request policy by req.hostname, vary: ['Host']", () => {
      it.each(HOST_CASES.map((c) => [c.name, c] as const))(
        '%s: over websocket, once per handshake',
        async (_name, c) => {
          HOST_POLICY_CALLS.hosts = 0;
          const attempt = await ioAttempt(
            started.listening,
            '/hosts',
            'websocket',
            hostClient(c, started.listening),
          );
          expectAttempt(attempt, c.allowed ? 'hosts' : null, ioAnswer);
          expect(started.hits.counts()).toEqual(hitsOf(c.allowed ? 'hosts' : null));
          // The engine and the namespace judged one handshake: one answer.
          expect(HOST_POLICY_CALLS.hosts).toBe(1);
        },
      );

      it.each(HOST_CASES.map((c) => [c.name, c] as const))(
        '%s: the polling handshake, with its Vary',
        async (_name, c) => {
          const client = hostClient(c, started.listening);
          const answer = await rawGet(started.listening, `/socket.io${POLLING_HANDSHAKE}`, client);
          expectRaw(answer, {
            name: c.name,
            kind: 'polling',
            target: '',
            client,
            status: c.allowed ? 200 : 403,
            headers: { [ACAO]: c.allowed ? c.origin : null, [ACAC]: null },
            varyIncludes: ['Origin', 'Host'],
          });
          // The namespace judges the session's connection by the same host.
          const session = await pollingSession(
            started.listening,
            '/socket.io',
            POLLING_HANDSHAKE,
            '/hosts',
            client,
          );
          expect(session.handshake).toBe(c.allowed ? 200 : 403);
          expect(started.hits.counts()).toEqual(c.allowed ? { 'hosts:connection': 1 } : {});
        },
      );
    });
  });

  it("socket.io: a gateway on a port of its own refuses a handshake with an empty sid, and the engine's session count stays 0", async () => {
    const port = await freePort();
    const test = await startApp(platform, ownPortIoAppModule(port), (app) =>
      app.useWebSocketAdapter(new CorsIoAdapter(app)),
    );
    try {
      await test.app.listen(0, '127.0.0.1');
      const serverHits = test.app.get(ServerHits);
      const own = { port };
      for (const sid of ['&sid=', '&sid', '&sid=x&sid=']) {
        const polling = await rawGet(own, `/socket.io${POLLING_HANDSHAKE}${sid}`, { origin: EVIL });
        expect([sid, polling.status, polling.headers[ACAO] ?? null]).toEqual([sid, 403, null]);
        const upgrade = await rawUpgrade(own, `/socket.io${WEBSOCKET_HANDSHAKE}${sid}`, {
          origin: EVIL,
        });
        expect([sid, upgrade.status]).toEqual([sid, 403]);
      }
      expect(serverHits.counts()).toEqual({});
      // The probe works: the default policy's origin opens a session there.
      const allowed = await rawGet(own, `/socket.io${POLLING_HANDSHAKE}&sid=`, { origin: APP });
      expect([allowed.status, allowed.headers[ACAO]]).toEqual([200, APP]);
      expect(serverHits.counts()).toEqual({ 'engine:connection': 1 });
    } finally {
      await test.close();
    }
  });

  describe('socket.io: a subclass of CorsIoAdapter that overrides createIOServer()', () => {
    /** What users write for a Redis adapter, say: their own server setup, the checks kept. */
    class CustomIoAdapter extends CorsIoAdapter {
      readonly created: number[] = [];
      connections = 0;
      override createIOServer(
        port: number,
        options?: Parameters<CorsIoAdapter['createIOServer']>[1],
      ): ReturnType<CorsIoAdapter['createIOServer']> {
        this.created.push(port);
        const server = super.createIOServer(port, options);
        server.engine.on('connection', () => this.connections++);
        return server;
      }
    }
    let started: GatewaysApp;
    let adapter: CustomIoAdapter;
    beforeAll(async () => {
      started = await startGatewaysApp(platform, IoGatewaysAppModule, (app) => {
        adapter = new CustomIoAdapter(app);
        return adapter;
      });
    });
    afterAll(() => started?.test.close());
    beforeEach(() => started.hits.clear());

    it('its createIOServer() made the servers, and the handshakes are judged all the same', async () => {
      // One server per path: the default one, the legacy gateway's, @Cors(false)'s, the mixed one.
      expect(adapter.created).toEqual([0, 0, 0, 0]);
      expectRaw(await sendRaw(started.listening, IO_RAW_CASES[0]!), IO_RAW_CASES[0]!);
      expectIoRefusal(
        await ioAttempt(started.listening, '/default', 'websocket', { origin: EVIL }),
        'handshake',
      );
      expectAttempt(
        await ioAttempt(started.listening, '/default', 'polling', { origin: APP }),
        'default',
        ioAnswer,
      );
      expect(started.hits.counts()).toEqual(hitsOf('default'));
      // What it added to the server works: it saw the engine connections that were let in.
      expect(adapter.connections).toBe(1);
    });
  });

  describe('ws: CorsWsAdapter', () => {
    let started: GatewaysApp;
    beforeAll(async () => {
      started = await startGatewaysApp(
        platform,
        WsGatewaysAppModule,
        (app) => new CorsWsAdapter(app),
      );
    });
    afterAll(() => started?.test.close());
    beforeEach(() => started.hits.clear());

    it.each(WS_CONNECT_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const attempt = await wsAttempt(
        started.listening,
        c.to,
        clientFor(c.client, started.listening),
      );
      expectAttempt(attempt, c.answeredBy, wsAnswer);
      if (c.answeredBy === null) expect(attempt).toMatchObject({ status: 403 });
      expect(started.hits.counts()).toEqual(hitsOf(c.answeredBy));
    });

    it.each(WS_RAW_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      expectRaw(await sendRaw(started.listening, c), c);
      // An accepted upgrade does reach the gateway; a refused one must not.
      if (c.status !== 101) expect(started.hits.counts()).toEqual({});
    });

    it('a refused handshake is one handshake-refused event, by gateway and reason', async () => {
      const heard: CorsEvent[] = [];
      const stop = started.app.get(CorsEvents).on((event) => heard.push(event));
      try {
        expectAttempt(
          await wsAttempt(started.listening, '/ws/default', { origin: EVIL }),
          null,
          wsAnswer,
        );
        expectAttempt(
          await wsAttempt(started.listening, '/ws/default', { origin: APP }),
          'default',
          wsAnswer,
        );
      } finally {
        stop();
      }
      expect(heard).toEqual([
        {
          kind: 'handshake-refused',
          reason: 'origin-not-allowed',
          gateway: 'DefaultWsGateway',
          origin: EVIL,
        },
      ]);
    });

    it('a trial on the default policy: the handshake as before, one trial-difference event', async () => {
      const policies = started.app.get(CorsPolicies);
      const heard: CorsEvent[] = [];
      const stop = started.app.get(CorsEvents).on((event) => heard.push(event));
      try {
        policies.replace({ ...GATEWAY_POLICIES, trial: { origin: [PARTNER] } });
        expectAttempt(
          await wsAttempt(started.listening, '/ws/default', { origin: APP }),
          'default',
          wsAnswer,
        );
      } finally {
        stop();
        policies.replace(GATEWAY_POLICIES);
      }
      expect(heard.filter((event) => event.kind === 'trial-difference')).toEqual([
        {
          kind: 'trial-difference',
          difference: 'refuses',
          reason: 'origin-not-allowed',
          header: undefined,
          route: 'gateway DefaultWsGateway',
          method: 'GET',
          preflight: false,
          origin: APP,
        },
      ]);
    });

    it('CorsPolicies.replace(): the next handshake is judged by the new default policy', async () => {
      const policies = started.app.get(CorsPolicies);
      const attempt = (origin: string) => wsAttempt(started.listening, '/ws/default', { origin });
      try {
        expectAttempt(await attempt(V1), null, wsAnswer);
        policies.replace({ ...GATEWAY_POLICIES, origin: V1 });
        expectAttempt(await attempt(V1), 'default', wsAnswer);
        expectAttempt(await attempt(APP), null, wsAnswer);
        expect(started.hits.counts()).toEqual(hitsOf('default'));
      } finally {
        policies.replace(GATEWAY_POLICIES);
      }
      expectAttempt(await attempt(V1), null, wsAnswer);
    });

    it('a gateway that sets its own cors option is named in a startup warning, once', () => {
      expect(ownCorsWarnings(started.log)).toEqual(['LegacyWsGateway']);
    });

    it('a per-request policy that fails is logged at each failure', async () => {
      for (let i = 0; i < 2; i++) {
        await wsAttempt(started.listening, '/ws/tenant', {
          origin: NEUTRAL,
          headers: { 'x-tenant': FAILING_TENANT },
        });
      }
      const errors = loggedErrors(started.log);
      // The registry logs each failed answer (the error's stack carries its message).
      expect(
        errors.filter((e) => e.includes('per-request CORS policy of TenantWsGateway failed'))
          .length,
      ).toBeGreaterThanOrEqual(2);
      expect(started.hits.counts()).toEqual({});
    });

    describe("a per-request policy by req.hostname, vary: ['Host']", () => {
      it.each(HOST_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        HOST_POLICY_CALLS.hosts = 0;
        const attempt = await wsAttempt(
          started.listening,
          '/ws/hosts',
          hostClient(c, started.listening),
        );
        expectAttempt(attempt, c.allowed ? 'hosts' : null, wsAnswer);
        if (!c.allowed) expect(attempt).toMatchObject({ status: 403 });
        expect(started.hits.counts()).toEqual(hitsOf(c.allowed ? 'hosts' : null));
        expect(HOST_POLICY_CALLS.hosts).toBe(1);
      });

      it("kept answers (cache) are keyed by the host: one tenant's answer never serves another", async () => {
        HOST_POLICY_CALLS.cached = 0;
        const attempt = (c: HostCase) =>
          wsAttempt(started.listening, '/ws/hosts-cached', hostClient(c, started.listening));
        const acme = { name: '', host: 'acme.localhost', origin: ACME, allowed: true };
        const globex = { name: '', host: 'globex.localhost', origin: GLOBEX, allowed: true };
        expectAttempt(await attempt(acme), 'hosts-cached', wsAnswer);
        // ACME's origin on GLOBEX's host: GLOBEX's answer, asked now, refuses it.
        expectAttempt(await attempt({ ...globex, origin: ACME }), null, wsAnswer);
        expectAttempt(await attempt(globex), 'hosts-cached', wsAnswer);
        expectAttempt(await attempt({ ...acme, origin: GLOBEX }), null, wsAnswer);
        expectAttempt(await attempt(acme), 'hosts-cached', wsAnswer);
        // One call per host; every later handshake got its host's kept answer.
        expect(HOST_POLICY_CALLS.cached).toBe(2);
      });
    });
  });
});
