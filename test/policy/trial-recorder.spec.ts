import { decideActual, type CompiledCorsPolicy, type CorsDecision } from '../../lib/engine';
import { CorsEventStream, type CorsEvent } from '../../lib/policy/cors-events';
import { TOP_ORIGINS } from '../../lib/policy/top-origins';
import { TRIAL_LOG_INTERVAL, TRIAL_LOG_LINES, TrialLog } from '../../lib/policy/trial-log';
import { compileWithTrial } from '../../lib/policy/trial-policy';
import {
  MAX_PENDING_TRIALS,
  MAX_TRIAL_ROUTES,
  TrialRecorder,
  type TrialSite,
} from '../../lib/policy/trial-recorder';
import { now } from './policy-test-kit';

/*
 * Recording trial differences: memory bounded whatever origins and routes clients send, a log that
 * stays quiet under a flood, and a comparison that never reaches the request it runs beside.
 */

const APP = 'https://app.example.com';
const HEAVY = 'https://heavy.example.net';
const SITE: TrialSite = { route: 'GET /items', method: 'GET' };

/**
 * Any origin allowed, reflected; the trial allows APP alone: every other origin is a `refuses`.
 * No credentials, so that reflecting any origin is a valid policy.
 */
const REFLECTING = compileWithTrial({ origin: true, trial: { origin: [APP] } });

/** A recorder whose log, failures and events the test reads; `clock` is the log's. */
function recorderOf(options: { listen?: boolean; warn?: (line: string) => void } = {}) {
  const events = new CorsEventStream();
  const heard: CorsEvent[] = [];
  if (options.listen === true) events.on((event) => heard.push(event));
  const lines: string[] = [];
  const failures: unknown[] = [];
  const recorder = new TrialRecorder(
    events,
    options.warn ?? ((line) => lines.push(line)),
    (error) => failures.push(error),
    () => 1_000_000,
  );
  return { recorder, events, heard, lines, failures };
}

/** Compares an actual request from `origin` under `policy` on `site`. */
function compare(
  recorder: TrialRecorder,
  origin: string,
  site: TrialSite = SITE,
  policy: CompiledCorsPolicy<unknown> = REFLECTING,
): void {
  // Not `now()`: an expect() per request is most of the time of 100,000 of them.
  const decision = decideActual(policy, origin) as CorsDecision;
  recorder.compare(policy, decision, origin, undefined, {}, () => site);
}

/** Waits until promise callbacks queued so far (and those they queue) have run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('TrialRecorder: bounded memory', () => {
  it('100,000 distinct origins on one route: 10 held, every request counted, the heavy hitter kept', () => {
    const { recorder, lines } = recorderOf();
    let heavy = 0;
    for (let i = 0; i < 100_000; i++) {
      compare(recorder, `https://o${i}.example.org`);
      if (i % 4 === 0) {
        compare(recorder, HEAVY);
        heavy++;
      }
    }
    expect(recorder.originsHeld).toBeLessThanOrEqual(TOP_ORIGINS);
    const [route, ...others] = recorder.counts().routes;
    expect(others).toEqual([]);
    expect(route).toEqual(
      expect.objectContaining({
        route: SITE.route,
        total: 100_000 + heavy,
        differences: { refuses: 100_000 + heavy },
      }),
    );
    expect(route!.topOrigins).toHaveLength(TOP_ORIGINS);
    // Space-Saving never counts a kept key below the truth.
    expect(route!.topOrigins[0]).toEqual({ origin: HEAVY, difference: 'refuses', count: heavy });
    // One interval of the log's clock: at most its lines.
    expect(lines).toHaveLength(TRIAL_LOG_LINES);
  });

  it(`routes are counted up to ${MAX_TRIAL_ROUTES}; beyond them, still logged and emitted`, () => {
    const { recorder, heard } = recorderOf({ listen: true });
    const routes = MAX_TRIAL_ROUTES + 50;
    for (let i = 0; i < routes; i++)
      for (const origin of [HEAVY, `https://r${i}.example.org`])
        compare(recorder, origin, { route: `GET /r${i}`, method: 'GET' });
    const counted = recorder.counts().routes;
    expect(counted).toHaveLength(MAX_TRIAL_ROUTES);
    expect(recorder.originsHeld).toBe(MAX_TRIAL_ROUTES * 2);
    expect(counted.some((r) => r.route === `GET /r${routes - 1}`)).toBe(false);
    expect(heard).toHaveLength(routes * 2);
    expect(heard.at(-1)).toEqual(expect.objectContaining({ route: `GET /r${routes - 1}` }));
  });

  /** A valid origin of 253 characters: its host is 245, four labels and `example.com`. */
  const LONG = `https://${['a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60), 'd'.repeat(50)].join('.')}.example.com`;

  it('an origin of 253 characters is counted once, under its difference', () => {
    const { recorder } = recorderOf();
    expect(LONG).toHaveLength(253);
    compare(recorder, LONG);
    const [route] = recorder.counts().routes;
    expect(route).toEqual(expect.objectContaining({ total: 1, differences: { refuses: 1 } }));
    expect(route!.topOrigins).toEqual([expect.objectContaining({ count: 1 })]);
  });

  // A valid origin may have up to 261 characters: the key built from it and its difference must
  // keep both whole (an earlier key, origin first and cut as a whole, lost the difference).
  it('an overlong origin is kept cut at 256 characters, with its difference, whatever the difference', () => {
    const { recorder } = recorderOf();
    // A host of 253 characters (the longest) and a port: a valid origin of 267 characters.
    const host = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');
    const overlong = `https://${host}:65535`;
    expect(overlong.length).toBe(267);
    compare(recorder, overlong);
    const [counted] = recorder.counts().routes[0]!.topOrigins;
    expect(counted).toEqual({ origin: overlong.slice(0, 256), difference: 'refuses', count: 1 });
  });

  it('an origin of 253 characters keeps its difference in the top origins', () => {
    const { recorder } = recorderOf();
    compare(recorder, LONG);
    const [counted] = recorder.counts().routes[0]!.topOrigins;
    expect(counted).toEqual({ origin: LONG, difference: 'refuses', count: 1 });
  });
});

