import type { Server } from 'node:net';
import {
  ACAC,
  ACAH,
  ACAM,
  ACAO,
  ACEH,
  NOTHING_APPROVED,
  expectResponse,
  get,
  preflight,
  withHeaders,
  type Case,
} from './cases';
import { describeCasesOnEachPlatform } from './describe-cases';
import { DetailedLogRecorder } from './fixtures/enable-cors-forms-app';
import { ADMIN, APP, EVIL, PARTNER } from './fixtures/origins';
import {
  BareFunctionRootAppModule,
  BROKEN_TENANT,
  LOOKUP_DELAY,
  PerRequestRootAppModule,
  perRequestAppModule,
  type PerRequestProbes,
} from './fixtures/per-request-policy-app';
import { PLATFORMS, startApp, type TestApp } from './platforms';
import { RawHttpClient, portOf, type RawRequest, type RawResponse } from './support/raw-http';

/*
 * Policies computed per request: wherever one is written, what it answers for the request decides,
 * its `vary` names reach every response of its routes, and a failing, invalid or silent answer
 * denies without holding the request. Caches call the function once per key.
 */

const TENANT_A = { 'x-tenant': 'a' };
const TENANT_B = { 'x-tenant': 'b' };
const HOST_A = { host: 'a.tenants.test' };
const HOST_B = { host: 'b.tenants.test' };

const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

