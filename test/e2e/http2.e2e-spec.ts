import { ACAC, ACAO, NOTHING_APPROVED, expectResponse, get, preflight, type Case } from './cases';
import type { Expected } from './cases';
import { API_HOST, EnforcedHostAppModule, HostAppModule, tenantCalls } from './fixtures/host-app';
import { APP, EVIL, HOSTED, PARTNER } from './fixtures/origins';
import type { CasesApp } from './describe-cases';
import type { Received, SentRequest } from './platforms';
import { describeCasesOverHttp2, startHttp2App, type Http2TestApp } from './support/http2';

/*
 * HTTP/2 with TLS on Fastify (`http2: true`). A browser sends the host as `:authority` and no
 * `Host` header; the scheme of every page it sends an Origin from is https. Route resolution,
 * `enforce`'s same-origin judgement and per-request caches must read the host where the platform
 * reads it (`request.hostname`), as Nest does to pick a host-bound controller.
 */

// The policy kinds' own tables, run here over HTTP/2 as their suites write them: while each suite
// module loads, its runner is the HTTP/2 one. Only suites made of tables alone load this way
// (per-request-policy.e2e-spec.ts also holds raw HTTP/1.1 tests; its host kind is covered below).
const SELF_AUTHORITY = '127.0.0.1:8123';
const SELF = `https://${SELF_AUTHORITY}`;
/** What HTTP/2 changes in the enforce table: the page that is the server's own is on https. */
const ENFORCE_OVER_HTTP2: Readonly<Record<string, Partial<Case>>> = {
  'same origin by Origin equal to Host is never refused': {
    request: { method: 'POST', path: '/orders', headers: { origin: SELF, host: SELF_AUTHORITY } },
  },
  'Sec-Fetch-Site: cross-site wins over an Origin equal to Host: 403': {
    request: {
      method: 'POST',
      path: '/orders',
      headers: { origin: SELF, host: SELF_AUTHORITY, 'sec-fetch-site': 'cross-site' },
    },
  },
};
jest.doMock('./describe-cases', () => ({
  describeCasesOnEachPlatform: <C extends Case>(
    title: string,
    casesApp: CasesApp,
    cases: readonly C[],
    check?: (received: Received, c: C) => void,
    beforeEachCase?: () => void,
  ) =>
    describeCasesOverHttp2(
      title,
      casesApp,
      cases,
      check,
      beforeEachCase,
      title === 'enforce: true' ? ENFORCE_OVER_HTTP2 : {},
    ),
}));
jest.requireActual('./shop-app.e2e-spec');
jest.requireActual('./routing.e2e-spec');
jest.requireActual('./enforce.e2e-spec');
jest.requireActual('./vary.e2e-spec');

/** A request to the application's own origin, as `:authority` names it. */
const on = (authority: string, sent: SentRequest): SentRequest => ({
  ...sent,
  headers: { ...sent.headers, host: authority },
});
const post = (path: string, origin: string): SentRequest => ({
  method: 'POST',
  path,
  headers: { origin },
});
const approves = (origin: string, status = 200, body?: string): Expected => ({
  status,
  body,
  headers: { [ACAO]: origin, [ACAC]: 'true' },
});
const refused = (status = 200): Expected => ({ status, headers: NOTHING_APPROVED });
const FORBIDDEN: Expected = { status: 403, headers: NOTHING_APPROVED };

const HOST_BOUND_CASES: readonly Case[] = [
  {
    name: "host-bound: :authority names the controller's host: its policy",
    request: on(API_HOST, get('/where', HOSTED)),
    expected: approves(HOSTED, 200, 'api host'),
  },
  {
    name: 'host-bound: a port in :authority does not change the host',
    request: on(`${API_HOST}:8443`, get('/where', HOSTED)),
    expected: approves(HOSTED, 200, 'api host'),
  },
  {
    name: "host-bound: the module default's origin is refused there",
    request: on(API_HOST, get('/where', APP)),
    expected: refused(),
  },
  {
    name: 'host-bound: a preflight follows the controller of :authority',
    request: on(API_HOST, preflight('/where', HOSTED, 'POST')),
    expected: approves(HOSTED, 204),
  },
  {
    name: "host-bound: a preflight from the module default's origin is refused",
    request: on(API_HOST, preflight('/where', APP, 'POST')),
    expected: refused(204),
  },
  // Nest runs no handler for another host: 404 (500 on Nest 11.0's Fastify), the module default.
  {
    name: 'another :authority: no handler, the module default',
    request: on('other.example.com', get('/where', APP)),
    expected: { headers: { [ACAO]: APP, [ACAC]: 'true' } },
  },
  {
    name: "another :authority: the host-bound controller's origin gets nothing",
    request: on('other.example.com', get('/where', HOSTED)),
    expected: { headers: NOTHING_APPROVED },
  },
];

