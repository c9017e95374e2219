import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerReportQuestion } from '../../lib/report/report-question';
import { APP, EVIL, HOSTED, PARTNER } from '../e2e/fixtures/origins';
import { PLATFORMS, startApp, trustLoopback, type TestApp } from '../e2e/platforms';
import { API_HOST, HostReportAppModule } from './fixtures/host-report-app';

/*
 * The report's question asks for the host the page was requested with: a host-bound controller
 * and a per-tenant policy answer as they would for the browser, not for the socket's own address.
 */

interface Answer {
  readonly allowed: boolean;
  readonly reasons: readonly string[];
  readonly host: string;
}

function question(origin: string, path: string): string {
  return `/_cors?origin=${encodeURIComponent(origin)}&method=PUT&path=${encodeURIComponent(path)}`;
}

async function ask(
  app: TestApp,
  origin: string,
  path: string,
  headers: Record<string, string>,
): Promise<Answer> {
  const received = await app.send({ method: 'GET', path: question(origin, path), headers });
  expect(received.status).toBe(200);
  return JSON.parse(received.body) as Answer;
}

describe.each(PLATFORMS)('the report question asks for the page host on %s', (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(platform, HostReportAppModule);
  });
  afterAll(() => app.close());

  it('answers for the host-bound controller when the page is on that host, with or without a port', async () => {
    expect(await ask(app, HOSTED, '/where', { host: API_HOST })).toEqual({
      allowed: true,
      reasons: [],
      host: API_HOST,
    });
    expect(await ask(app, HOSTED, '/where', { host: `${API_HOST}:8443` })).toMatchObject({
      allowed: true,
      host: `${API_HOST}:8443`,
    });
  });

  it('answers with the default policy on another host, where that controller does not serve', async () => {
    const elsewhere = await ask(app, HOSTED, '/where', { host: 'www.example.com' });
    expect(elsewhere).toMatchObject({ allowed: false, host: 'www.example.com' });
    expect(await ask(app, APP, '/where', { host: 'www.example.com' })).toMatchObject({
      allowed: true,
    });
  });

  it('answers a per-tenant policy for the tenant whose host the page is on', async () => {
    const a = { host: 'a.tenants.test' };
    const b = { host: 'b.tenants.test' };
    expect(await ask(app, APP, '/tenant', a)).toMatchObject({ allowed: true });
    expect(await ask(app, PARTNER, '/tenant', a)).toMatchObject({ allowed: false });
    expect(await ask(app, PARTNER, '/tenant', b)).toMatchObject({ allowed: true });
    expect(await ask(app, APP, '/tenant', b)).toMatchObject({ allowed: false });
    expect(await ask(app, EVIL, '/tenant', b)).toMatchObject({ allowed: false });
  });

  it("counts a client's X-Forwarded-Host for nothing without trust proxy, as the app does", async () => {
    const forwarded = { host: 'www.example.com', 'x-forwarded-host': API_HOST };
    expect(await ask(app, HOSTED, '/where', forwarded)).toMatchObject({
      allowed: false,
      host: 'www.example.com',
    });
  });
});

describe.each(PLATFORMS)('the report question behind a trusted proxy on %s', (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    const trust = trustLoopback(platform);
    app = await startApp(platform, HostReportAppModule, trust.setUp, {}, trust.fastifyOptions);
  });
  afterAll(() => app.close());

  it('carries the X-Forwarded-Host the proxy added, which the app trusts', async () => {
    const proxied = { host: 'upstream.internal', 'x-forwarded-host': API_HOST };
    expect(await ask(app, HOSTED, '/where', proxied)).toMatchObject({ allowed: true });
    const tenant = { host: 'upstream.internal', 'x-forwarded-host': 'b.tenants.test' };
    expect(await ask(app, PARTNER, '/tenant', tenant)).toMatchObject({ allowed: true });
  });
});

/**
 * A page request as the report's handler receives it over HTTP/2 (the authority and no Host) or
 * with a Host its client cannot send, aimed at a running application's own address.
 */
describe.each(PLATFORMS)('the report question of a request without Host on %s', (platform) => {
  let app: TestApp;
  let server: Server;
  beforeAll(async () => {
    app = await startApp(platform, HostReportAppModule);
    server = app.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => app.close());

  function pageRequest(path: string, headers: Record<string, string>): IncomingMessage {
    const { port } = server.address() as AddressInfo;
    return {
      url: path,
      headers,
      socket: { localAddress: '127.0.0.1', localPort: port, localFamily: 'IPv4' },
    } as unknown as IncomingMessage;
  }

  it('takes the :authority of HTTP/2 for the Host', async () => {
    const served = await answerReportQuestion(
      pageRequest(question(HOSTED, '/where'), { ':authority': API_HOST }),
    );
    expect(served.status).toBe(200);
    expect(JSON.parse(served.body)).toEqual({ allowed: true, reasons: [], host: API_HOST });
  });

  it.each([
    ['host', 'caf\u00e9.example'],
    ['host', `${'a'.repeat(1025)}.example`],
    ['x-forwarded-host', 'a\u0001b'],
  ])('refuses a %s it cannot carry (%#) with a 400 naming it', async (name, value) => {
    const served = await answerReportQuestion(
      pageRequest(question(HOSTED, '/where'), { host: 'x.example', [name]: value }),
    );
    expect(served.status).toBe(400);
    expect((JSON.parse(served.body) as { error: string }).error).toContain(
      `the page was requested with a ${name} header the preflight cannot carry`,
    );
  });
});
