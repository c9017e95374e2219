import { CorsIoAdapter } from '../../lib/websockets/socket.io';
import { CorsWsAdapter } from '../../lib/websockets/ws';
import { ACAC, ACAO, NOTHING_APPROVED, expectResponse } from './cases';
import { ADMIN, APP, EVIL } from './fixtures/origins';
import {
  ioPollingOverHttp2,
  ioWebSocketAttempt,
  wssAttempt,
} from './fixtures/tls-websocket-clients';
import {
  IoGatewaysAppModule,
  TENANTS,
  WsGatewaysAppModule,
} from './fixtures/websocket-gateways-app';
import { http2Connect, startHttp2App, type Http2TestApp } from './support/http2';

/*
 * Gateways on Fastify with `http2: true` and TLS. socket.io's polling runs over HTTP/2 like any
 * request; a WebSocket is an HTTP/1.1 upgrade (Node's HTTP/2 server does not offer RFC 8441's
 * extended CONNECT unless told, and ws does not speak it), which the same TLS port accepts with
 * `allowHTTP1`, as browsers then use it.
 */

const HANDSHAKE = '/socket.io/?EIO=4&transport=polling';
const FORBIDDEN_BODY = JSON.stringify({ code: 4, message: 'Forbidden' });

describe('CorsIoAdapter on an HTTP/2 server', () => {
  let app: Http2TestApp;
  beforeAll(async () => {
    app = await startHttp2App(IoGatewaysAppModule, (nest) =>
      nest.useWebSocketAdapter(new CorsIoAdapter(nest)),
    );
  });
  afterAll(() => app?.close());

  it("polling handshake over HTTP/2 from the policy's origin: 200 with its CORS headers", async () => {
    const received = await app.send({ method: 'GET', path: HANDSHAKE, headers: { origin: APP } });
    expectResponse(received, { status: 200, headers: { [ACAO]: APP }, varyIncludes: ['Origin'] });
    expect(received.body).toMatch(/^0\{"sid":/);
  });

  it('polling handshake over HTTP/2 from a refused origin: 403, as engine.io words it', async () => {
    const received = await app.send({ method: 'GET', path: HANDSHAKE, headers: { origin: EVIL } });
    expectResponse(received, {
      status: 403,
      body: FORBIDDEN_BODY,
      headers: { ...NOTHING_APPROVED, 'content-type': 'application/json' },
    });
  });

  it('a preflight of the handshake over HTTP/2 is answered by the policy', async () => {
    const preflight = (origin: string) =>
      app.send({
        method: 'OPTIONS',
        path: HANDSHAKE,
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    expectResponse(await preflight(APP), { status: 204, headers: { [ACAO]: APP } });
    expectResponse(await preflight(EVIL), { status: 204, headers: NOTHING_APPROVED });
  });

  it("a gateway's per-request policy reads the tenant from :authority (no Host header over HTTP/2)", async () => {
    const handshake = (host: string, origin: string) =>
      app.send({ method: 'GET', path: HANDSHAKE, headers: { host, origin } });
    const acme = TENANTS.get('acme.localhost')!;
    const globex = TENANTS.get('globex.localhost')!;
    expectResponse(await handshake('acme.localhost', acme), {
      status: 200,
      headers: { [ACAO]: acme },
      varyIncludes: ['Origin', 'Host'],
    });
    // Another tenant's pages, on this tenant's host: no gateway of the server allows them.
    expectResponse(await handshake('acme.localhost', globex), {
      status: 403,
      headers: NOTHING_APPROVED,
      varyIncludes: ['Host'],
    });
    expectResponse(await handshake('globex.localhost', globex), {
      status: 200,
      headers: { [ACAO]: globex },
    });
  });

  it('a whole polling session over HTTP/2 from the allowed origin exchanges a message', async () => {
    expect(await ioPollingOverHttp2(app.send, '/default', { origin: APP })).toEqual({
      outcome: 'connected',
      answer: 'pong from default',
    });
  });

  it('a refused origin cannot open a polling session over HTTP/2', async () => {
    expect(await ioPollingOverHttp2(app.send, '/default', { origin: EVIL })).toEqual({
      outcome: 'refused',
      error: `handshake: 403 ${FORBIDDEN_BODY}`,
      status: 403,
    });
  });

  it("another gateway's origin is refused by this namespace over HTTP/2", async () => {
    // The engine lets the handshake in (the admin namespace allows ADMIN); the namespace refuses.
    expect(await ioPollingOverHttp2(app.send, '/default', { origin: ADMIN })).toMatchObject({
      outcome: 'refused',
      error: expect.stringMatching(/^connected: 200 44\/default,/),
    });
  });

  it('a credentialed namespace: its origin is answered with credentials over HTTP/2', async () => {
    const received = await app.send({ method: 'GET', path: HANDSHAKE, headers: { origin: ADMIN } });
    expectResponse(received, { status: 200, headers: { [ACAO]: ADMIN, [ACAC]: 'true' } });
  });

  it.each([
    ['the policy', APP, { outcome: 'connected', answer: 'pong from default' }],
    ['no policy', EVIL, { outcome: 'refused' }],
  ])(
    'the WebSocket transport (HTTP/1.1 upgrade on the TLS port), origin of %s',
    async (_name, origin, expected) => {
      expect(await ioWebSocketAttempt(app.origin, '/default', { origin })).toMatchObject(expected);
    },
  );
});

describe('CorsWsAdapter on an HTTP/2 server', () => {
  let app: Http2TestApp;
  beforeAll(async () => {
    app = await startHttp2App(WsGatewaysAppModule, (nest) =>
      nest.useWebSocketAdapter(new CorsWsAdapter(nest)),
    );
  });
  afterAll(() => app?.close());

  it('the server offers no WebSocket over HTTP/2 (no extended CONNECT): browsers use HTTP/1.1', async () => {
    const session = await http2Connect(app.origin);
    try {
      await new Promise((resolve) => session.ping(resolve));
      expect(session.remoteSettings.enableConnectProtocol).toBe(false);
    } finally {
      session.close();
    }
  });

  it.each([
    ["the policy's origin connects", '/ws/default', APP, 'pong'],
    ['a refused origin gets 403', '/ws/default', EVIL, null],
    ["another gateway's origin gets 403", '/ws/default', ADMIN, null],
    ["the server's own https origin connects (same-origin)", '/ws/admin', 'self', 'pong'],
    ["the server's host on http is another origin: 403", '/ws/admin', 'self over http', null],
  ])('wss: %s', async (_name, path, origin, answer) => {
    const sent =
      origin === 'self'
        ? app.origin
        : origin === 'self over http'
          ? app.origin.replace(/^https:/, 'http:')
          : origin;
    const attempt = await wssAttempt(app.origin, path, { origin: sent });
    if (answer === null) expect(attempt).toMatchObject({ outcome: 'refused', status: 403 });
    else expect(attempt).toMatchObject({ outcome: 'connected', answer: { event: answer } });
  });
});
