import { CorsPolicies, type CorsTrialDifferenceEvent } from '../../lib';
import { ACAC, ACAO, ACEH, get, preflight } from './cases';
import { LogRecorder } from './fixtures/debug-app';
import { TrialAppModule, otherEvents, trialEvents } from './fixtures/trial-app';
import { ADMIN, APP, EVIL, PARTNER } from './fixtures/origins';
import { PLATFORMS, startApp, type SentRequest, type TestApp } from './platforms';

/*
 * Trial policies: responses follow the policy in force; every request the trial would answer
 * differently is recorded once, as an event with its fields, in the counts and in a rate-limited
 * log.
 */

interface TrialCase {
  readonly name: string;
  readonly request: SentRequest;
  /** What the response must carry: the enforced policy's answer. */
  readonly headers: Readonly<Record<string, string | null>>;
  /** The trial-difference event it must cause, or none. */
  readonly event: Omit<CorsTrialDifferenceEvent, 'kind'> | undefined;
}

const TRIAL_CASES: readonly TrialCase[] = [
  {
    name: 'the module trial refuses an allowed origin: refuses, origin-not-allowed',
    request: get('/items', PARTNER),
    headers: { [ACAO]: PARTNER, [ACAC]: 'true' },
    event: {
      difference: 'refuses',
      reason: 'origin-not-allowed',
      header: undefined,
      route: 'GET /items',
      method: 'GET',
      preflight: false,
      origin: PARTNER,
    },
  },
  {
    name: 'an origin both allow: nothing recorded',
    request: get('/items', APP),
    headers: { [ACAO]: APP, [ACAC]: 'true' },
    event: undefined,
  },
  {
    name: 'an origin both refuse: nothing recorded',
    request: get('/items', EVIL),
    headers: { [ACAO]: null },
    event: undefined,
  },
  {
    name: 'a same-origin request (by Host): nothing recorded, no CORS applies to it',
    request: get('/open', 'http://api.example.test', { host: 'api.example.test' }),
    headers: { [ACAO]: 'http://api.example.test' },
    event: undefined,
  },
  {
    name: 'a same-origin request (by Sec-Fetch-Site): nothing recorded',
    request: get('/open', 'https://elsewhere.example', { 'sec-fetch-site': 'same-origin' }),
    headers: { [ACAO]: 'https://elsewhere.example' },
    event: undefined,
  },
  {
    name: 'a cross-site request under a trial that refuses it: refuses',
    request: get('/open', 'https://elsewhere.example', { 'sec-fetch-site': 'cross-site' }),
    headers: { [ACAO]: 'https://elsewhere.example' },
    event: {
      difference: 'refuses',
      reason: 'origin-not-allowed',
      header: undefined,
      route: 'GET /open',
      method: 'GET',
      preflight: false,
      origin: 'https://elsewhere.example',
    },
  },
  {
    name: 'an empty Origin under a trial: refused by both, nothing recorded',
    request: get('/open', ''),
    headers: { [ACAO]: null },
    event: undefined,
  },
  {
    name: 'two origins in one header under a trial: refused by both, nothing recorded',
    request: get('/open', `${APP}, ${EVIL}`),
    headers: { [ACAO]: null },
    event: undefined,
  },
  {
    name: 'no Origin: nothing recorded',
    request: get('/items'),
    headers: { [ACAO]: null },
    event: undefined,
  },
  {
    name: 'a preflight for a method the trial does not allow: refuses, method-not-allowed',
    request: preflight('/items/1', APP, 'PUT'),
    headers: { [ACAO]: APP, 'access-control-allow-methods': 'PUT' },
    event: {
      difference: 'refuses',
      reason: 'method-not-allowed',
      header: undefined,
      route: 'PUT /items/:id',
      method: 'PUT',
      preflight: true,
      origin: APP,
    },
  },
  {
    name: 'a preflight for a header the trial does not allow: refuses, with the header',
    request: preflight('/items/headers/1', APP, 'PUT', 'x-trace'),
    headers: { [ACAO]: APP, 'access-control-allow-headers': 'x-trace' },
    event: {
      difference: 'refuses',
      reason: 'header-not-allowed',
      header: 'x-trace',
      route: 'PUT /items/headers/:id',
      method: 'PUT',
      preflight: true,
      origin: APP,
    },
  },
  {
    name: 'a trial that exposes fewer headers: exposes-fewer-headers',
    request: get('/items/exposed', APP),
    headers: { [ACAO]: APP, [ACEH]: 'x-total, x-page' },
    event: {
      difference: 'exposes-fewer-headers',
      reason: undefined,
      header: undefined,
      route: 'GET /items/exposed',
      method: 'GET',
      preflight: false,
      origin: APP,
    },
  },
  {
    name: 'a trial without credentials: drops-credentials',
    request: get('/items/uncredentialed', APP),
    headers: { [ACAO]: APP, [ACAC]: 'true' },
    event: {
      difference: 'drops-credentials',
      reason: undefined,
      header: undefined,
      route: 'GET /items/uncredentialed',
      method: 'GET',
      preflight: false,
      origin: APP,
    },
  },
  {
    name: 'a trial that only changes Max-Age: answers-differently',
    request: preflight('/items/cached/1', APP, 'PUT'),
    headers: { [ACAO]: APP, 'access-control-max-age': null },
    event: {
      difference: 'answers-differently',
      reason: undefined,
      header: undefined,
      route: 'PUT /items/cached/:id',
      method: 'PUT',
      preflight: true,
      origin: APP,
    },
  },
  {
    name: 'trial: false drops the inherited trial',
    request: get('/items/settled', PARTNER),
    headers: { [ACAO]: PARTNER },
    event: undefined,
  },
  {
    name: 'a looser trial: allows, with the reason the policy in force refuses',
    request: get('/strict', EVIL),
    headers: { [ACAO]: null },
    event: {
      difference: 'allows',
      reason: 'origin-not-allowed',
      header: undefined,
      route: 'GET /strict',
      method: 'GET',
      preflight: false,
      origin: EVIL,
    },
  },
  {
    name: 'a paths entry with a trial: the entry is the route',
    request: get('/docs/page', PARTNER),
    headers: { [ACAO]: PARTNER },
    event: {
      difference: 'refuses',
      reason: 'origin-not-allowed',
      header: undefined,
      route: 'paths /docs',
      method: 'GET',
      preflight: false,
      origin: PARTNER,
    },
  },
  {
    name: 'a per-request answer with a trial',
    request: get('/tenant', ADMIN),
    headers: { [ACAO]: ADMIN },
    event: {
      difference: 'refuses',
      reason: 'origin-not-allowed',
      header: undefined,
      route: 'GET /tenant',
      method: 'GET',
      preflight: false,
      origin: ADMIN,
    },
  },
];