const PER_REQUEST_CASES: readonly Case[] = [
  // The module default: defaultPolicy, by X-Tenant.
  {
    name: "defaultPolicy: tenant a's origin, with Vary: X-Tenant",
    request: get('/default', APP, TENANT_A),
    expected: { status: 200, headers: { [ACAO]: APP, [ACAC]: null, vary: 'Origin, X-Tenant' } },
  },
  {
    name: "defaultPolicy: tenant b's origin",
    request: get('/default', PARTNER, TENANT_B),
    expected: { status: 200, headers: { [ACAO]: PARTNER, vary: 'Origin, X-Tenant' } },
  },
  {
    name: "defaultPolicy: tenant a's origin is denied to tenant b, still with Vary: X-Tenant",
    request: get('/default', APP, TENANT_B),
    expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin, X-Tenant' } },
  },
  {
    // Its answer allows no origin at all, so the response does not depend on Origin.
    name: 'defaultPolicy: no tenant, no origin allowed, and Vary: X-Tenant alone',
    request: get('/default', APP),
    expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'X-Tenant' } },
  },
  {
    name: 'defaultPolicy: a request without Origin says it varies by X-Tenant too',
    request: get('/default', undefined, TENANT_A),
    expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin, X-Tenant' } },
  },
  {
    name: "defaultPolicy: a preflight gets the tenant's answer, and Vary: X-Tenant",
    request: withHeaders(preflight('/default/1', APP, 'PUT', 'x-token'), TENANT_A),
    expected: {
      status: 204,
      headers: {
        [ACAO]: APP,
        [ACAM]: 'PUT',
        [ACAH]: 'x-token',
        vary: `${PREFLIGHT_VARY}, X-Tenant`,
      },
    },
  },
  {
    name: 'defaultPolicy: a denied preflight says it varies by X-Tenant',
    request: withHeaders(preflight('/default/1', APP, 'PUT'), TENANT_B),
    expected: {
      status: 204,
      headers: { ...NOTHING_APPROVED, vary: `${PREFLIGHT_VARY}, X-Tenant` },
    },
  },
  {
    name: "defaultPolicy: a handler's @Cors({ exposedHeaders }) merges over the tenant's answer",
    request: get('/default/exposed', APP, TENANT_A),
    expected: {
      status: 200,
      headers: { [ACAO]: APP, [ACEH]: 'X-Total', vary: 'Origin, X-Tenant' },
    },
  },
  {
    name: 'defaultPolicy: the merged fields apply to every tenant',
    request: get('/default/exposed', PARTNER, TENANT_B),
    expected: { status: 200, headers: { [ACAO]: PARTNER, [ACEH]: 'X-Total' } },
  },
  {
    name: 'defaultPolicy: the merged fields do not allow a denied origin',
    request: get('/default/exposed', PARTNER, TENANT_A),
    expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin, X-Tenant' } },
  },
  {
    name: 'defaultPolicy: an unknown path gets the default too',
    request: get('/nowhere', PARTNER, TENANT_B),
    expected: { status: 404, headers: { [ACAO]: PARTNER, vary: 'Origin, X-Tenant' } },
  },
  // A named policy computed per request (async).
  {
    name: "@Cors('credentialed'): the tenant's origin, with credentials",
    request: get('/named', APP, TENANT_A),
    expected: { status: 200, headers: { [ACAO]: APP, [ACAC]: 'true', vary: 'Origin, X-Tenant' } },
  },
  {
    name: "@Cors('credentialed'): another tenant's origin is denied",
    request: get('/named', PARTNER, TENANT_A),
    expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin, X-Tenant' } },
  },
  // A controller's @Cors(perRequestPolicy(fn, { vary: ['Host'] })).
  {
    name: "controller @Cors(perRequestPolicy): host a's origin, with Vary: Host",
    request: get('/host-controller', APP, HOST_A),
    expected: { status: 200, headers: { [ACAO]: APP, vary: 'Origin, Host' } },
  },
  {
    name: "controller @Cors(perRequestPolicy): host b's origin",
    request: get('/host-controller', PARTNER, HOST_B),
    expected: { status: 200, headers: { [ACAO]: PARTNER, vary: 'Origin, Host' } },
  },
  {
    name: "controller @Cors(perRequestPolicy): host a's origin is denied on host b",
    request: get('/host-controller', APP, HOST_B),
    expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin, Host' } },
  },
  {
    name: 'controller @Cors(perRequestPolicy): a request without Origin varies by Host',
    request: get('/host-controller', undefined, HOST_A),
    expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin, Host' } },
  },
  {
    name: 'controller @Cors(perRequestPolicy): a preflight varies by Host',
    request: withHeaders(preflight('/host-controller', PARTNER, 'GET'), HOST_B),
    expected: { status: 204, headers: { [ACAO]: PARTNER, vary: `${PREFLIGHT_VARY}, Host` } },
  },
  {
    name: "controller @Cors(perRequestPolicy): a handler's fields merge over its answer",
    request: get('/host-controller/exposed', PARTNER, HOST_B),
    expected: {
      status: 200,
      headers: { [ACAO]: PARTNER, [ACAC]: 'true', [ACEH]: 'X-Total', vary: 'Origin, Host' },
    },
  },
  {
    name: "controller @Cors(perRequestPolicy): the handler's fields keep the host's origins",
    request: get('/host-controller/exposed', PARTNER, HOST_A),
    expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin, Host' } },
  },
  // A controller's @Cors(fn), a bare function in callback form: no vary.
  {
    name: 'controller @Cors(fn): the answer its callback gives',
    request: get('/fn-controller', APP, TENANT_A),
    expected: { status: 200, headers: { [ACAO]: APP, vary: 'Origin' } },
  },
  {
    name: 'controller @Cors(fn): denied for another tenant',
    request: get('/fn-controller', APP, TENANT_B),
    expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin' } },
  },
  // Handlers' own.
  {
    name: 'handler @Cors(async fn): its answer, by Host',
    request: get('/handlers/fn', PARTNER, HOST_B),
    expected: { status: 200, headers: { [ACAO]: PARTNER, vary: 'Origin' } },
  },
  {
    name: 'handler @Cors(async fn): denied on another host',
    request: get('/handlers/fn', PARTNER, HOST_A),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: 'handler @Cors(perRequestPolicy): its answer, with Vary: X-Tenant',
    request: get('/handlers/policy', PARTNER, TENANT_B),
    expected: { status: 200, headers: { [ACAO]: PARTNER, vary: 'Origin, X-Tenant' } },
  },
  {
    name: 'handler @Cors(perRequestPolicy): a preflight for its PUT',
    request: withHeaders(preflight('/handlers/policy/1', APP, 'PUT'), TENANT_A),
    expected: {
      status: 204,
      headers: { [ACAO]: APP, [ACAM]: 'PUT', vary: `${PREFLIGHT_VARY}, X-Tenant` },
    },
  },
  {
    name: 'handler @Cors(perRequestPolicy): a denied preflight varies by X-Tenant',
    request: withHeaders(preflight('/handlers/policy/1', PARTNER, 'PUT'), TENANT_A),
    expected: {
      status: 204,
      headers: { ...NOTHING_APPROVED, vary: `${PREFLIGHT_VARY}, X-Tenant` },
    },
  },
];

