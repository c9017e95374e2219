import { CorsEvents, CorsPolicies, type CorsEvent } from '../../lib';
import { ACAO, NOTHING_APPROVED, expectResponse, get, preflight } from './cases';
import { LogRecorder } from './fixtures/debug-app';
import {
  BROKEN_ORIGIN,
  EventsAppModule,
  MetricsService,
  SILENT_ORIGIN,
  received,
} from './fixtures/events-app';
import { APP, EVIL, PARTNER } from './fixtures/origins';
import { PLATFORMS, startApp, type SentRequest, type TestApp } from './platforms';

/*
 * CorsEvents: each decision the module reports reaches a listener subscribed through DI once per
 * occurrence, with its fields; nothing is reported for what was allowed; a listener that throws
 * changes no response.
 */

interface EventCase {
  readonly name: string;
  readonly request: SentRequest;
  readonly status: number;
  /** The events the request must cause, exactly, in order. */
  readonly events: readonly CorsEvent[];
}

const EVENT_CASES: readonly EventCase[] = [
  {
    name: 'an actual request from an origin no policy allows: actual-refused, by declared route',
    request: get('/items?page=2', EVIL),
    status: 200,
    events: [
      {
        kind: 'actual-refused',
        reason: 'origin-not-allowed',
        header: undefined,
        route: 'GET /items',
        method: 'GET',
        origin: EVIL,
      },
    ],
  },
  {
    name: 'a preflight for a header the route does not allow: the reason without the name',
    request: preflight('/items/123', APP, 'PUT', 'x-other'),
    status: 204,
    events: [
      {
        kind: 'preflight-refused',
        reason: 'header-not-allowed',
        header: 'x-other',
        route: 'PUT /items/:id',
        method: 'PUT',
        origin: APP,
      },
    ],
  },
  {
    name: 'a preflight from an origin no policy allows: by the route its method reaches',
    request: preflight('/items/123', EVIL, 'PUT'),
    status: 204,
    events: [
      {
        kind: 'preflight-refused',
        reason: 'origin-not-allowed',
        header: undefined,
        route: 'PUT /items/:id',
        method: 'PUT',
        origin: EVIL,
      },
    ],
  },
  {
    name: 'a request under a paths entry: the entry is the route',
    request: get('/docs/page', APP),
    status: 404,
    events: [
      {
        kind: 'actual-refused',
        reason: 'origin-not-allowed',
        header: undefined,
        route: 'paths /docs',
        method: 'GET',
        origin: APP,
      },
    ],
  },
  {
    name: 'a request no route or entry covers: the default',
    request: get('/nowhere/1', EVIL),
    status: 404,
    events: [
      {
        kind: 'actual-refused',
        reason: 'origin-not-allowed',
        header: undefined,
        route: 'default',
        method: 'GET',
        origin: EVIL,
      },
    ],
  },
  {
    name: 'an allowed request: no event',
    request: get('/items', APP),
    status: 200,
    events: [],
  },
  {
    name: 'an allowed preflight: no event',
    request: preflight('/items/1', PARTNER, 'PUT', 'x-token'),
    status: 204,
    events: [],
  },
  {
    name: 'a request without Origin: no event',
    request: get('/items'),
    status: 200,
    events: [],
  },
];

