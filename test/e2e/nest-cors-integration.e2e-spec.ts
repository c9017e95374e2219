import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface.js';
import { CorsConfigurationError } from '../../lib';
import {
  ACAC,
  ACAH,
  ACAM,
  ACAO,
  ACEH,
  ACMA,
  expectResponse,
  expectedOn,
  get,
  preflight,
  type Case,
} from './cases';
import {
  delegateAnsweringInTurn,
  nestCorsIntegrationAppModule,
  type EnableCorsArgument,
} from './fixtures/nest-cors-integration-app';
import { PLATFORMS, startApp, type SentRequest, type TestApp } from './platforms';

/*
 * Nest's own CORS integration tests (nestjs/nest, integration/cors/e2e: express.spec.ts,
 * fastify.spec.ts, and node.spec.ts, which runs the same scenarios on @nestjs/platform-node),
 * ported to CorsModule: where upstream calls app.enableCors(X) or passes { cors: X } to the
 * application, the root module imports CorsModule.forRoot(X). Every scenario runs on Express and
 * on Fastify from the one table below.
 *
 * Each case keeps upstream's request and assertions next to ours. Where they differ, because the
 * module is deliberately stricter than enableCors, `differsFromUpstream` says why, keyed by what
 * differs ('request', or a header name), and each test first checks that nothing else differs. The
 * same list, one line per difference, is in the README ("Nest's own CORS tests, run against this
 * module").
 */

/** What an upstream test sent, and the header values it expected. It asserted no status. */
interface UpstreamAssertions {
  readonly request: SentRequest;
  readonly headers: Readonly<Record<string, string>>;
}

interface PortedCase extends Case {
  readonly upstream: UpstreamAssertions;
  /** Why our request or expected header differs from upstream's, keyed by 'request' or header name. */
  readonly differsFromUpstream?: Readonly<Record<string, string>>;
  /** Further differences on Fastify only, with `byPlatform.fastify` expecting them. */
  readonly differsOnFastify?: Readonly<Record<string, string>>;
}

interface PortedScenario {
  /** Where upstream has it: the describe blocks of each of its spec files. */
  readonly upstream: string;
  /** The argument of forRoot, made afresh for each application (a delegate counts its requests). */
  readonly forRoot: () => EnableCorsArgument;
  /** `forRootAsync` where upstream passed the app option `{ cors }`, to cover the factory path too. */
  readonly via?: 'forRoot' | 'forRootAsync';
  /** Sent in this order to one application, as upstream's tests share theirs. */
  readonly cases: readonly PortedCase[];
}

/**
 * Upstream's two configurations, as written there. Their origins have no scheme, which
 * CorsModule refuses at startup (see the last describe block), so the cases use OUR_CONFIGS.
 */
const UPSTREAM_CONFIGS: readonly CorsOptions[] = [
  {
    origin: 'example.com',
    methods: 'GET',
    credentials: true,
    exposedHeaders: ['foo', 'bar'],
    allowedHeaders: ['baz', 'woo'],
    maxAge: 123,
  },
  {
    origin: 'sample.com',
    methods: 'GET',
    credentials: true,
    exposedHeaders: ['zoo', 'bar'],
    allowedHeaders: ['baz', 'foo'],
    maxAge: 321,
  },
];

/** The same configurations, each origin given the https scheme; nothing else changed. */
const OUR_CONFIGS: readonly CorsOptions[] = UPSTREAM_CONFIGS.map((config) => ({
  ...config,
  origin: `https://${String(config.origin)}`,
}));
const FIRST_ORIGIN = 'https://example.com';
const SECOND_ORIGIN = 'https://sample.com';

const WHY = {
  originSent:
    'CorsModule approves only requests that carry an Origin (upstream sent none, and the cors package answered anyway); we send the configured origin',
  preflightSent:
    'only an OPTIONS request with Origin and Access-Control-Request-Method is a preflight (upstream sent a bare OPTIONS, which here belongs to the application: 404); we send a preflight for GET',
  scheme:
    "origins must be written with their scheme ('example.com' is refused at startup), so the configured and echoed origin is https://<host>",
  listSeparator: 'header lists are joined with ", " (the same list; upstream joined with ",")',
  preflightVary:
    'a preflight answer also depends on Access-Control-Request-Method and -Headers, and says so, so that caches key on them',
  requestedOnly:
    'a preflight approves only the method and headers it asks for (a browser caches approvals per URL, whatever method they were for), and this one asks for no header, so Access-Control-Allow-Headers is not sent',
  noExposeOnPreflight:
    'Access-Control-Expose-Headers means nothing on a preflight answer (browsers read it on the actual response), so it is not sent there',
} as const;

/** GET / from the first configured origin; upstream: the first request, or the static config. */
const GET_WITH_FIRST_CONFIG: PortedCase = {
  name: 'GET / carries the headers of the first configuration',
  request: get('/', FIRST_ORIGIN),
  expected: {
    status: 200,
    headers: {
      [ACAO]: FIRST_ORIGIN,
      vary: 'Origin',
      [ACAC]: 'true',
      [ACEH]: 'foo, bar',
      'content-length': '0',
    },
  },
  upstream: {
    request: { method: 'GET', path: '/' },
    headers: {
      [ACAO]: 'example.com',
      vary: 'Origin',
      [ACAC]: 'true',
      [ACEH]: 'foo,bar',
      'content-length': '0',
    },
  },
  differsFromUpstream: {
    request: `${WHY.originSent}; ${WHY.scheme}`,
    [ACAO]: WHY.scheme,
    [ACEH]: WHY.listSeparator,
  },
};

