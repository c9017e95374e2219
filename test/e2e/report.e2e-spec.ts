import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';
import type { PolicyReport, ReportField, ReportPolicy } from '../../lib/report/policy-report';
import { CorsIoAdapter } from '../../lib/websockets/socket.io';
import schema from '../../docs/policy-report.schema.json';
import { LogRecorder } from './fixtures/debug-app';
import { ADMIN, APP, EVIL, PARTNER } from './fixtures/origins';
import { ReportAppModule } from './fixtures/report-app';
import { ReportTrialAppModule } from './fixtures/report-trial-app';
import { ioAttempt } from './fixtures/websocket-clients';
import { PLATFORMS, startApp, type TestApp } from './platforms';
import { portOf } from './support/raw-http';

/** The fields of a policy the test expects to be on. */
function fieldsOf(policy: ReportPolicy): readonly ReportField[] {
  if (policy.cors === 'off') throw new Error('expected CORS on');
  return policy.fields;
}

describe.each(PLATFORMS)('the policy report on %s', (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(platform, ReportAppModule);
  });
  afterAll(() => app.close());

  async function report(): Promise<PolicyReport> {
    const received = await app.send({ method: 'GET', path: '/_cors?format=json' });
    expect(received.headers['content-type']).toMatch(/^application\/json/);
    return JSON.parse(received.body) as PolicyReport;
  }

  it('says where each field of a route came from: module, controller, handler', async () => {
    const update = (await report()).routes.find((route) => route.method === 'PUT');
    expect(update).toMatchObject({ path: '/items/:id', handler: 'ItemsController.update' });
    expect(update!.cors).toBe('on');
    const fields = Object.fromEntries(fieldsOf(update!).map((f) => [f.name, f]));
    expect(fields.origin).toEqual({ name: 'origin', value: ADMIN, from: 'ItemsController' });
    expect(fields.credentials).toEqual({
      name: 'credentials',
      value: 'true',
      from: 'CorsModule options',
    });
    expect(fields.methods).toEqual({
      name: 'methods',
      value: 'PUT',
      from: 'ItemsController.update',
    });
    expect(fields.maxAge).toEqual({ name: 'maxAge', value: 'no header', from: 'default' });
  });

  it('shows a named policy as its own, and CORS switched off as such', async () => {
    const { routes } = await report();
    const catalog = routes.find((route) => route.path === '/items/catalog')!;
    expect(fieldsOf(catalog).find((f) => f.name === 'origin')).toEqual({
      name: 'origin',
      value: '*',
      from: 'CorsModule options policies.public',
    });
    expect(routes.find((route) => route.path === '/items/internal')).toEqual({
      method: 'POST',
      path: '/items/internal',
      handler: 'ItemsController.internal',
      cors: 'off',
    });
  });

  it('answers JSON that docs/policy-report.schema.json describes', async () => {
    const validate = new Ajv({ allErrors: true }).compile(schema);
    const received = await report();
    expect(validate(received)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    // Through the module: its paths entries and gateways, each with where its origin was written.
    expect(received).toMatchObject({
      paths: [
        {
          path: '/graphql',
          cors: 'on',
          fields: expect.arrayContaining([
            { name: 'origin', value: PARTNER, from: 'paths["/graphql"]' },
          ]) as unknown,
        },
        { path: '/docs', cors: 'off' },
      ],
      gateways: [
        {
          gateway: 'ChatGateway',
          namespace: '/chat',
          cors: 'on',
          fields: expect.arrayContaining([
            { name: 'origin', value: PARTNER, from: 'ChatGateway' },
          ]) as unknown,
        },
      ],
    });
  });

  it('counts refusals since start, per declared route, with the origins refused most', async () => {
    const before = (await report()).counts;
    const countOf = (counts: PolicyReport['counts'], route: string) =>
      counts.routes.find((r) => r.route === route);
    await app.send({ method: 'GET', path: '/items?page=1', headers: { origin: EVIL } });
    await app.send({ method: 'GET', path: '/items?page=2', headers: { origin: EVIL } });
    await app.send({ method: 'GET', path: '/items', headers: { origin: PARTNER } });
    await app.send({ method: 'GET', path: '/items', headers: { origin: ADMIN } });
    await app.send({
      method: 'OPTIONS',
      path: '/items/7',
      headers: { origin: EVIL, 'access-control-request-method': 'PUT' },
    });
    await app.send({ method: 'GET', path: '/graphql/x', headers: { origin: EVIL } });
    const after = (await report()).counts;
    expect(after.since).toBe(before.since);
    const list = countOf(after, 'GET /items')!;
    const listBefore = countOf(before, 'GET /items');
    expect(list.actualRefused - (listBefore?.actualRefused ?? 0)).toBe(3);
    expect(list.topOrigins).toEqual(
      expect.arrayContaining([
        {
          origin: EVIL,
          count: 2 + (listBefore?.topOrigins.find((o) => o.origin === EVIL)?.count ?? 0),
        },
        expect.objectContaining({ origin: PARTNER }),
      ]),
    );
    expect(list.topOrigins.map((o) => o.origin)).not.toContain(ADMIN);
    expect(countOf(after, 'PUT /items/:id')).toMatchObject({
      preflightRefused: expect.any(Number),
    });
    expect(
      countOf(after, 'PUT /items/:id')!.preflightRefused -
        (countOf(before, 'PUT /items/:id')?.preflightRefused ?? 0),
    ).toBe(1);
    expect(countOf(after, 'paths /graphql')?.actualRefused).toBeGreaterThanOrEqual(1);
    const page = await app.send({ method: 'GET', path: '/_cors' });
    expect(page.body).toContain('<table id="refusals">');
    expect(page.body).toContain(`<code>${EVIL}</code>`);
  });

  it('serves the page, listing every route', async () => {
    const page = await app.send({ method: 'GET', path: '/_cors' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    for (const text of [
      '/items/:id',
      'ItemsController.update',
      'CORS off',
      'May this origin do this?',
    ])
      expect(page.body).toContain(text);
  });

  it('answers the question with a real preflight to the application', async () => {
    const ask = (query: string) => app.send({ method: 'GET', path: `/_cors?${query}` });
    const allowed = await ask(
      `origin=${encodeURIComponent(ADMIN)}&method=PUT&path=/items/1&headers=x-token&credentials=true`,
    );
    expect(JSON.parse(allowed.body)).toEqual({
      allowed: true,
      reasons: [],
      host: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
    const denied = await ask(`origin=${encodeURIComponent(EVIL)}&method=PUT&path=/items/1`);
    expect(JSON.parse(denied.body)).toMatchObject({
      allowed: false,
      reasons: [
        'Access-Control-Allow-Origin is missing',
        'Access-Control-Allow-Methods (absent) does not list "PUT"',
      ],
    });
  });
});

describe.each(PLATFORMS)('the policy report of trials on %s', (platform) => {
  let app: TestApp;
  let port: number;
  beforeAll(async () => {
    app = await startApp(platform, ReportTrialAppModule, (nest) =>
      nest.useWebSocketAdapter(new CorsIoAdapter(nest)),
    );
    await app.app.listen(0, '127.0.0.1');
    port = portOf(app.app.getHttpServer() as Server);
  });
  afterAll(() => app.close());

  async function report(): Promise<PolicyReport> {
    const received = await app.send({ method: 'GET', path: '/_cors?format=json' });
    return JSON.parse(received.body) as PolicyReport;
  }

  /** A policy's trial, field by field, by name. */
  function trialOf(policy: ReportPolicy | undefined): Record<string, ReportField> | null {
    if (policy?.cors !== 'on') throw new Error('expected CORS on');
    return policy.trial && Object.fromEntries(policy.trial.map((f) => [f.name, f]));
  }

  it('shows each trial: inherited, its own, trial: false, a paths entry, a gateway', async () => {
    const received = await report();
    const validate = new Ajv({ allErrors: true }).compile(schema);
    expect(validate(received)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    const route = (path: string) => received.routes.find((r) => r.path === path);
    const MODULE = 'CorsModule options';

    expect(received.defaultTrial?.[0]).toEqual({ name: 'origin', value: APP, from: MODULE });
    const list = trialOf(route('/orders'))!;
    expect(list.origin).toEqual({ name: 'origin', value: APP, from: MODULE });
    // Not set by the trial: the policy's own, so that the row reads as the whole trial policy.
    expect(list.credentials).toEqual({ name: 'credentials', value: 'true', from: MODULE });
    expect(trialOf(route('/orders/settled'))).toBeNull();
    const exported = trialOf(route('/orders/export'))!;
    expect(exported.exposedHeaders).toEqual({
      name: 'exposedHeaders',
      value: 'x-total',
      from: 'OrdersController.export',
    });
    // Its own trial replaced the module's: the origin is the policy's.
    expect(exported.origin).toEqual({ name: 'origin', value: `${APP}, ${PARTNER}`, from: MODULE });
    expect(trialOf(route('/strict'))!.origin).toEqual({
      name: 'origin',
      value: `${APP}, ${EVIL}`,
      from: 'StrictController',
    });
    expect(trialOf(route('/tenant'))).toBeNull();
    expect(route('/orders/internal')).toEqual({
      method: 'POST',
      path: '/orders/internal',
      handler: 'OrdersController.internal',
      cors: 'off',
    });

    const [docs, statics] = received.paths;
    expect(trialOf(docs)!.origin).toEqual({ name: 'origin', value: APP, from: 'paths["/docs"]' });
    expect(trialOf(docs)!.credentials).toEqual({
      name: 'credentials',
      value: 'false',
      from: 'paths["/docs"]',
    });
    expect(trialOf(statics)).toBeNull();

    const chat = trialOf(received.gateways[0])!;
    expect(chat.origin).toEqual({ name: 'origin', value: APP, from: 'ChatGateway' });
    expect(chat.credentials).toEqual({ name: 'credentials', value: 'false', from: 'ChatGateway' });
  });

  it('counts the requests each trial answers otherwise, per route, difference and origin', async () => {
    const before = (await report()).counts.trials;
    const countOf = (counts: PolicyReport['counts']['trials'], route: string) =>
      counts.routes.find((r) => r.route === route);
    const grew = (after: PolicyReport['counts']['trials'], route: string) => {
      const now = countOf(after, route);
      const then = countOf(before, route);
      return {
        total: (now?.total ?? 0) - (then?.total ?? 0),
        differences: Object.fromEntries(
          Object.entries(now?.differences ?? {}).map(([kind, n]) => [
            kind,
            n - (then?.differences[kind as keyof typeof then.differences] ?? 0),
          ]),
        ),
      };
    };
    await app.send({ method: 'GET', path: '/orders', headers: { origin: PARTNER } });
    await app.send({ method: 'GET', path: '/orders?page=2', headers: { origin: PARTNER } });
    await app.send({ method: 'GET', path: '/orders', headers: { origin: APP } });
    await app.send({ method: 'GET', path: '/orders/settled', headers: { origin: PARTNER } });
    await app.send({ method: 'GET', path: '/orders/export', headers: { origin: APP } });
    await app.send({ method: 'GET', path: '/strict', headers: { origin: EVIL } });
    await app.send({ method: 'GET', path: '/docs/page', headers: { origin: PARTNER } });
    await app.send({ method: 'GET', path: '/tenant', headers: { origin: ADMIN } });
    expect(await ioAttempt({ port }, '/chat', 'polling', { origin: PARTNER })).toEqual({
      outcome: 'connected',
      answer: 'pong',
    });

    const after = (await report()).counts.trials;
    expect(after.since).toBe(before.since);
    expect(grew(after, 'GET /orders')).toEqual({ total: 2, differences: { refuses: 2 } });
    expect(countOf(after, 'GET /orders')!.topOrigins).toContainEqual({
      origin: PARTNER,
      difference: 'refuses',
      count: expect.any(Number) as unknown,
    });
    expect(countOf(after, 'GET /orders/settled')).toBeUndefined();
    expect(grew(after, 'GET /orders/export')).toEqual({
      total: 1,
      differences: { 'exposes-fewer-headers': 1 },
    });
    expect(grew(after, 'GET /strict')).toEqual({ total: 1, differences: { allows: 1 } });
    expect(grew(after, 'paths /docs')).toEqual({ total: 1, differences: { refuses: 1 } });
    expect(grew(after, 'GET /tenant')).toEqual({ total: 1, differences: { refuses: 1 } });
    // Compared where the connection reaches the gateway's namespace: once per connection.
    expect(grew(after, 'gateway ChatGateway')).toEqual({ total: 1, differences: { refuses: 1 } });

    const page = (await app.send({ method: 'GET', path: '/_cors' })).body;
    expect(page).toContain('<table id="trial-differences">');
    expect(page).toContain('<tr><td><code>GET /orders</code></td>');
    expect(page).toContain(`<code>${PARTNER}</code> would refuse`);
    expect(page).toContain(`<code>${EVIL}</code> would allow`);
    expect(page).toContain('<tr class="trial">');
  });
});

describe.each(PLATFORMS)('the policy report question on %s', (platform) => {
  let app: TestApp;
  let elsewhere: Server;
  let hits = 0;
  beforeAll(async () => {
    app = await startApp(platform, ReportAppModule);
    elsewhere = createServer((_request, response) => {
      hits += 1;
      response.end();
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await app.close();
    await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
  });

  it('asks the application itself, whatever the path says', async () => {
    const port = (elsewhere.address() as AddressInfo).port;
    const received = await app.send({
      method: 'GET',
      path: `/_cors?origin=${encodeURIComponent(ADMIN)}&method=GET&path=${encodeURIComponent(`//127.0.0.1:${port}/x`)}`,
    });
    expect(received.status).toBe(200);
    expect(hits).toBe(0);
  });
});

/** Questions that cannot go out as a preflight, and the parameter each answer must name. */
const HOSTILE_QUESTIONS: readonly (readonly [query: string, names: string])[] = [
  ['origin=a%0d%0aX-Evil:1', 'origin'],
  [`origin=${encodeURIComponent('https://☃.example')}`, 'origin'],
  ['origin=https://caf%E9.example', 'origin'],
  ['origin=', 'origin'],
  [`origin=${encodeURIComponent(ADMIN)}&origin=${encodeURIComponent(EVIL)}`, 'origin'],
  [`origin=${encodeURIComponent(ADMIN)}&method=PU%0d%0aT`, 'method'],
  [`origin=${encodeURIComponent(ADMIN)}&method=`, 'method'],
  [`origin=${encodeURIComponent(ADMIN)}&headers=x-token%0d%0aX-Evil:%201`, 'headers'],
  [`origin=${encodeURIComponent(ADMIN)}&headers=x-t%C3%B6ken`, 'headers'],
  [`origin=${encodeURIComponent(ADMIN)}&path=/items/1%20x`, 'path'],
  [`origin=${encodeURIComponent(ADMIN)}&path=/items%0d%0aX-Evil:%201`, 'path'],
  [`origin=${encodeURIComponent(ADMIN)}&path=/caf%C3%A9`, 'path'],
  [`origin=${encodeURIComponent(ADMIN)}&path=items/1`, 'path'],
  [`origin=${encodeURIComponent(ADMIN)}&credentials=yes`, 'credentials'],
];

describe.each(PLATFORMS)('the policy report question with hostile input on %s', (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(platform, ReportAppModule);
  });
  afterAll(() => app.close());

  it.each(HOSTILE_QUESTIONS)('?%s: 400, naming %s, and nothing injected', async (query, name) => {
    const received = await app.send({ method: 'GET', path: `/_cors?${query}` });
    expect(received.status).toBe(400);
    expect(received.headers['content-type']).toMatch(/^application\/json/);
    expect(received.headers['x-evil']).toBeUndefined();
    const { error } = JSON.parse(received.body) as { error: string };
    expect(error.startsWith(`${name} `)).toBe(true);
  });
});

describe.each(PLATFORMS)('the policy report question credentials on %s', (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(platform, ReportAppModule);
  });
  afterAll(() => app.close());
  const ask = (credentials: string) =>
    app.send({
      method: 'GET',
      path: `/_cors?origin=${encodeURIComponent(ADMIN)}&method=PUT&path=/items/1&headers=x-token${credentials}`,
    });

  // The catalog's policy is `origin: '*'` without credentials: a credentialed request is refused.
  it.each([
    ['', 'absent', true],
    ['&credentials=false', 'false', true],
    ['&credentials=true', 'true', false],
  ])('%s (%s): allowed is %s', async (query, _name, allowed) => {
    const received = await app.send({
      method: 'GET',
      path: `/_cors?origin=${encodeURIComponent(ADMIN)}&method=GET&path=/items/catalog${query}`,
    });
    expect(received.status).toBe(200);
    expect(JSON.parse(received.body)).toMatchObject({ allowed });
  });

  it.each(['yes', 'on', '1', 'TRUE', ''])(
    'credentials=%s: 400 naming the parameter, the value and the fix',
    async (value) => {
      const received = await ask(`&credentials=${value}`);
      expect(received.status).toBe(400);
      expect(JSON.parse(received.body)).toEqual({
        error: `credentials is ${JSON.stringify(value)}, which is neither "true" nor "false": write credentials=true for a request with cookies, or credentials=false (or leave it out) for one without`,
      });
    },
  );

  it('credentials given twice: 400', async () => {
    const received = await ask('&credentials=true&credentials=false');
    expect(received.status).toBe(400);
    expect(JSON.parse(received.body)).toEqual({
      error: 'credentials is given 2 times: give it once',
    });
  });
});

describe.each(PLATFORMS)('the policy report in production on %s', (platform) => {
  it('is a startup warning', async () => {
    const logs = new LogRecorder();
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const app = await startApp(platform, ReportAppModule, undefined, { logger: logs });
      await app.close();
    } finally {
      process.env.NODE_ENV = previous;
    }
    expect(logs.entries).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        context: 'Cors',
        message: expect.stringContaining(
          'The CORS policy report is served at /_cors in production',
        ),
      }),
    );
  });
});