describe('a host-bound controller over HTTP/2', () => {
  let app: Http2TestApp;
  beforeAll(async () => {
    app = await startHttp2App(HostAppModule);
  });
  afterAll(() => app?.close());

  it.each(HOST_BOUND_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expectResponse(await app.send(c.request), c.expected);
  });
});

describe.each([
  ['cached', '/tenant/cached'],
  ['uncached', '/tenant/uncached'],
])("a per-request policy by host, vary: ['Host'], %s, over HTTP/2", (kind, path) => {
  let app: Http2TestApp;
  beforeAll(async () => {
    for (const key of Object.keys(tenantCalls)) delete tenantCalls[key];
    app = await startHttp2App(HostAppModule);
  });
  afterAll(() => app?.close());

  const A = 'a.tenants.test';
  const B = 'b.tenants.test';
  const vary = { varyIncludes: ['Origin', 'Host'] };

  it("each tenant gets its own grant, never the other's, in any order", async () => {
    // Twice over, so that a cached answer is asked for under each key.
    for (let round = 0; round < 2; round++) {
      expectResponse(await app.send(on(A, get(path, APP))), { ...approves(APP), ...vary });
      expectResponse(await app.send(on(B, get(path, APP))), { ...refused(), ...vary });
      expectResponse(await app.send(on(B, get(path, PARTNER))), { ...approves(PARTNER), ...vary });
      expectResponse(await app.send(on(A, get(path, PARTNER))), { ...refused(), ...vary });
      expectResponse(await app.send(on(B, preflight(path, APP, 'GET'))), {
        ...refused(204),
        ...vary,
      });
      expectResponse(await app.send(on(A, preflight(path, APP, 'GET'))), {
        ...approves(APP, 204),
        ...vary,
      });
    }
    if (kind === 'cached') expect(tenantCalls).toEqual({ [A]: 1, [B]: 1 });
  });

  it('a port in :authority keeps the tenant of its host', async () => {
    expectResponse(await app.send(on(`${A}:8443`, get(path, APP))), approves(APP));
    expectResponse(await app.send(on(`${B}:8443`, get(path, APP))), refused());
  });

  it('a host of no tenant gets nothing', async () => {
    expectResponse(await app.send(on('c.tenants.test', get(path, APP))), refused());
    expectResponse(await app.send(on('c.tenants.test', get(path, PARTNER))), refused());
  });
});

describe('enforce: true over HTTP/2 judges same-origin by :authority and https', () => {
  let app: Http2TestApp;
  let authority: string;
  beforeAll(async () => {
    app = await startHttp2App(EnforcedHostAppModule);
    authority = `127.0.0.1:${app.port}`;
  });
  afterAll(() => app?.close());

  it("the server's own origin, without Sec-Fetch-Site, is served", async () => {
    expectResponse(await app.send(post('/orders', app.origin)), served(201, 'created'));
  });

  it('the same origin named by another :authority is served too', async () => {
    expectResponse(
      await app.send(on(API_HOST, post('/orders', `https://${API_HOST}`))),
      served(201, 'created'),
    );
    expectResponse(
      await app.send(on(API_HOST, post('/where', `https://${API_HOST}`))),
      served(201, 'api host created'),
    );
  });

  it.each([
    ['http, where the request came over https', () => `http://${authority}`],
    ['another port', () => `https://127.0.0.1:${app.port === 1 ? 2 : app.port - 1}`],
    ['another host', () => `https://other.example.com:${app.port}`],
  ])('an Origin on %s is cross-origin: 403', async (_name, origin) => {
    expectResponse(await app.send(post('/orders', origin())), FORBIDDEN);
  });

  it("a host-bound controller's policy decides for its host: the default's origin is refused", async () => {
    expectResponse(await app.send(on(API_HOST, post('/where', APP))), FORBIDDEN);
    expectResponse(await app.send(on(API_HOST, post('/where', EVIL))), FORBIDDEN);
    expectResponse(
      await app.send(on(API_HOST, post('/where', HOSTED))),
      approves(HOSTED, 201, 'api host created'),
    );
  });
});

/** Served, approving nothing: a same-origin request gets no CORS headers. */
function served(status: number, body: string): Expected {
  return { status, body, headers: NOTHING_APPROVED };
}