describe('TrialRecorder: trials waiting on a predicate', () => {
  it('holds at most MAX_PENDING_TRIALS; later requests are answered uncompared until some settle', async () => {
    const { recorder } = recorderOf();
    const waiting: (() => void)[] = [];
    let asked = 0;
    const policy = compileWithTrial({
      origin: true,
      trial: {
        origin: () => {
          asked++;
          return new Promise<boolean>((resolve) => waiting.push(() => resolve(false)));
        },
        predicateTimeout: 60_000,
      },
    });
    for (let i = 0; i < MAX_PENDING_TRIALS + 5; i++)
      compare(recorder, `https://o${i}.example`, SITE, policy);
    expect(asked).toBe(MAX_PENDING_TRIALS);
    for (const resolve of waiting.splice(0)) resolve();
    await settle();
    await settle();
    expect(recorder.counts().routes[0]!.total).toBe(MAX_PENDING_TRIALS);
    compare(recorder, 'https://after.example', SITE, policy);
    expect(asked).toBe(MAX_PENDING_TRIALS + 1);
    // Settled here, not by its 60 s timeout after the suite (a log after the tests fails jest).
    for (const resolve of waiting.splice(0)) resolve();
    await settle();
  });
});

describe('TrialRecorder: events and failures', () => {
  it('emits a trial-difference event only when someone listens; counts either way', () => {
    const quiet = recorderOf();
    const emit = jest.spyOn(quiet.events, 'emit');
    compare(quiet.recorder, HEAVY);
    expect(emit).not.toHaveBeenCalled();
    expect(quiet.recorder.counts().routes[0]!.total).toBe(1);

    const listened = recorderOf({ listen: true });
    compare(listened.recorder, HEAVY);
    compare(listened.recorder, APP);
    expect(listened.heard).toEqual([
      {
        kind: 'trial-difference',
        difference: 'refuses',
        reason: 'origin-not-allowed',
        header: undefined,
        route: SITE.route,
        method: SITE.method,
        preflight: false,
        origin: HEAVY,
      },
    ]);
  });

  it('a listener that throws is reported by the stream; compare() goes on', () => {
    const { recorder, events, failures, lines } = recorderOf();
    const reported: unknown[] = [];
    events.reportListenerErrorsTo((error) => reported.push(error));
    const thrown = new Error('metrics down');
    events.on(() => {
      throw thrown;
    });
    expect(() => compare(recorder, HEAVY)).not.toThrow();
    expect(reported).toEqual([thrown]);
    expect(failures).toEqual([]);
    expect(lines).toHaveLength(1);
  });

  it('a log that throws goes to failed, not out of compare()', () => {
    const thrown = new Error('logger down');
    const { recorder, failures } = recorderOf({
      warn: () => {
        throw thrown;
      },
    });
    expect(() => compare(recorder, HEAVY)).not.toThrow();
    expect(failures).toEqual([thrown]);
  });

  it('a site that throws goes to failed', () => {
    const { recorder, failures } = recorderOf();
    const thrown = new Error('no label');
    const decision = now(decideActual(REFLECTING, HEAVY));
    expect(() =>
      recorder.compare(REFLECTING, decision, HEAVY, undefined, {}, () => {
        throw thrown;
      }),
    ).not.toThrow();
    expect(failures).toEqual([thrown]);
  });

  it('async: a policy promise that rejects, and a log that throws after a trial predicate, go to failed', async () => {
    const thrown = new Error('logger down');
    const { recorder, failures } = recorderOf({
      warn: () => {
        throw thrown;
      },
    });
    const policy = compileWithTrial({
      origin: true,
      trial: { origin: (origin: string) => Promise.resolve(origin === APP) },
    });
    const rejected = new Error('tenant lookup failed');
    // Two origins, so that each is a key of its own in the log, and each write throws.
    const [first, second] = ['https://one.example.org', 'https://two.example.org'];
    expect(() => {
      const decision = now(decideActual(policy, HEAVY));
      recorder.compare(Promise.reject(rejected), decision, HEAVY, undefined, {}, () => SITE);
      recorder.compare(
        Promise.resolve(policy),
        now(decideActual(policy, first)),
        first,
        undefined,
        {},
        () => SITE,
      );
      recorder.compare(
        policy,
        now(decideActual(policy, second)),
        second,
        undefined,
        {},
        () => SITE,
      );
    }).not.toThrow();
    await settle();
    expect(failures).toEqual([rejected, thrown, thrown]);
  });

  it('no difference, no record', () => {
    const { recorder, lines, heard } = recorderOf({ listen: true });
    compare(recorder, APP);
    const untried = compileWithTrial({ origin: true });
    compare(recorder, HEAVY, SITE, untried);
    expect([recorder.counts().routes, lines, heard]).toEqual([[], [], []]);
  });
});