/** What the preflight answer with the second configuration carries, on Express. */
const SECOND_CONFIG_PREFLIGHT_HEADERS = {
  [ACAO]: SECOND_ORIGIN,
  vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  [ACAC]: 'true',
  [ACEH]: null,
  [ACAM]: 'GET',
  [ACAH]: null,
  [ACMA]: '321',
  'content-length': '0',
};

/** A preflight from the second configured origin; upstream: the second request. */
const PREFLIGHT_WITH_SECOND_CONFIG: PortedCase = {
  name: 'a preflight to / is answered with the second configuration',
  request: preflight('/', SECOND_ORIGIN, 'GET'),
  expected: { status: 204, headers: SECOND_CONFIG_PREFLIGHT_HEADERS },
  upstream: {
    request: { method: 'OPTIONS', path: '/' },
    headers: {
      [ACAO]: 'sample.com',
      vary: 'Origin',
      [ACAC]: 'true',
      [ACEH]: 'zoo,bar',
      [ACAM]: 'GET',
      [ACAH]: 'baz,foo',
      [ACMA]: '321',
      'content-length': '0',
    },
  },
  byPlatform: {
    fastify: {
      status: 204,
      headers: { ...SECOND_CONFIG_PREFLIGHT_HEADERS, 'content-length': null },
    },
  },
  differsOnFastify: {
    'content-length':
      'Fastify sends no Content-Length with a 204, which RFC 9110 section 8.6 forbids there; Express sends 0, as upstream expects',
  },
  differsFromUpstream: {
    request: `${WHY.preflightSent}; ${WHY.scheme}`,
    [ACAO]: WHY.scheme,
    vary: WHY.preflightVary,
    [ACEH]: WHY.noExposeOnPreflight,
    [ACAH]: WHY.requestedOnly,
  },
};

const SCENARIOS: readonly PortedScenario[] = [
  {
    upstream: 'Dynamic config › enableCors(delegate)',
    forRoot: () => delegateAnsweringInTurn(OUR_CONFIGS),
    cases: [GET_WITH_FIRST_CONFIG, PREFLIGHT_WITH_SECOND_CONFIG],
  },
  {
    upstream: 'Dynamic config › application options { cors: delegate }',
    via: 'forRootAsync',
    forRoot: () => delegateAnsweringInTurn(OUR_CONFIGS),
    cases: [GET_WITH_FIRST_CONFIG, PREFLIGHT_WITH_SECOND_CONFIG],
  },
  {
    upstream: 'Static config › enableCors(configs[0])',
    forRoot: () => OUR_CONFIGS[0]!,
    cases: [GET_WITH_FIRST_CONFIG],
  },
  {
    upstream: 'Static config › application options { cors: configs[0] }',
    via: 'forRootAsync',
    forRoot: () => OUR_CONFIGS[0]!,
    cases: [GET_WITH_FIRST_CONFIG],
  },
];

/**
 * What differs between a case and upstream's test: 'request', and the names of the headers whose
 * expected value is not upstream's. Each must have its reason in `differsFromUpstream`, and only
 * these may: a header upstream asserts and the case does not is listed too.
 */
function differencesFromUpstream(
  { request, upstream }: PortedCase,
  expected: PortedCase['expected'],
): string[] {
  const differing = Object.entries(upstream.headers)
    .filter(([name, value]) => (expected.headers ?? {})[name] !== value)
    .map(([name]) => name);
  const sameRequest = JSON.stringify(request) === JSON.stringify(upstream.request);
  return (sameRequest ? differing : ['request', ...differing]).sort();
}

describe.each(PLATFORMS)('nestjs/nest integration/cors, ported, on %s', (platform) => {
  describe.each(SCENARIOS.map((s) => [s.upstream, s] as const))('%s', (_upstream, scenario) => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp(
        platform,
        nestCorsIntegrationAppModule(scenario.forRoot(), scenario.via),
      );
    });
    afterAll(() => app.close());

    // Jest runs these in order, so the delegate sees the requests in the order upstream sends them.
    it.each(scenario.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const expected = expectedOn(platform, c);
      const reasons = {
        ...c.differsFromUpstream,
        ...(platform === 'fastify' ? c.differsOnFastify : {}),
      };
      expect(Object.keys(reasons).sort()).toEqual(differencesFromUpstream(c, expected));
      expectResponse(await app.send(c.request), expected);
    });
  });

  it("refuses upstream's own static configuration at startup: its origin has no scheme", async () => {
    const error: unknown = await startApp(
      platform,
      nestCorsIntegrationAppModule(UPSTREAM_CONFIGS[0]!),
    ).then(
      async (app) => {
        await app.close();
        return undefined;
      },
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(CorsConfigurationError);
    expect((error as CorsConfigurationError).problems.map((p) => [p.code, p.value])).toEqual([
      ['origin-no-scheme', 'example.com'],
    ]);
  });
});
