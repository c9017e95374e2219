import { PLATFORMS, startApp, type Received, type SentRequest, type TestApp } from './platforms';
import { ACAO, NOTHING_APPROVED, expectResponse, get, preflight, type Case } from './cases';
import { DebugAppModule, LogRecorder, NoDefaultOriginAppModule } from './fixtures/debug-app';
import { APP, EVIL, PARTNER } from './fixtures/origins';

interface DebugCase extends Case {
  /**
   * What the one `Cors` line logged for the request must contain (method, path, origin, reason),
   * or `null` when nothing may be logged.
   */
  readonly logged: readonly string[] | null;
  /** What that line must not contain. */
  readonly notLogged?: readonly string[];
}

const DEBUG_CASES: readonly DebugCase[] = [
  {
    name: 'a denied request: one line with method, path, origin and reason',
    request: get('/reports?page=2', EVIL),
    expected: { status: 200, headers: NOTHING_APPROVED },
    logged: ['GET', '/reports', JSON.stringify(EVIL), 'origin-not-allowed'],
  },
  {
    name: "a denied request on a handler's own policy",
    request: { method: 'PUT', path: '/reports/7', headers: { origin: APP } },
    expected: { status: 200, headers: NOTHING_APPROVED },
    logged: ['PUT', '/reports/7', JSON.stringify(APP), 'origin-not-allowed'],
  },
  {
    name: 'a denied preflight: the method it asked for, path, origin and reason',
    request: preflight('/reports/7', EVIL, 'PUT'),
    expected: { status: 204, headers: NOTHING_APPROVED },
    logged: ['PUT', '/reports/7', JSON.stringify(EVIL), 'origin-not-allowed'],
  },
  {
    name: 'a preflight denied for a header: the header is the reason',
    request: preflight('/reports/7', PARTNER, 'PUT', 'x-other'),
    expected: { status: 204, headers: NOTHING_APPROVED },
    logged: ['PUT', '/reports/7', JSON.stringify(PARTNER), 'header-not-allowed: x-other'],
  },
  {
    name: 'a preflight denied for its method',
    request: preflight('/reports', APP, 'DELETE'),
    expected: { status: 204, headers: NOTHING_APPROVED },
    logged: ['DELETE', '/reports', JSON.stringify(APP), 'method-not-allowed'],
  },
  {
    name: 'a denial names the route it was resolved to, not the first route of an equal policy',
    request: preflight('/twins', EVIL, 'GET', 'x-secret'),
    expected: { status: 204, headers: NOTHING_APPROVED },
    logged: ['GET', '/twins', 'origin-not-allowed', 'by TwinsController.get (policy from'],
    notLogged: ['TwinsController.put'],
  },
  {
    name: "a denial says where each part of the route's policy was written (methods: the module's)",
    request: preflight('/twins', PARTNER, 'PUT'),
    expected: { status: 204, headers: NOTHING_APPROVED },
    logged: [
      'method-not-allowed',
      'by TwinsController.put (policy from TwinsController.put, CorsModule options)',
    ],
  },
  {
    name: 'a denied request for an unknown path (module default)',
    request: get('/nowhere', EVIL),
    expected: { status: 404, headers: NOTHING_APPROVED },
    logged: ['GET', '/nowhere', JSON.stringify(EVIL), 'origin-not-allowed'],
  },
  {
    name: 'an allowed request logs nothing',
    request: get('/reports', APP),
    expected: { status: 200, headers: { [ACAO]: APP } },
    logged: null,
  },
  {
    name: 'an allowed preflight logs nothing',
    request: preflight('/reports/7', PARTNER, 'PUT', 'x-token'),
    expected: { status: 204, headers: { [ACAO]: PARTNER } },
    logged: null,
  },
  {
    name: 'a request without Origin logs nothing',
    request: get('/reports'),
    expected: { status: 200 },
    logged: null,
  },
  {
    name: 'a route with CORS off logs nothing',
    request: get('/reports/internal', EVIL),
    expected: { status: 200, headers: NOTHING_APPROVED },
    logged: null,
  },
];

/** Every reason a denial may log: none of them may reach the client. */
const REASON = /origin-not-allowed|header-not-allowed|method-not-allowed|by policy|policy from/;

function expectNoReasonIn(received: Received): void {
  expect(received.body).not.toMatch(REASON);
  for (const [name, value] of Object.entries(received.headers)) {
    expect({ [name]: value }).not.toEqual({ [name]: expect.stringMatching(REASON) });
  }
}

describe.each(PLATFORMS)('debug: true on %s', (platform) => {
  const logs = new LogRecorder();
  let app: TestApp;
  let startupLogs: string[];
  beforeAll(async () => {
    app = await startApp(platform, DebugAppModule, undefined, { logger: logs });
    startupLogs = logs.messages('Cors');
  });
  afterAll(() => app.close());
  beforeEach(() => logs.clear());

  it('logs a table of every route with its policy at startup, under the Cors context', () => {
    const table = startupLogs.find((m) => m.includes('Routes and their CORS policies'));
    expect(table).toBeDefined();
    const lines = table!.split('\n').slice(1);
    const row = (method: string, path: string, policy: string) =>
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^\\s*${method}\\s+${path.replace(/\//g, '\\/')}\\s+->\\s+${policy}$`),
        ),
      );
    row('GET', '/reports', 'CorsModule options');
    row('PUT', '/reports/:id', 'ReportsController\\.update');
    row('GET', '/reports/internal', 'CORS off');
    // Equal policies share one handle: each row still names its own handler.
    row('PUT', '/twins', 'TwinsController\\.put, CorsModule options');
    row('GET', '/twins', 'TwinsController\\.get, CorsModule options');
    expect(lines).toHaveLength(5);
    expect(table).toMatch(/others: CorsModule options/);
  });

  it('does not say that no origin is allowed by default when the module has one', () => {
    expect(startupLogs.filter((m) => /no origin/i.test(m))).toEqual([]);
  });

  it.each(DEBUG_CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, { request, expected, logged, notLogged = [] }) => {
      const received = await app.send(request);
      expectResponse(received, expected);
      const lines = logs.messages('Cors');
      if (logged === null) {
        expect(lines).toEqual([]);
      } else {
        expect(lines).toHaveLength(1);
        for (const part of logged) expect(lines[0]).toContain(part);
        for (const part of notLogged) expect(lines[0]).not.toContain(part);
      }
      expectNoReasonIn(received);
    },
  );

  it('logs a denial once per request', async () => {
    const requests: SentRequest[] = [get('/reports', EVIL), get('/reports', EVIL)];
    for (const sent of requests) await app.send(sent);
    expect(logs.messages('Cors')).toHaveLength(2);
  });
});

describe.each(PLATFORMS)('debug: true and no default origin on %s', (platform) => {
  const logs = new LogRecorder();
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(platform, NoDefaultOriginAppModule, undefined, { logger: logs });
  });
  afterAll(() => app.close());

  it('says once, at startup, that no origin is allowed by default', () => {
    const notices = logs.messages('Cors').filter((m) => /no origin/i.test(m));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/@Cors\(\)/);
  });

  it('and still applies the @Cors() policy', async () => {
    expectResponse(await app.send(get('/partner', PARTNER)), {
      status: 200,
      headers: { [ACAO]: PARTNER },
    });
  });
});
