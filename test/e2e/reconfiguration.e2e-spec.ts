import {
  CorsConfigurationError,
  CorsPolicies,
  perRequestPolicy,
  type CorsPolicyConfiguration,
} from '../../lib';
import {
  ACAC,
  ACAM,
  ACAO,
  NOTHING_APPROVED,
  expectResponse,
  get,
  preflight,
  withHeaders,
  type Case,
} from './cases';
import { DetailedLogRecorder } from './fixtures/enable-cors-forms-app';
import { ADMIN, APP, EVIL, NEUTRAL, PARTNER, V1, V2 } from './fixtures/origins';
import {
  INITIAL_CONFIGURATION,
  ReconfigurationAppModule,
  watchedAppModule,
} from './fixtures/reconfiguration-app';
import { PLATFORMS, startApp, type TestApp } from './platforms';

/*
 * CorsPolicies at run time: replace() changes every route's policy from the next request on,
 * preflights included, or refuses and keeps the old; watch() has several instances converge on
 * one store, keeping the last good configuration when a read fails.
 */

const BEFORE_REPLACE: readonly Case[] = [
  {
    name: "the default's origin, with credentials",
    request: get('/items', APP),
    expected: { status: 200, headers: { [ACAO]: APP, [ACAC]: 'true' } },
  },
  {
    name: "the replacement's origin is not allowed yet",
    request: get('/items', ADMIN),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: "a preflight for PUT from the default's origin",
    request: preflight('/items/1', APP, 'PUT'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAC]: 'true', [ACAM]: 'PUT' } },
  },
  {
    name: "@Cors('partner'): the named policy's origin",
    request: get('/partner', PARTNER),
    expected: { status: 200, headers: { [ACAO]: PARTNER, [ACAC]: null } },
  },
  {
    name: "@Cors('partner'): the replacement's partner is not allowed yet",
    request: get('/partner', NEUTRAL),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: "@Cors({ methods: ['PUT'] }): its methods over the default's origin",
    request: preflight('/put-only/1', APP, 'PUT'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAC]: 'true', [ACAM]: 'PUT' } },
  },
];

const REPLACEMENT: CorsPolicyConfiguration = {
  origin: ADMIN,
  methods: ['GET', 'PATCH'],
  policies: { partner: { origin: NEUTRAL, credentials: true } },
};

