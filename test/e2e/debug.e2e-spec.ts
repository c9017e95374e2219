import { PLATFORMS, startApp, type Received, type SentRequest, type TestApp } from './platforms';
import { ACAO, NOTHING_APPROVED, expectResponse, get, preflight, type Case } from './cases';
import {
  DebugAppModule,
  LogRecorder,
  NoDefaultOriginAppModule,
  debugHeaderAppModule,
} from './fixtures/debug-app';
import type { CorsModuleOptions } from '../../lib';
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

/** Every reason a denial may log: none of them may reach the client but in `X-Cors-Refused`. */
const REASON = /origin-not-allowed|header-not-allowed|method-not-allowed|by policy|policy from/;

/** The debug header of a refusal (`debug: true`), as Node's client spells received names. */
const REFUSED = 'x-cors-refused';

function expectNoReasonIn(received: Received): void {
  expect(received.body).not.toMatch(REASON);
  for (const [name, value] of Object.entries(received.headers)) {
    if (name === REFUSED) continue;
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
      // The debug header names the reason, never what the client chose (the header name here).
      if (logged !== null) expect(received.headers[REFUSED]).toMatch(/^[a-z-]+; policy="/);
      expect(received.headers[REFUSED] ?? '').not.toMatch(/x-other/i);
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

/** A request and the `X-Cors-Refused` value it gets where the header is on (`null`: none). */
interface RefusedCase {
  readonly name: string;
  readonly request: SentRequest;
  readonly refused: string | null;
}

/** Where a policy can be written, each refused by an actual request and by a preflight. */
const REFUSED_CASES: readonly RefusedCase[] = [
  {
    name: 'module default, actual request',
    request: get('/reports', EVIL),
    refused: 'origin-not-allowed; policy="CorsModule options"',
  },
  {
    name: 'module default, preflight refused for its method',
    request: preflight('/reports', APP, 'DELETE'),
    refused: 'method-not-allowed; policy="CorsModule options"',
  },
  {
    name: 'module default, a path no route serves',
    request: get('/nowhere', EVIL),
    refused: 'origin-not-allowed; policy="CorsModule options"',
  },
  {
    name: 'handler, actual request',
    request: { method: 'PUT', path: '/reports/7', headers: { origin: APP } },
    refused: 'origin-not-allowed; policy="ReportsController.update"',
  },
  {
    name: 'handler, preflight',
    request: preflight('/reports/7', EVIL, 'PUT'),
    refused: 'origin-not-allowed; policy="ReportsController.update"',
  },
  {
    name: 'handler, preflight refused for a header: the code without the header chosen by the client',
    request: preflight('/reports/7', PARTNER, 'PUT', 'x-other'),
    refused: 'header-not-allowed; policy="ReportsController.update"',
  },
  {
    name: 'controller, actual request',
    request: get('/partners', APP),
    refused: 'origin-not-allowed; policy="PartnersController, CorsModule options"',
  },
  {
    name: 'controller, preflight',
    request: preflight('/partners', APP, 'GET'),
    refused: 'origin-not-allowed; policy="PartnersController, CorsModule options"',
  },
  {
    name: 'named policy, actual request',
    request: get('/named', APP),
    refused: 'origin-not-allowed; policy="CorsModule options policies.partnerOnly"',
  },
  {
    name: 'named policy, preflight',
    request: preflight('/named', APP, 'GET'),
    refused: 'origin-not-allowed; policy="CorsModule options policies.partnerOnly"',
  },
  {
    // Its fields equal PartnersController's, whose policy handle it shares: the entry is named.
    name: 'paths entry, actual request',
    request: get('/docs/openapi.json', APP),
    refused: 'origin-not-allowed; policy="paths[\\"/docs\\"], CorsModule options"',
  },
  {
    name: 'paths entry, preflight',
    request: preflight('/docs/openapi.json', APP, 'GET'),
    refused: 'origin-not-allowed; policy="paths[\\"/docs\\"], CorsModule options"',
  },
  { name: 'an allowed request', request: get('/reports', APP), refused: null },
  {
    name: 'an allowed preflight',
    request: preflight('/reports/7', PARTNER, 'PUT', 'x-token'),
    refused: null,
  },
  { name: 'a request without Origin', request: get('/reports'), refused: null },
  { name: 'a route with CORS off', request: get('/reports/internal', EVIL), refused: null },
];

/** The module's debug switches, where they run, and what that gives. */
interface SwitchCase {
  readonly name: string;
  readonly switches: Pick<CorsModuleOptions, 'debug' | 'debugHeader'>;
  readonly production: boolean;
  /** Whether refusals carry the header. */
  readonly sent: boolean;
  /** What the one startup warning about the header says, or `null` for none. */
  readonly warning: RegExp | null;
}

const SWITCH_CASES: readonly SwitchCase[] = [
  { name: 'debug: true', switches: { debug: true }, production: false, sent: true, warning: null },
  { name: 'no debug', switches: {}, production: false, sent: false, warning: null },
  {
    name: 'debug: true, debugHeader: false',
    switches: { debug: true, debugHeader: false },
    production: false,
    sent: false,
    warning: null,
  },
  {
    name: 'debug: true in production',
    switches: { debug: true },
    production: true,
    sent: false,
    warning: /NODE_ENV=production.*no X-Cors-Refused.*debugHeader: "even-in-production"/,
  },
  {
    name: 'debug: true, debugHeader: false in production',
    switches: { debug: true, debugHeader: false },
    production: true,
    sent: false,
    warning: null,
  },
  {
    name: 'debugHeader: "even-in-production" in production',
    switches: { debug: true, debugHeader: 'even-in-production' },
    production: true,
    sent: true,
    warning: /X-Cors-Refused is sent in production \(debugHeader: "even-in-production"\)/,
  },
  {
    name: 'debugHeader: "even-in-production" outside production',
    switches: { debug: true, debugHeader: 'even-in-production' },
    production: false,
    sent: true,
    warning: null,
  },
];

describe.each(
  PLATFORMS.flatMap((platform) => SWITCH_CASES.map((c) => [c.name, platform, c] as const)),
)('X-Cors-Refused with %s on %s', (_name, platform, { switches, production, sent, warning }) => {
  const logs = new LogRecorder();
  let app: TestApp;
  beforeAll(async () => {
    const nodeEnv = process.env.NODE_ENV;
    if (production) process.env.NODE_ENV = 'production';
    try {
      app = await startApp(platform, debugHeaderAppModule(switches), undefined, { logger: logs });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  });
  afterAll(() => app.close());

  it(warning === null ? 'warns of nothing at startup' : 'warns once at startup', () => {
    const warnings = logs.entries
      .filter((e) => e.level === 'warn' && /X-Cors-Refused|debugHeader/.test(e.message))
      .map((e) => e.message);
    if (warning === null) expect(warnings).toEqual([]);
    else {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(warning);
    }
  });

  it.each(REFUSED_CASES.map((c) => [c.name, c] as const))('%s', async (_case, c) => {
    const received = await app.send(c.request);
    const expected = sent ? c.refused : null;
    expect({ [REFUSED]: received.headers[REFUSED] ?? null }).toEqual({ [REFUSED]: expected });
    // Seen in the network panel, never exposed to the page's scripts.
    expect(received.headers['access-control-expose-headers'] ?? '').not.toMatch(/x-cors-refused/i);
  });
});
