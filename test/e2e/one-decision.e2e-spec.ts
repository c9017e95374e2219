import type { INestApplication, Type } from '@nestjs/common';
import { ACAO, NOTHING_APPROVED, expectResponse, get, withHeaders, type Case } from './cases';
import { PLATFORMS, startApp, type Platform, type TestApp } from './platforms';
import { APP, EVIL } from './fixtures/origins';
import {
  CountingAppModule,
  EnforcingCountingAppModule,
  VERSION,
  predicateCalls,
  setUpCustomVersioning,
  setUpHeaderVersioning,
} from './fixtures/one-decision-app';

/** A case, with how many times the origin predicate may be asked for it (per platform, where they differ). */
interface CountedCase extends Case {
  readonly predicateCalls: number | Readonly<Record<Platform, number>>;
}

const approved = (body: string) => ({ status: 200, body, headers: { [ACAO]: APP } });
const v2 = (origin: string) => withHeaders(get('/items', origin), { [VERSION]: '2' });

/** Where the hook knew the handler: one decision, whatever else runs. */
const DECIDED_ONCE: readonly CountedCase[] = [
  {
    name: 'a plain route',
    request: get('/plain', APP),
    expected: approved('plain'),
    predicateCalls: 1,
  },
  {
    name: "a handler whose @Header('Vary') the interceptor corrects",
    request: get('/vary', APP),
    expected: { ...approved('vary'), varyIncludes: ['Accept-Encoding', 'Origin'] },
    predicateCalls: 1,
  },
  {
    // Ambiguous (two versions, two policies), but the hook reads the version as Nest does and
    // decides with the handler's own policy: the guard takes that decision.
    name: 'an ambiguous versioned route whose version the hook reads',
    request: v2(APP),
    expected: approved('items v2'),
    predicateCalls: 1,
  },
];

const ENFORCED: readonly CountedCase[] = [
  ...DECIDED_ONCE,
  {
    name: 'a plain route, refused origin: 403 from the decision the hook made',
    request: get('/plain', EVIL),
    expected: { status: 403, headers: NOTHING_APPROVED },
    predicateCalls: 1,
  },
];

/**
 * Custom versioning: only Nest's extractor knows the version. Express's router picks the first
 * `/items` route, so the hook answers with the module default (it must write headers before any
 * middleware, a body parser's 400 included) and the guard decides again with the handler's own
 * policy once Nest has chosen the handler: two decisions by two policies, the only place a request
 * is decided twice. Fastify's router chooses among versions itself (Nest gives it the extractor as
 * a route constraint), so there the hook knew the handler.
 */
const CUSTOM_VERSIONING: readonly CountedCase[] = [
  {
    name: 'an ambiguous route only Nest can resolve',
    request: v2(APP),
    expected: approved('items v2'),
    predicateCalls: { express: 2, fastify: 1 },
  },
  {
    name: 'a plain route beside it',
    request: get('/plain', APP),
    expected: approved('plain'),
    predicateCalls: 1,
  },
];

const APPS: readonly (readonly [
  string,
  Type,
  (app: INestApplication) => void,
  readonly CountedCase[],
])[] = [
  ['header versioning', CountingAppModule, setUpHeaderVersioning, DECIDED_ONCE],
  ['header versioning, enforce: true', EnforcingCountingAppModule, setUpHeaderVersioning, ENFORCED],
  [
    'custom versioning, enforce: true',
    EnforcingCountingAppModule,
    setUpCustomVersioning,
    CUSTOM_VERSIONING,
  ],
];

describe.each(PLATFORMS)('origin predicate calls per request on %s', (platform) => {
  describe.each(APPS)('%s', (_title, module, setUp, cases) => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp(platform, module, setUp);
    });
    afterAll(() => app.close());

    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      predicateCalls.count = 0;
      expectResponse(await app.send(c.request), c.expected);
      const expected =
        typeof c.predicateCalls === 'number' ? c.predicateCalls : c.predicateCalls[platform];
      expect(predicateCalls.count).toBe(expected);
    });
  });
});
