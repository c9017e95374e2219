import { CorsEventStream, type CorsRefusalEvent } from '../../lib/policy/cors-events';
import type { CorsTrialCounts } from '../../lib/policy/trial-recorder';
import { MAX_COUNTED_ROUTES, RefusalCounts, TOP_ORIGINS } from '../../lib/report/refusal-counts';

/** No trial difference: what a registry without trials counts. */
const NO_TRIALS: CorsTrialCounts = { since: '2026-12-02T00:00:00.000Z', routes: [] };

function refused(
  route: string,
  origin: string,
  kind: CorsRefusalEvent['kind'] = 'actual-refused',
): CorsRefusalEvent {
  return { kind, reason: 'origin-not-allowed', header: undefined, route, method: 'GET', origin };
}

describe('RefusalCounts', () => {
  it('counts refused requests and preflights per route, from the events it listens to', () => {
    const events = new CorsEventStream();
    const counts = new RefusalCounts();
    const stop = counts.listen(events);
    events.emit(refused('GET /items', 'https://a.example'));
    events.emit(refused('GET /items', 'https://a.example'));
    events.emit(refused('GET /items', 'https://b.example', 'preflight-refused'));
    events.emit(refused('PUT /items/:id', 'https://b.example', 'preflight-refused'));
    events.emit({ kind: 'policies-replaced', source: 'replace' });
    stop();
    events.emit(refused('GET /items', 'https://a.example'));
    expect(counts.view(NO_TRIALS).routes).toEqual([
      {
        route: 'GET /items',
        actualRefused: 2,
        preflightRefused: 1,
        topOrigins: [
          { origin: 'https://a.example', count: 2 },
          { origin: 'https://b.example', count: 1 },
        ],
      },
      {
        route: 'PUT /items/:id',
        actualRefused: 0,
        preflightRefused: 1,
        topOrigins: [{ origin: 'https://b.example', count: 1 }],
      },
    ]);
    expect(new Date(counts.view(NO_TRIALS).since).getTime()).not.toBeNaN();
  });

  it('counts refused handshakes per gateway; one without Origin names no origin', () => {
    const counts = new RefusalCounts();
    counts.count({
      kind: 'handshake-refused',
      reason: 'origin-not-allowed',
      gateway: 'ChatGateway',
      origin: 'https://a.example',
    });
    counts.count({
      kind: 'handshake-refused',
      reason: 'origin-malformed',
      gateway: 'ChatGateway',
      origin: undefined,
    });
    expect(counts.view(NO_TRIALS).gateways).toEqual([
      {
        gateway: 'ChatGateway',
        handshakesRefused: 2,
        topOrigins: [{ origin: 'https://a.example', count: 1 }],
      },
    ]);
  });

  it('holds at most 10 origins per route under 100,000 distinct ones, and keeps the heavy hitter', () => {
    const counts = new RefusalCounts();
    const heavy = 'https://scraper.example';
    for (let i = 0; i < 100_000; i++) {
      counts.count(refused('GET /items', `https://client-${i}.example`));
      if (i % 5 === 0) counts.count(refused('GET /items', heavy));
    }
    expect(counts.originsHeld).toBe(TOP_ORIGINS);
    const [route] = counts.view(NO_TRIALS).routes;
    expect(route!.actualRefused).toBe(120_000);
    expect(route!.topOrigins).toHaveLength(TOP_ORIGINS);
    // Listed first, with a count never below the truth (20,000).
    expect(route!.topOrigins[0]!.origin).toBe(heavy);
    expect(route!.topOrigins[0]!.count).toBeGreaterThanOrEqual(20_000);
  });

  it('cuts an overlong origin, so that a key stays small', () => {
    const counts = new RefusalCounts();
    counts.count(refused('GET /items', `https://${'a'.repeat(10_000)}.example`));
    expect(counts.view(NO_TRIALS).routes[0]!.topOrigins[0]!.origin).toHaveLength(256);
  });

  it(`counts at most ${MAX_COUNTED_ROUTES} routes`, () => {
    const counts = new RefusalCounts();
    for (let i = 0; i < MAX_COUNTED_ROUTES + 50; i++)
      counts.count(refused(`GET /r${i}`, 'https://a.example'));
    expect(counts.view(NO_TRIALS).routes).toHaveLength(MAX_COUNTED_ROUTES);
  });

  it("shows the registry's trial counts beside its own, as they were given", () => {
    const trials: CorsTrialCounts = {
      since: '2026-12-01T00:00:00.000Z',
      routes: [
        {
          route: 'GET /items',
          total: 2,
          differences: { refuses: 2 },
          topOrigins: [{ origin: 'https://a.example', difference: 'refuses', count: 2 }],
        },
      ],
    };
    const counts = new RefusalCounts();
    const view = counts.view(trials);
    expect(view.trials).toBe(trials);
    expect(view.since).not.toBe(trials.since);
  });
});