/** Concurrent requests sent at once, on as many connections. */
const BURST = 20;

function raw(path: string, headers: Record<string, string>): RawRequest {
  return { method: 'GET', target: path, headers };
}

function expectAllowed(responses: readonly RawResponse[], origin: string): void {
  expect(
    responses.map((r) => ({ status: r.status, acao: r.headers[ACAO] ?? null, error: r.error })),
  ).toEqual(responses.map(() => ({ status: 200, acao: origin, error: undefined })));
}

async function connectionsOf(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

/** Polls `probe` until it holds or `deadline` milliseconds pass; the last value either way. */
async function eventually<T>(
  probe: () => Promise<T>,
  holds: (value: T) => boolean,
  deadline: number,
): Promise<T> {
  const start = Date.now();
  let value = await probe();
  while (!holds(value) && Date.now() - start < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await probe();
  }
  return value;
}

describe.each(PLATFORMS)('per-request policies on %s', (platform) => {
  const logs = new DetailedLogRecorder();
  let app: TestApp;
  let probes: PerRequestProbes;
  let server: Server;
  beforeAll(async () => {
    const made = perRequestAppModule();
    probes = made.probes;
    app = await startApp(platform, made.module, undefined, { logger: logs });
    await app.app.listen(0, '127.0.0.1');
    server = app.app.getHttpServer() as Server;
  });
  afterAll(() => app.close());
  beforeEach(() => logs.clear());

  it.each(PER_REQUEST_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expectResponse(await app.send(c.request), c.expected);
    expect(logs.at('error')).toEqual([]);
  });

  describe('an invalid answer', () => {
    it('denies every request that gets it, with Vary, and is logged once', async () => {
      const broken = { 'x-tenant': BROKEN_TENANT };
      for (let i = 0; i < 3; i++) {
        expectResponse(await app.send(get('/default', 'https://a.example', broken)), {
          status: 200,
          body: 'default',
          headers: { ...NOTHING_APPROVED, vary: 'X-Tenant' },
        });
      }
      expectResponse(
        await app.send(withHeaders(preflight('/default/1', 'https://a.example', 'PUT'), broken)),
        { status: 204, headers: { ...NOTHING_APPROVED, vary: `${PREFLIGHT_VARY}, X-Tenant` } },
      );
      const errors = logs.at('error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('"https://a.example/"');
      expect(errors[0]).toContain('Requests that get this answer are denied.');
      // Other tenants are unaffected.
      expectResponse(await app.send(get('/default', APP, TENANT_A)), {
        status: 200,
        headers: { [ACAO]: APP },
      });
      expect(logs.at('error')).toHaveLength(1);
    });
  });

  describe.each([
    ['a policy whose promise never settles', '/hanging', 'hanging', 'X-Tenant'],
    ['a callback-form policy that never calls back', '/hanging/callback', 'hanging callback', null],
  ] as const)('%s, with timeout: 200', (_name, path, body, vary) => {
    let client: RawHttpClient;
    beforeEach(() => {
      // One connection: the next request can only be served on it if this one let it go.
      client = new RawHttpClient(portOf(server), 1);
    });
    afterEach(() => client.close());

    it('is answered by the handler after the timeout, approving nothing, and logged', async () => {
      const start = Date.now();
      const received = await client.send(raw(path, { origin: APP, ...TENANT_A }));
      const elapsed = Date.now() - start;
      expectResponse(received, {
        status: 200,
        body,
        headers: { ...NOTHING_APPROVED, vary },
      });
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(elapsed).toBeLessThan(1500);
      expect(logs.at('error')).toEqual([
        expect.stringContaining('failed; the request was denied.'),
      ]);
      expect(logs.details).toEqual([expect.stringContaining('within 200 ms (timeout)')]);
    });

    it('a preflight is answered too, approving nothing', async () => {
      const start = Date.now();
      const received = await client.send({
        method: 'OPTIONS',
        target: path,
        headers: { origin: APP, 'access-control-request-method': 'GET', ...TENANT_A },
      });
      expect(Date.now() - start).toBeLessThan(1500);
      expectResponse(received, { status: 204, headers: NOTHING_APPROVED });
    });

    it('releases the connection: the next request is served on it, and none stays open', async () => {
      const first = await client.send(raw(path, { origin: APP }));
      expect(first.status).toBe(200);
      const start = Date.now();
      const next = await client.send(raw('/default', { origin: APP, ...TENANT_A }));
      expect(Date.now() - start).toBeLessThan(500);
      expectResponse(next, { status: 200, headers: { [ACAO]: APP } });
      expect(await connectionsOf(server)).toBe(1);
      client.close();
      expect(
        await eventually(
          () => connectionsOf(server),
          (n) => n === 0,
          2000,
        ),
      ).toBe(0);
    });
  });

  describe('cache: { ttl, max } on a per-request policy', () => {
    let client: RawHttpClient;
    beforeAll(() => {
      client = new RawHttpClient(portOf(server), BURST);
    });
    afterAll(() => client.close());

    it(`${BURST} concurrent requests of one tenant call the function once`, async () => {
      const responses = await client.sendAll(
        Array.from({ length: BURST }, () => raw('/cached', { origin: APP, ...TENANT_A })),
        BURST,
      );
      expectAllowed(responses, APP);
      expect(probes.cached).toEqual({ a: 1 });
    });

    it('later requests of that tenant, within the ttl, are answered from the cache', async () => {
      const responses = await client.sendAll(
        Array.from({ length: 5 }, () => raw('/cached', { origin: APP, ...TENANT_A })),
        1,
      );
      expectAllowed(responses, APP);
      for (const response of responses) expect(response.headers.vary).toBe('Origin, X-Tenant');
      expect(probes.cached).toEqual({ a: 1 });
    });

    it('another tenant is another key: one more call, its own answer', async () => {
      const responses = await client.sendAll(
        Array.from({ length: BURST }, () => raw('/cached', { origin: PARTNER, ...TENANT_B })),
        BURST,
      );
      expectAllowed(responses, PARTNER);
      expect(probes.cached).toEqual({ a: 1, b: 1 });
      // Tenant a's cached answer does not leak to b, nor b's to a.
      expectResponse(await app.send(get('/cached', APP, TENANT_B)), {
        status: 200,
        headers: NOTHING_APPROVED,
      });
      expectResponse(await app.send(get('/cached', PARTNER, TENANT_A)), {
        status: 200,
        headers: NOTHING_APPROVED,
      });
      expect(probes.cached).toEqual({ a: 1, b: 1 });
    });
  });

  describe('predicateCache on an async origin predicate', () => {
    let client: RawHttpClient;
    beforeAll(() => {
      client = new RawHttpClient(portOf(server), BURST);
    });
    afterAll(() => client.close());

    it(`${BURST} concurrent requests from one origin call the predicate once`, async () => {
      const start = Date.now();
      const responses = await client.sendAll(
        Array.from({ length: BURST }, () => raw('/predicate', { origin: APP })),
        BURST,
      );
      expectAllowed(responses, APP);
      expect(probes.predicate).toEqual({ [APP]: 1 });
      // They waited for the one lookup together, not one after another.
      expect(Date.now() - start).toBeLessThan(LOOKUP_DELAY * 4);
    });

    it('later requests from that origin are answered from the cache', async () => {
      const responses = await client.sendAll(
        Array.from({ length: 5 }, () => raw('/predicate', { origin: APP })),
        1,
      );
      expectAllowed(responses, APP);
      expect(probes.predicate).toEqual({ [APP]: 1 });
    });

    it('another origin is asked once; a refusal is kept too', async () => {
      const allowed = await client.sendAll(
        Array.from({ length: BURST }, () => raw('/predicate', { origin: ADMIN })),
        BURST,
      );
      expectAllowed(allowed, ADMIN);
      for (let i = 0; i < 3; i++) {
        expectResponse(await app.send(get('/predicate', EVIL)), {
          status: 200,
          headers: { ...NOTHING_APPROVED, vary: 'Origin' },
        });
      }
      expect(probes.predicate).toEqual({ [APP]: 1, [ADMIN]: 1, [EVIL]: 1 });
    });
  });

  describe('without a cache', () => {
    beforeEach(() => {
      for (const key of Object.keys(probes.uncached)) delete probes.uncached[key];
    });

    it('the function is called once per request', async () => {
      for (let i = 0; i < 3; i++) {
        expectResponse(await app.send(get('/counted', APP, TENANT_A)), {
          status: 200,
          headers: { [ACAO]: APP },
        });
      }
      expect(probes.uncached).toEqual({ a: 3 });
    });

    it('once per request even where the interceptor decides again (@Header("Vary"))', async () => {
      for (let i = 0; i < 3; i++) {
        expectResponse(await app.send(get('/counted/with-header', PARTNER, TENANT_B)), {
          status: 200,
          headers: { [ACAO]: PARTNER, vary: 'Accept-Encoding, Origin, X-Tenant' },
        });
      }
      expect(probes.uncached).toEqual({ b: 3 });
    });
  });
});

describeCasesOnEachPlatform('forRoot(fn), a bare function', { module: BareFunctionRootAppModule }, [
  {
    name: "tenant a's origin",
    request: get('/items', APP, TENANT_A),
    expected: { status: 200, headers: { [ACAO]: APP, vary: 'Origin' } },
  },
  {
    name: "tenant a's origin is denied to tenant b",
    request: get('/items', APP, TENANT_B),
    expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin' } },
  },
  {
    name: "a preflight gets tenant b's answer",
    request: withHeaders(preflight('/items/1', PARTNER, 'PUT'), TENANT_B),
    expected: { status: 204, headers: { [ACAO]: PARTNER, [ACAM]: 'PUT' } },
  },
]);

describeCasesOnEachPlatform(
  "forRoot(perRequestPolicy(fn, { vary: ['Host'] }))",
  { module: PerRequestRootAppModule },
  [
    {
      name: "host a's origin, with Vary: Host",
      request: get('/items', APP, HOST_A),
      expected: { status: 200, headers: { [ACAO]: APP, vary: 'Origin, Host' } },
    },
    {
      name: "host a's origin is denied on host b, with Vary: Host",
      request: get('/items', APP, HOST_B),
      expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin, Host' } },
    },
    {
      name: 'a request without Origin varies by Host',
      request: get('/items', undefined, HOST_B),
      expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin, Host' } },
    },
    {
      name: 'a preflight varies by Host',
      request: withHeaders(preflight('/items/1', PARTNER, 'PUT'), HOST_B),
      expected: { status: 204, headers: { [ACAO]: PARTNER, vary: `${PREFLIGHT_VARY}, Host` } },
    },
    {
      name: 'a 404 gets the default, by Host',
      request: get('/nowhere', PARTNER, HOST_B),
      expected: { status: 404, headers: { [ACAO]: PARTNER, vary: 'Origin, Host' } },
    },
  ],
);