describe('TrialLog', () => {
  /** A log on a clock the test moves; starts far from 0, which the key cache reads as "unset". */
  function logOf() {
    const lines: string[] = [];
    const clock = { at: 1_000_000 };
    const log = new TrialLog(
      (line) => lines.push(line),
      () => clock.at,
    );
    const record = (key: string) => log.record(key, () => `line ${key}`);
    return { log, lines, clock, record };
  }

  it('logs a key once an interval, and again once the interval has passed', () => {
    const { lines, clock, record } = logOf();
    record('GET /items\nhttps://a.example\nrefuses');
    record('GET /items\nhttps://a.example\nrefuses');
    clock.at += TRIAL_LOG_INTERVAL - 1;
    record('GET /items\nhttps://a.example\nrefuses');
    expect(lines).toEqual(['line GET /items\nhttps://a.example\nrefuses']);
    // Another key in the same interval has its own line.
    record('GET /items\nhttps://b.example\nrefuses');
    expect(lines).toHaveLength(2);
    clock.at += 2;
    record('GET /items\nhttps://a.example\nrefuses');
    expect(lines).toHaveLength(3);
  });

  it('builds a message only for a line it writes', () => {
    const { log } = logOf();
    const message = jest.fn(() => 'line');
    for (let i = 0; i < 3; i++) log.record('one key', message);
    expect(message).toHaveBeenCalledTimes(1);
  });

  it(`at most ${TRIAL_LOG_LINES} lines an interval; the rest counted when the next one opens`, () => {
    const { lines, clock, record } = logOf();
    for (let i = 0; i < TRIAL_LOG_LINES + 50; i++) record(`key ${i}`);
    expect(lines).toHaveLength(TRIAL_LOG_LINES);
    // A key held back is not remembered: it is logged once the next interval opens.
    clock.at += TRIAL_LOG_INTERVAL / 2;
    record(`key ${TRIAL_LOG_LINES}`);
    expect(lines).toHaveLength(TRIAL_LOG_LINES);
    clock.at += TRIAL_LOG_INTERVAL / 2;
    record(`key ${TRIAL_LOG_LINES}`);
    expect(lines.slice(TRIAL_LOG_LINES)).toEqual([
      `51 more trial differences were not logged in the last ${TRIAL_LOG_INTERVAL / 1000} s (at most ${TRIAL_LOG_LINES} lines a minute); CorsEvents and the report count them all.`,
      `line key ${TRIAL_LOG_LINES}`,
    ]);
    // Counted once: the next interval has nothing held back to tell.
    clock.at += TRIAL_LOG_INTERVAL;
    record('another key');
    expect(lines.at(-1)).toBe('line another key');
    expect(lines).toHaveLength(TRIAL_LOG_LINES + 3);
  });

  it('remembers at most 1,000 keys, forgetting the least recent', () => {
    const { log, lines, clock, record } = logOf();
    // 100 new keys an interval for 15 intervals: 1,500 keys logged, each once.
    for (let interval = 0; interval < 15; interval++) {
      for (let i = 0; i < TRIAL_LOG_LINES; i++) record(`key ${interval}/${i}`);
      clock.at += TRIAL_LOG_INTERVAL;
    }
    expect(lines).toHaveLength(15 * TRIAL_LOG_LINES);
    const held = (log as unknown as { logged: { size: number } }).logged.size;
    expect(held).toBeLessThanOrEqual(1_000);
    // The keys of the last interval are still remembered within it.
    clock.at -= 1;
    record(`key 14/0`);
    expect(lines).toHaveLength(15 * TRIAL_LOG_LINES);
  });
});