const AFTER_REPLACE: readonly Case[] = [
  {
    name: "the new default's origin is allowed, without the old credentials",
    request: get('/items', ADMIN),
    expected: { status: 200, headers: { [ACAO]: ADMIN, [ACAC]: null } },
  },
  {
    name: "the old default's origin is denied",
    request: get('/items', APP),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: 'a preflight follows the new default: PATCH is approved',
    request: preflight('/items/1', ADMIN, 'PATCH'),
    expected: { status: 204, headers: { [ACAO]: ADMIN, [ACAM]: 'PATCH', [ACAC]: null } },
  },
  {
    name: 'a preflight follows the new default: PUT is no longer among its methods',
    request: preflight('/items/1', ADMIN, 'PUT'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: "a preflight from the old default's origin is denied",
    request: preflight('/items/1', APP, 'PUT'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: "@Cors('partner') follows the replaced named policy",
    request: get('/partner', NEUTRAL),
    expected: { status: 200, headers: { [ACAO]: NEUTRAL, [ACAC]: 'true' } },
  },
  {
    name: "@Cors('partner'): the old partner is denied",
    request: get('/partner', PARTNER),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: "@Cors({ methods: ['PUT'] }) keeps its methods over the new default",
    request: preflight('/put-only/1', ADMIN, 'PUT'),
    expected: { status: 204, headers: { [ACAO]: ADMIN, [ACAM]: 'PUT', [ACAC]: null } },
  },
  {
    name: "@Cors({ methods: ['PUT'] }): the old default's origin is denied",
    request: preflight('/put-only/1', APP, 'PUT'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'a 404 gets the new default',
    request: get('/nowhere', ADMIN),
    expected: { status: 404, headers: { [ACAO]: ADMIN } },
  },
];

/** Replacements that must be refused, each with the code of its problem. */
const REFUSED_REPLACEMENTS: readonly {
  readonly name: string;
  readonly configuration: CorsPolicyConfiguration;
  readonly code: string;
}[] = [
  {
    name: 'an invalid origin',
    configuration: { ...REPLACEMENT, origin: 'https://a.example/' },
    code: 'origin-not-serialized',
  },
  {
    name: "a configuration without the policy @Cors('partner') names",
    configuration: { origin: EVIL, policies: {} },
    code: 'policy-name-unknown',
  },
  {
    name: "'*' with credentials",
    configuration: { ...REPLACEMENT, origin: '*', credentials: true },
    code: 'origin-any-with-credentials',
  },
];

/** What still answers after a refused replacement: everything of REPLACEMENT, nothing of the refused. */
const STILL_IN_FORCE: readonly Case[] = [
  {
    name: 'the default in force still answers',
    request: get('/items', ADMIN),
    expected: { status: 200, headers: { [ACAO]: ADMIN } },
  },
  {
    name: "the refused configuration's origin is not allowed",
    request: get('/items', EVIL),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: 'the named policy in force still answers',
    request: get('/partner', NEUTRAL),
    expected: { status: 200, headers: { [ACAO]: NEUTRAL } },
  },
  {
    name: 'preflights still follow the default in force',
    request: preflight('/items/1', ADMIN, 'PATCH'),
    expected: { status: 204, headers: { [ACAO]: ADMIN, [ACAM]: 'PATCH' } },
  },
];

/** A per-request default replacing fixed ones: its Vary must reach requests without Origin too. */
const PER_REQUEST_REPLACEMENT: CorsPolicyConfiguration = {
  defaultPolicy: perRequestPolicy(
    (request: { headers: Record<string, string | undefined> }) => ({
      origin: request.headers['x-tenant'] === 'b' ? V2 : V1,
    }),
    { vary: ['X-Tenant'] },
  ),
  policies: { partner: { origin: NEUTRAL } },
};

const AFTER_PER_REQUEST_REPLACE: readonly Case[] = [
  {
    name: "tenant a's origin",
    request: get('/items', V1, { 'x-tenant': 'a' }),
    expected: { status: 200, headers: { [ACAO]: V1, vary: 'Origin, X-Tenant' } },
  },
  {
    name: "tenant b's origin",
    request: get('/items', V2, { 'x-tenant': 'b' }),
    expected: { status: 200, headers: { [ACAO]: V2, vary: 'Origin, X-Tenant' } },
  },
  {
    name: 'a request without Origin now varies by X-Tenant',
    request: get('/items', undefined, { 'x-tenant': 'b' }),
    expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin, X-Tenant' } },
  },
  {
    name: 'the named policy, fixed, does not vary by X-Tenant',
    request: get('/partner'),
    expected: { status: 200, headers: { ...NOTHING_APPROVED, vary: 'Origin' } },
  },
  {
    name: "@Cors({ methods: ['PUT'] }) keeps its methods over the per-request default",
    request: withHeaders(preflight('/put-only/1', V2, 'PUT'), { 'x-tenant': 'b' }),
    expected: { status: 204, headers: { [ACAO]: V2, [ACAM]: 'PUT' } },
  },
];

describe.each(PLATFORMS)('CorsPolicies.replace() on %s', (platform) => {
  let app: TestApp;
  let policies: CorsPolicies;
  beforeAll(async () => {
    app = await startApp(platform, ReconfigurationAppModule);
    policies = app.app.get(CorsPolicies);
  });
  afterAll(() => app.close());

  const sends = (cases: readonly Case[]) =>
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      expectResponse(await app.send(c.request), c.expected);
    });

  describe('before replace()', () => {
    it('current() is the configuration the module started with', () => {
      expect(policies.current()).toEqual(INITIAL_CONFIGURATION);
    });
    sends(BEFORE_REPLACE);
  });

  describe('after replace()', () => {
    beforeAll(() => policies.replace(REPLACEMENT));
    it('current() is the replacement', () => {
      expect(policies.current()).toEqual(REPLACEMENT);
    });
    sends(AFTER_REPLACE);
  });

  describe.each(REFUSED_REPLACEMENTS.map((r) => [r.name, r] as const))(
    'a refused replace(): %s',
    (_name, { configuration, code }) => {
      it(`throws a CorsConfigurationError (${code}) and keeps current()`, () => {
        let thrown: unknown;
        try {
          policies.replace(configuration);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(CorsConfigurationError);
        expect((thrown as CorsConfigurationError).problems.map((p) => p.code)).toEqual([code]);
        expect(policies.current()).toEqual(REPLACEMENT);
      });
      sends(STILL_IN_FORCE);
    },
  );

  describe('after replacing fixed policies with a per-request default', () => {
    beforeAll(() => policies.replace(PER_REQUEST_REPLACEMENT));
    it('current() is what was given', () => {
      expect(policies.current()).toEqual(PER_REQUEST_REPLACEMENT);
    });
    sends(AFTER_PER_REQUEST_REPLACE);
  });
});

// ---- watch(): instances converging on one store ----

/** Stands for a database row that every instance reads its policies from. */
interface Store {
  configuration: CorsPolicyConfiguration;
  /** When set, reading fails, as an unreachable database. */
  unreachable: boolean;
}

const WATCH_INTERVAL = 1000;
/** Time an update has to reach every instance: an interval, plus slack for a loaded machine. */
const CONVERGENCE = 2500;
/** Jest's time for one step of the watch tests, which wait for reads on the interval. */
const STEP_TIMEOUT = 10_000;

function configurationAllowing(origin: string): CorsPolicyConfiguration {
  return { origin, policies: { partner: { origin: PARTNER } } };
}

async function sleep(milliseconds: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Polls until every instance allows `origin` on /items, or the deadline passes.
 *
 * @returns how long it took.
 */
async function untilAllAllow(apps: readonly TestApp[], origin: string): Promise<number> {
  const start = Date.now();
  for (;;) {
    const answers = await Promise.all(apps.map((app) => app.send(get('/items', origin))));
    if (answers.every((received) => received.headers[ACAO] === origin)) return Date.now() - start;
    if (Date.now() - start > CONVERGENCE) {
      throw new Error(
        `Not every instance allows ${origin} after ${CONVERGENCE} ms: ${JSON.stringify(
          answers.map((received) => received.headers[ACAO] ?? null),
        )}`,
      );
    }
    await sleep(50);
  }
}

/** Polls until `holds()`, or fails after `deadline` milliseconds. */
async function until(holds: () => boolean, what: string, deadline = CONVERGENCE): Promise<void> {
  const start = Date.now();
  while (!holds()) {
    if (Date.now() - start > deadline) throw new Error(`Not within ${deadline} ms: ${what}`);
    await sleep(25);
  }
}

async function expectEveryInstance(
  apps: readonly TestApp[],
  origin: string,
  allowed: boolean,
): Promise<void> {
  for (const app of apps) {
    expectResponse(await app.send(get('/items', origin)), {
      status: 200,
      headers: allowed ? { [ACAO]: origin } : NOTHING_APPROVED,
    });
  }
}

describe.each(PLATFORMS)('CorsPolicies.watch() on %s', (platform) => {
  const logs = new DetailedLogRecorder();
  const store: Store = { configuration: configurationAllowing(APP), unreachable: false };
  /** Reads of the store, per instance. */
  const reads = [0, 0];
  const apps: TestApp[] = [];
  const closed = new Set<TestApp>();

  beforeAll(async () => {
    for (const instance of [0, 1]) {
      // One logger for both: Nest's Logger is one per process.
      const app = await startApp(
        platform,
        watchedAppModule(configurationAllowing(EVIL)),
        undefined,
        { logger: logs },
      );
      apps.push(app);
      await app.app.get(CorsPolicies).watch(
        async () => {
          reads[instance]! += 1;
          if (store.unreachable) throw new Error('store unreachable');
          return store.configuration;
        },
        { interval: WATCH_INTERVAL },
      );
    }
  });
  afterAll(async () => {
    for (const app of apps) if (!closed.has(app)) await app.close();
  }, STEP_TIMEOUT);

  it(
    'each instance read the store once and serves its policy, not the one it started with',
    async () => {
      // Once each (twice at most, if an instance started slowly enough for its interval to pass).
      for (const count of reads) expect([1, 2]).toContain(count);
      await expectEveryInstance(apps, APP, true);
      await expectEveryInstance(apps, EVIL, false);
      for (const app of apps) {
        expect(app.app.get(CorsPolicies).current()).toEqual(configurationAllowing(APP));
      }
    },
    STEP_TIMEOUT,
  );

  it(
    `an update of the store reaches both instances within ${CONVERGENCE} ms`,
    async () => {
      store.configuration = configurationAllowing(ADMIN);
      const took = await untilAllAllow(apps, ADMIN);
      expect(took).toBeLessThanOrEqual(CONVERGENCE);
      await expectEveryInstance(apps, APP, false);
      // Preflights follow too.
      for (const app of apps) {
        expectResponse(await app.send(preflight('/items/1', ADMIN, 'PUT')), {
          status: 204,
          headers: { [ACAO]: ADMIN, [ACAM]: 'PUT' },
        });
      }
      expect(logs.at('error')).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    'a read that fails keeps the last good policy, and is logged',
    async () => {
      logs.clear();
      const before = [...reads];
      store.unreachable = true;
      await until(
        () => reads.every((n, i) => n >= before[i]! + 1),
        'both instances read the store again',
      );
      // The read failed after the count: give the failure its turn to be logged.
      await until(() => logs.details.length >= 2, 'both failures logged', 500);
      expect(new Set(logs.at('error'))).toEqual(
        new Set(['Reading the CORS policies failed; the policies in force stay.']),
      );
      expect(logs.details).toEqual(
        expect.arrayContaining([expect.stringContaining('Error: store unreachable')]),
      );
      await expectEveryInstance(apps, ADMIN, true);
      store.unreachable = false;
    },
    STEP_TIMEOUT,
  );

  it(
    'an invalid configuration in the store keeps the last good policy, and is logged',
    async () => {
      logs.clear();
      const before = [...reads];
      store.configuration = {
        origin: 'https://a.example/',
        policies: { partner: { origin: PARTNER } },
      };
      await until(
        () => reads.every((n, i) => n >= before[i]! + 1),
        'both instances read the store again',
      );
      await until(() => logs.details.length >= 2, 'both refusals logged', 500);
      expect(new Set(logs.at('error'))).toEqual(
        new Set(['Reading the CORS policies failed; the policies in force stay.']),
      );
      for (const detail of logs.details) expect(detail).toContain('"https://a.example/"');
      await expectEveryInstance(apps, ADMIN, true);
      await expectEveryInstance(apps, 'https://a.example', false);
      for (const app of apps) {
        expect(app.app.get(CorsPolicies).current()).toEqual(configurationAllowing(ADMIN));
      }
    },
    STEP_TIMEOUT,
  );

  it(
    'a valid configuration again is taken by both',
    async () => {
      store.configuration = configurationAllowing(NEUTRAL);
      await untilAllAllow(apps, NEUTRAL);
      await expectEveryInstance(apps, ADMIN, false);
    },
    STEP_TIMEOUT,
  );

  it(
    'stop() stops the reads of one instance; the other goes on',
    async () => {
      apps[0]!.app.get(CorsPolicies).stop();
      const stoppedAt = reads[0]!;
      const otherAt = reads[1]!;
      store.configuration = configurationAllowing(V1);
      await untilAllAllow([apps[1]!], V1);
      await sleep(WATCH_INTERVAL + 200);
      expect(reads[0]).toBe(stoppedAt);
      expect(reads[1]).toBeGreaterThanOrEqual(otherAt + 2);
      // The stopped instance keeps what it had.
      await expectEveryInstance([apps[0]!], NEUTRAL, true);
      await expectEveryInstance([apps[0]!], V1, false);
    },
    STEP_TIMEOUT,
  );

  it(
    'app.close() stops the reads',
    async () => {
      const app = apps[1]!;
      await app.close();
      closed.add(app);
      const closedAt = reads[1]!;
      await sleep(WATCH_INTERVAL * 2 + 200);
      expect(reads[1]).toBe(closedAt);
    },
    STEP_TIMEOUT,
  );
});