describe.each(PLATFORMS)('trial policies on %s', (platform) => {
  const logs = new LogRecorder();
  let app: TestApp;

  beforeAll(async () => {
    app = await startApp(platform, TrialAppModule, undefined, { logger: logs });
  });
  afterAll(() => app.close());
  beforeEach(() => {
    trialEvents.length = 0;
    otherEvents.length = 0;
  });

  it("a trial's failing predicate: the response as in force, refuses, and no lookup-failed", async () => {
    logs.clear();
    const response = await app.send(get('/failing-trial', PARTNER));
    expect(response.headers[ACAO]).toBe(PARTNER);
    expect(trialEvents).toEqual([
      expect.objectContaining({ difference: 'refuses', reason: 'origin-predicate-failed' }),
    ]);
    expect(otherEvents).toEqual([]);
    const errors = logs.entries.filter((e) => e.level === 'error').map((e) => e.message);
    expect(errors).toEqual([
      expect.stringContaining('The origin predicate of a CORS trial failed'),
    ]);
    expect(errors[0]).toContain('its response was not affected');
  });

  it('an invalid trial in a per-request answer: the answer used without it, and logged', async () => {
    logs.clear();
    const response = await app.send(get('/invalid-trial', APP));
    expect(response.headers[ACAO]).toBe(APP);
    expect(trialEvents).toEqual([]);
    const errors = logs.entries.filter((e) => e.level === 'error').map((e) => e.message);
    expect(errors).toEqual([expect.stringContaining('trial.origin')]);
    expect(errors[0]).toContain('The answer is used without its trial.');
  });

  it.each(TRIAL_CASES)('$name', async ({ request, headers, event }) => {
    const response = await app.send(request);
    for (const [name, value] of Object.entries(headers))
      expect([name, response.headers[name] ?? null]).toEqual([name, value]);
    expect(trialEvents).toEqual(
      event === undefined ? [] : [{ kind: 'trial-difference', ...event }],
    );
  });

  it('counts per route, difference and origin; logs a key once an interval', async () => {
    const policies = app.app.get(CorsPolicies);
    const before = policies.trialCounts().routes.find((r) => r.route === 'GET /strict');
    for (let i = 0; i < 3; i++) await app.send(get('/strict', EVIL));
    const after = policies.trialCounts().routes.find((r) => r.route === 'GET /strict')!;
    expect(after.total - (before?.total ?? 0)).toBe(3);
    expect(after.differences.allows! - (before?.differences.allows ?? 0)).toBe(3);
    expect(after.topOrigins[0]).toEqual(
      expect.objectContaining({ origin: EVIL, difference: 'allows' }),
    );
    // Four requests with the same route, origin and difference (the case above, these three): one line.
    const lines = logs
      .messages('Cors')
      .filter((m) => m.startsWith('CORS trial') && m.includes('/strict') && m.includes(EVIL));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'would allow a GET request on route GET /strict from "https://evil.example"',
    );
    expect(trialEvents).toHaveLength(3);
  });

  it('3,000 distinct origins: every one counted, 10 kept, at most 100 log lines', async () => {
    const policies = app.app.get(CorsPolicies);
    const before = policies.trialCounts().routes.find((r) => r.route === 'GET /open')?.total ?? 0;
    logs.clear();
    const origins = Array.from({ length: 3000 }, (_, i) => `https://o${i}.example.com`);
    for (const origin of origins) {
      const response = await app.send(get('/open', origin));
      expect(response.headers[ACAO]).toBe(origin);
    }
    const open = policies.trialCounts().routes.find((r) => r.route === 'GET /open')!;
    expect(open.total - before).toBe(3000);
    expect(open.differences).toEqual({ refuses: open.total });
    expect(open.topOrigins).toHaveLength(10);
    // 100 lines a minute in all: the cases above spent some of this minute's.
    const lines = logs.messages('Cors').filter((m) => m.startsWith('CORS trial'));
    expect(lines.length).toBeLessThanOrEqual(100);
    expect(lines.length).toBeGreaterThan(50);
    expect(trialEvents).toHaveLength(3000);
  }, 60_000);

  it('replace(): a trial added, changed and promoted at run time', async () => {
    const policies = app.app.get(CorsPolicies);
    const before = policies.current();
    try {
      policies.replace({ ...before, trial: { origin: [PARTNER] } });
      await app.send(get('/items', APP));
      expect(trialEvents).toEqual([
        expect.objectContaining({ difference: 'refuses', origin: APP, route: 'GET /items' }),
      ]);
      trialEvents.length = 0;
      // Promoted: the trial's fields become the policy, and nothing differs any more.
      const { trial, ...rest } = policies.current();
      policies.replace({ ...rest, ...(trial || {}) });
      const response = await app.send(get('/items', APP));
      expect(response.headers[ACAO]).toBeUndefined();
      expect((await app.send(get('/items', PARTNER))).headers[ACAO]).toBe(PARTNER);
      expect(trialEvents).toEqual([]);
    } finally {
      policies.replace(before);
    }
  });

  it('replace() refuses an invalid trial, naming it, and keeps the policies in force', async () => {
    const policies = app.app.get(CorsPolicies);
    const before = policies.current();
    expect(() => policies.replace({ ...before, trial: { origin: '*' } })).toThrow(
      /trial\.origin: "\*"/,
    );
    expect(() => policies.replace({ ...before, trial: 'strict' as unknown as false })).toThrow(
      /trial: "strict" is not the fields of a policy to try/,
    );
    expect(policies.current()).toBe(before);
    await app.send(get('/items', PARTNER));
    expect(trialEvents).toHaveLength(1);
  });
});