/** Waits until `count` events arrived (asynchronous lookups report after the response). */
async function eventsArrived(count: number): Promise<void> {
  for (let i = 0; i < 100 && received.length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(PLATFORMS)('CorsEvents on %s', (platform) => {
  const logs = new LogRecorder();
  let app: TestApp;

  beforeAll(async () => {
    app = await startApp(platform, EventsAppModule, undefined, { logger: logs });
  });
  afterAll(() => app.close());
  beforeEach(() => {
    received.length = 0;
  });

  it.each(EVENT_CASES)('$name', async ({ request, status, events }) => {
    const response = await app.send(request);
    expect(response.status).toBe(status);
    expect(received).toEqual(events);
  });

  it('a refused request gets the same response with and without a listener', async () => {
    const withListener = await app.send(get('/items', EVIL));
    const metrics = app.app.get(MetricsService);
    metrics.stop?.();
    try {
      const without = await app.send(get('/items', EVIL));
      expect(without.status).toBe(withListener.status);
      expect(without.headers.vary).toBe(withListener.headers.vary);
      expectResponse(without, { status: 200, headers: NOTHING_APPROVED });
      expect(received).toHaveLength(1);
    } finally {
      metrics.onModuleInit();
    }
  });

  it('an origin predicate that throws: lookup-failed, denied, then the refusal', async () => {
    const response = await app.send(get('/judged', BROKEN_ORIGIN));
    expectResponse(response, { status: 200, headers: NOTHING_APPROVED });
    expect(received).toEqual([
      expect.objectContaining({
        kind: 'lookup-failed',
        lookup: 'origin',
        outcome: 'denied',
        timedOut: false,
        origin: BROKEN_ORIGIN,
        error: expect.objectContaining({ message: 'the origin store is down' }),
      }),
      expect.objectContaining({
        kind: 'actual-refused',
        reason: 'origin-predicate-failed',
        route: 'GET /judged',
      }),
    ]);
  });

  it('an origin predicate that never answers: lookup-failed with timedOut', async () => {
    const response = await app.send(get('/judged', SILENT_ORIGIN));
    expectResponse(response, { status: 200, headers: NOTHING_APPROVED });
    await eventsArrived(2);
    expect(received[0]).toEqual(
      expect.objectContaining({ kind: 'lookup-failed', lookup: 'origin', timedOut: true }),
    );
  });

  it('a per-request policy that throws: lookup-failed for the policy', async () => {
    const response = await app.send(get('/tenant', APP));
    expectResponse(response, { status: 200, headers: NOTHING_APPROVED });
    expect(received[0]).toEqual(
      expect.objectContaining({
        kind: 'lookup-failed',
        lookup: 'policy',
        outcome: 'denied',
        timedOut: false,
        origin: undefined,
      }),
    );
    expect(received.filter((e) => e.kind === 'lookup-failed')).toHaveLength(1);
  });

  it('replace() and watch(): policies-replaced, and a failed read: watch-read-failed', async () => {
    const policies = app.app.get(CorsPolicies);
    const before = policies.current();
    try {
      policies.replace({ ...before, origin: [APP, PARTNER, EVIL] });
      expect(received).toEqual([{ kind: 'policies-replaced', source: 'replace' }]);
      expect((await app.send(get('/items', EVIL))).headers[ACAO]).toBe(EVIL);
      received.length = 0;
      await policies.watch(() => before, { interval: 60_000 });
      expect(received).toEqual([{ kind: 'policies-replaced', source: 'watch' }]);
      received.length = 0;
      await expect(
        policies.watch(() => Promise.reject(new Error('the settings store is down')), {
          interval: 60_000,
        }),
      ).rejects.toThrow('the settings store is down');
      expect(received).toEqual([
        expect.objectContaining({ kind: 'watch-read-failed', timedOut: false }),
      ]);
      received.length = 0;
      await expect(
        policies.watch(() => new Promise(() => undefined), { interval: 60_000, timeout: 100 }),
      ).rejects.toThrow('did not settle');
      expect(received).toEqual([
        expect.objectContaining({ kind: 'watch-read-failed', timedOut: true }),
      ]);
      received.length = 0;
      // A refused replacement changes nothing, and says nothing replaced.
      expect(() => policies.replace({ ...before, origin: 'not an origin' })).toThrow();
      expect(received).toEqual([]);
    } finally {
      policies.stop();
      policies.replace(before);
    }
  });

  it('a listener that throws: the response is unchanged, other listeners still hear, it is logged', async () => {
    const events = app.app.get(CorsEvents);
    const stop = events.on(() => {
      throw new Error('the metrics backend is down');
    });
    const heard: CorsEvent[] = [];
    const stopOther = events.on((event) => heard.push(event));
    try {
      const response = await app.send(get('/items', EVIL));
      expectResponse(response, { status: 200, headers: NOTHING_APPROVED });
      expect(received).toHaveLength(1);
      expect(heard).toHaveLength(1);
      expect(logs.entries.some((e) => e.level === 'error' && e.context === 'Cors')).toBe(true);
    } finally {
      stop();
      stopOther();
    }
  });

  it('a stopped listener hears nothing more', async () => {
    const events = app.app.get(CorsEvents);
    const heard: CorsEvent[] = [];
    const stop = events.on((event) => heard.push(event));
    await app.send(get('/items', EVIL));
    stop();
    await app.send(get('/items', EVIL));
    expect(heard).toHaveLength(1);
    expect(received).toHaveLength(2);
  });
});
