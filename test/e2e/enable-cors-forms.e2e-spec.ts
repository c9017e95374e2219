import { IncomingMessage } from 'node:http';
import type {
  CorsOptions,
  CorsOptionsDelegate,
} from '@nestjs/common/interfaces/external/cors-options.interface.js';
import { CorsConfigurationError, type CorsModuleArgument } from '../../lib';
import {
  ACAC,
  ACAH,
  ACAM,
  ACAO,
  ACEH,
  ACMA,
  NOTHING_APPROVED,
  expectResponse,
  get,
  preflight,
  withHeaders,
  type Case,
} from './cases';
import {
  DetailedLogRecorder,
  REGISTRATIONS,
  formAppModule,
} from './fixtures/enable-cors-forms-app';
import { ADMIN, APP, EVIL, PARTNER } from './fixtures/origins';
import { PLATFORMS, startApp, type Platform, type TestApp } from './platforms';

/*
 * Every form `app.enableCors(X)` takes, given to CorsModule as `forRoot(X)` and as
 * `forRootAsync({ useFactory: () => X })`, on Express and on Fastify: options typed as Nest's
 * `CorsOptions`, `true`, an options delegate, and origin callbacks, however they answer.
 */

/** An origin that ends like APP's host: a regex matched anywhere in it would let it through. */
const LOOKALIKE = 'https://app.example.com.evil.example';

interface FormCase extends Case {
  /**
   * The failure the origin callback reported: one error under the `Cors` context whose stack names
   * it. Without it, the request must log no error at all.
   */
  readonly errorLogged?: string;
}

/** What a form's argument may record, to prove what it was called with. */
interface Probe {
  readonly requests: object[];
}

interface Form {
  readonly name: string;
  /** Made afresh for each application, so that what it records belongs to that application. */
  readonly argument: (probe: Probe) => CorsModuleArgument;
  readonly cases: readonly FormCase[];
  /** Further checks once the cases ran, on what the argument recorded. */
  readonly check?: {
    readonly name: string;
    readonly run: (platform: Platform, probe: Probe) => void;
  };
}

// ---- Options typed as Nest's CorsOptions ----

const NEST_OPTIONS: CorsOptions = {
  origin: [APP, /^https:\/\/[a-z]+\.example\.org$/],
  methods: ['GET', 'PUT'],
  allowedHeaders: ['X-Token'],
  exposedHeaders: ['X-Total'],
  credentials: true,
  maxAge: 600,
  optionsSuccessStatus: 200,
};

const NEST_OPTIONS_CASES: readonly FormCase[] = [
  {
    name: 'a listed origin gets itself, credentials and the exposed headers',
    request: get('/items', APP),
    expected: {
      status: 200,
      headers: { [ACAO]: APP, [ACAC]: 'true', [ACEH]: 'X-Total' },
      varyIncludes: ['Origin'],
    },
  },
  {
    name: 'an origin the regex matches',
    request: get('/items', PARTNER),
    expected: { status: 200, headers: { [ACAO]: PARTNER, [ACAC]: 'true' } },
  },
  {
    name: 'any other origin gets nothing approving',
    request: get('/items', EVIL),
    expected: { status: 200, headers: NOTHING_APPROVED, varyIncludes: ['Origin'] },
  },
  {
    name: 'a preflight: methods, headers, max age, and optionsSuccessStatus 200',
    request: preflight('/items/1', APP, 'PUT', 'x-token'),
    expected: {
      status: 200,
      headers: {
        [ACAO]: APP,
        [ACAC]: 'true',
        [ACAM]: 'PUT',
        [ACAH]: 'x-token',
        [ACMA]: '600',
        [ACEH]: null,
      },
    },
  },
  {
    name: 'a preflight for a method not in methods is refused',
    request: preflight('/items/1', APP, 'DELETE'),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: 'a preflight for a header not in allowedHeaders is refused',
    request: preflight('/items/1', APP, 'PUT', 'x-other'),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
];

// ---- true ----

const TRUE_CASES: readonly FormCase[] = [
  {
    name: "any origin gets '*', without credentials",
    request: get('/items', EVIL),
    expected: {
      status: 200,
      headers: { [ACAO]: '*', [ACAC]: null, [ACEH]: null },
      varyExcludes: ['Origin'],
    },
  },
  {
    name: "a request without Origin gets '*' too",
    request: get('/items'),
    expected: { status: 200, headers: { [ACAO]: '*' }, varyExcludes: ['Origin'] },
  },
  {
    name: 'a preflight for PUT is approved (the default methods), naming PUT and the asked headers',
    request: preflight('/items/1', PARTNER, 'PUT', 'x-anything'),
    expected: {
      status: 204,
      headers: { [ACAO]: '*', [ACAM]: 'PUT', [ACAH]: 'x-anything', [ACAC]: null },
    },
  },
];

// ---- Options delegates: (req, callback) => callback(null, options) ----

const DELEGATED_OPTIONS: CorsOptions = {
  origin: [APP, ADMIN],
  credentials: true,
  exposedHeaders: ['X-Total'],
};

// `any`, as users write it for either platform's request.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRequestDelegate = CorsOptionsDelegate<any>;

const syncDelegate: AnyRequestDelegate = (_request, callback) => callback(null, DELEGATED_OPTIONS);

const timerDelegate: AnyRequestDelegate = (_request, callback) => {
  setTimeout(() => callback(null, DELEGATED_OPTIONS), 20);
};

const DELEGATE_CASES: readonly FormCase[] = [
  {
    name: "an origin of the delegate's options, with credentials and exposed headers",
    request: get('/items', ADMIN),
    expected: {
      status: 200,
      headers: { [ACAO]: ADMIN, [ACAC]: 'true', [ACEH]: 'X-Total' },
      varyIncludes: ['Origin'],
    },
  },
  {
    name: 'an origin the options do not list',
    request: get('/items', EVIL),
    expected: { status: 200, headers: NOTHING_APPROVED, varyIncludes: ['Origin'] },
  },
  {
    name: 'a preflight for PUT, with the default methods',
    request: preflight('/items/1', APP, 'PUT'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAC]: 'true', [ACAM]: 'PUT' } },
  },
  {
    name: 'a preflight from an origin the options do not list',
    request: preflight('/items/1', EVIL, 'PUT'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
];

/** Chooses the options by the `Host` the request was sent to, recording the request it got. */
function byHostDelegate(probe: Probe): AnyRequestDelegate {
  return (request: { headers: Record<string, string | undefined> }, callback) => {
    probe.requests.push(request);
    callback(null, { origin: request.headers.host === 'b.tenants.test' ? PARTNER : APP });
  };
}

const BY_HOST_CASES: readonly FormCase[] = [
  {
    name: "host a: tenant a's origin",
    request: get('/items', APP, { host: 'a.tenants.test' }),
    expected: { status: 200, headers: { [ACAO]: APP } },
  },
  {
    name: "host b: tenant b's origin",
    request: get('/items', PARTNER, { host: 'b.tenants.test' }),
    expected: { status: 200, headers: { [ACAO]: PARTNER } },
  },
  {
    name: "host b: tenant a's origin is refused",
    request: get('/items', APP, { host: 'b.tenants.test' }),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: "a preflight to host b, from tenant b's origin",
    request: withHeaders(preflight('/items/1', PARTNER, 'PUT'), { host: 'b.tenants.test' }),
    expected: { status: 204, headers: { [ACAO]: PARTNER, [ACAM]: 'PUT' } },
  },
];

/** Express hands its `req` (an IncomingMessage with `get()`), Fastify its `request` (with `raw`). */
function expectPlatformRequests(platform: Platform, { requests }: Probe): void {
  expect(requests).toHaveLength(BY_HOST_CASES.length);
  for (const request of requests) {
    const shape = {
      isIncomingMessage: request instanceof IncomingMessage,
      hasGet: typeof (request as { get?: unknown }).get === 'function',
      rawIsIncomingMessage: (request as { raw?: unknown }).raw instanceof IncomingMessage,
    };
    expect(shape).toEqual(
      platform === 'express'
        ? { isIncomingMessage: true, hasGet: true, rawIsIncomingMessage: false }
        : { isIncomingMessage: false, hasGet: false, rawIsIncomingMessage: true },
    );
  }
}

// ---- Origin callbacks: (origin, callback) => callback(null, allow) ----

const ORIGIN_CALLBACK_CASES: readonly FormCase[] = [
  {
    name: 'an origin the callback allows',
    request: get('/items', APP),
    expected: { status: 200, headers: { [ACAO]: APP }, varyIncludes: ['Origin'] },
  },
  {
    name: 'an origin the callback refuses',
    request: get('/items', EVIL),
    expected: { status: 200, headers: NOTHING_APPROVED, varyIncludes: ['Origin'] },
  },
  {
    name: 'a preflight the callback allows',
    request: preflight('/items/1', APP, 'PUT'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAM]: 'PUT' } },
  },
  {
    name: 'a preflight the callback refuses',
    request: preflight('/items/1', EVIL, 'PUT'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'a request without Origin: nothing approved, Vary: Origin',
    request: get('/items'),
    expected: { status: 200, headers: NOTHING_APPROVED, varyIncludes: ['Origin'] },
  },
];

const STRING_ANSWER_CASES: readonly FormCase[] = [
  {
    name: 'the origin it names is allowed',
    request: get('/items', APP),
    expected: { status: 200, headers: { [ACAO]: APP } },
  },
  {
    name: 'another origin is refused, not answered with the named one',
    request: get('/items', EVIL),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
];

const ANCHORED_REGEX_ANSWER_CASES: readonly FormCase[] = [
  {
    name: 'an origin the regex matches',
    request: get('/items', ADMIN),
    expected: { status: 200, headers: { [ACAO]: ADMIN } },
  },
  {
    name: 'an origin it does not match',
    request: get('/items', EVIL),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: 'a preflight from an origin it matches',
    request: preflight('/items/1', APP, 'PUT'),
    expected: { status: 204, headers: { [ACAO]: APP } },
  },
];

const UNANCHORED_REGEX_ANSWER_CASES: readonly FormCase[] = [
  {
    name: 'the origin it spells out is allowed',
    request: get('/items', APP),
    expected: { status: 200, headers: { [ACAO]: APP } },
  },
  {
    name: 'it matches the whole origin: a look-alike that contains it is refused',
    request: get('/items', LOOKALIKE),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
];

const FAILING_CALLBACK_CASES: readonly FormCase[] = [
  {
    name: "the request gets the handler's status and nothing approving, and the error is logged",
    request: get('/items', APP),
    expected: { status: 200, body: 'items', headers: NOTHING_APPROVED },
    errorLogged: 'db down',
  },
  {
    name: 'a preflight is answered, approving nothing, and the error is logged',
    request: preflight('/items/1', APP, 'PUT'),
    expected: { status: 204, headers: NOTHING_APPROVED },
    errorLogged: 'db down',
  },
  {
    name: 'the PUT itself reaches its handler',
    request: { method: 'PUT', path: '/items/1', headers: { origin: APP } },
    expected: { status: 200, body: 'updated', headers: NOTHING_APPROVED },
    errorLogged: 'db down',
  },
  {
    name: 'a request without Origin does not call it',
    request: get('/items'),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
];

const FORMS: readonly Form[] = [
  { name: 'options typed as CorsOptions', argument: () => NEST_OPTIONS, cases: NEST_OPTIONS_CASES },
  { name: 'true', argument: () => true, cases: TRUE_CASES },
  {
    name: 'a CorsOptionsDelegate answering synchronously',
    argument: () => syncDelegate,
    cases: DELEGATE_CASES,
  },
  {
    name: 'a CorsOptionsDelegate answering from a timer',
    argument: () => timerDelegate,
    cases: DELEGATE_CASES,
  },
  {
    name: 'a CorsOptionsDelegate choosing by Host',
    argument: byHostDelegate,
    cases: BY_HOST_CASES,
    check: {
      name: "the delegate got the platform's request object, once per request",
      run: expectPlatformRequests,
    },
  },
  {
    name: 'an origin callback answering synchronously',
    argument: () =>
      ({
        origin: (origin, callback) => callback(null, origin === APP),
        methods: ['GET', 'PUT'],
      }) satisfies CorsOptions,
    cases: ORIGIN_CALLBACK_CASES,
  },
  {
    name: 'an origin callback answering from setTimeout (returning the timer)',
    argument: () =>
      ({
        origin: (origin, callback) => setTimeout(() => callback(null, origin === APP), 10),
        methods: ['GET', 'PUT'],
      }) satisfies CorsOptions,
    cases: ORIGIN_CALLBACK_CASES,
  },
  {
    name: 'an origin callback answering with an origin string',
    argument: () => ({ origin: (_origin, callback) => callback(null, APP) }) satisfies CorsOptions,
    cases: STRING_ANSWER_CASES,
  },
  {
    name: 'an origin callback answering with an anchored regex',
    argument: () =>
      ({
        origin: (_origin, callback) => callback(null, /^https:\/\/[a-z]+\.example\.com$/),
      }) satisfies CorsOptions,
    cases: ANCHORED_REGEX_ANSWER_CASES,
  },
  {
    name: 'an origin callback answering with an unanchored regex',
    argument: () =>
      ({
        origin: (_origin, callback) => callback(null, /https:\/\/app\.example\.com/),
      }) satisfies CorsOptions,
    cases: UNANCHORED_REGEX_ANSWER_CASES,
  },
  {
    name: 'an origin callback failing synchronously',
    argument: () =>
      ({
        origin: (_origin, callback) => callback(new Error('db down')),
      }) satisfies CorsOptions,
    cases: FAILING_CALLBACK_CASES,
  },
  {
    name: 'an origin callback failing from a timer',
    argument: () =>
      ({
        origin: (_origin, callback) => {
          setTimeout(() => callback(new Error('db down')), 10);
        },
      }) satisfies CorsOptions,
    cases: FAILING_CALLBACK_CASES,
  },
];

describe.each(PLATFORMS)('app.enableCors() forms in CorsModule on %s', (platform) => {
  describe.each(REGISTRATIONS)('%s', (registration) => {
    describe.each(FORMS.map((form) => [form.name, form] as const))('%s', (_name, form) => {
      const logs = new DetailedLogRecorder();
      const probe: Probe = { requests: [] };
      let app: TestApp;
      beforeAll(async () => {
        app = await startApp(
          platform,
          formAppModule(form.argument(probe), registration),
          undefined,
          { logger: logs },
        );
      });
      afterAll(() => app.close());
      beforeEach(() => logs.clear());

      it.each(form.cases.map((c) => [c.name, c] as const))('%s', async (_case, c) => {
        expectResponse(await app.send(c.request), c.expected);
        // Once the response is back, a failure has been reported (it denied this request).
        const errors = logs.at('error');
        if (c.errorLogged === undefined) {
          expect(errors).toEqual([]);
        } else {
          expect(errors).toEqual([
            `The origin predicate failed for ${JSON.stringify(APP)}; the request was denied.`,
          ]);
          expect(logs.details).toHaveLength(1);
          expect(logs.details[0]).toContain(`Error: ${c.errorLogged}`);
        }
      });

      if (form.check !== undefined) {
        const { name, run } = form.check;
        it(name, () => run(platform, probe));
      }
    });
  });
});

// ---- What enableCors() does not take, and where the module reads options more strictly ----

async function startupError(platform: Platform, build: () => unknown): Promise<unknown> {
  try {
    const app = await startApp(platform, build() as ReturnType<typeof formAppModule>);
    await app.close();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe.each(PLATFORMS)('forRoot(false) on %s', (platform) => {
  it.each(REGISTRATIONS)(
    'is refused at startup by %s with a CorsConfigurationError',
    async (registration) => {
      const error = await startupError(platform, () =>
        // enableCors() does not take false, and neither do the types.
        formAppModule(false as unknown as CorsModuleArgument, registration),
      );
      expect(error).toBeInstanceOf(CorsConfigurationError);
      const { problems, message } = error as CorsConfigurationError;
      expect(problems.map((problem) => problem.code)).toEqual(['module-options-invalid']);
      expect(message).toContain('@Cors(false)');
    },
  );
});

interface WarningCase {
  readonly name: string;
  readonly argument: CorsModuleArgument;
  /** What each expected warning contains; each must be logged exactly once, and nothing else. */
  readonly warnings: readonly (readonly string[])[];
  /** Requests that show what the configuration means. */
  readonly cases: readonly Case[];
}

const UNANCHORED = /example\.com$/;

const WARNING_CASES: readonly WarningCase[] = [
  {
    name: 'an unanchored regex origin: warned once, naming it',
    argument: { origin: UNANCHORED },
    warnings: [['origin /example\\.com$/ must match the whole origin', 'Anchor it']],
    cases: [
      {
        name: 'and it means what the warning says: an origin it matches only in part is refused',
        request: get('/items', APP),
        expected: { status: 200, headers: NOTHING_APPROVED },
      },
    ],
  },
  {
    name: 'an unanchored regex in a list: warned once, naming its place',
    argument: { origin: [APP, UNANCHORED] },
    warnings: [['origin[1] /example\\.com$/ must match the whole origin']],
    cases: [
      {
        name: 'the listed origin is still allowed',
        request: get('/items', APP),
        expected: { status: 200, headers: { [ACAO]: APP } },
      },
    ],
  },
  {
    name: 'a default without origin: warned once',
    argument: { methods: ['GET', 'PUT'] },
    warnings: [['the default policy has no origin', 'Write origin: "*" to keep that']],
    cases: [
      {
        name: 'and no origin is allowed',
        request: get('/items', APP),
        expected: { status: 200, headers: NOTHING_APPROVED },
      },
    ],
  },
  {
    name: 'an anchored regex: no warning',
    argument: { origin: /^https:\/\/[a-z]+\.example\.com$/ },
    warnings: [],
    cases: [
      {
        name: 'and it allows what it matches',
        request: get('/items', APP),
        expected: { status: 200, headers: { [ACAO]: APP } },
      },
    ],
  },
  {
    name: 'an explicit origin: false: no warning',
    argument: { origin: false },
    warnings: [],
    cases: [
      {
        name: 'and no origin is allowed',
        request: get('/items', APP),
        expected: { status: 200, headers: NOTHING_APPROVED },
      },
    ],
  },
  {
    name: 'true: no warning',
    argument: true,
    warnings: [],
    cases: [
      {
        name: "and every origin gets '*'",
        request: get('/items', EVIL),
        expected: { status: 200, headers: { [ACAO]: '*' } },
      },
    ],
  },
];

describe.each(PLATFORMS)('startup warnings on %s', (platform) => {
  describe.each(REGISTRATIONS)('%s', (registration) => {
    describe.each(WARNING_CASES.map((c) => [c.name, c] as const))('%s', (_name, warningCase) => {
      const logs = new DetailedLogRecorder();
      let app: TestApp;
      let warned: string[];
      beforeAll(async () => {
        app = await startApp(
          platform,
          formAppModule(warningCase.argument, registration),
          undefined,
          { logger: logs },
        );
        warned = logs.at('warn');
      });
      afterAll(() => app.close());

      it(`logs ${warningCase.warnings.length} warning(s) under Cors, each once`, () => {
        expect(warned).toHaveLength(warningCase.warnings.length);
        for (const parts of warningCase.warnings) {
          const matching = warned.filter((message) =>
            parts.every((part) => message.includes(part)),
          );
          expect({ parts, matching: matching.length }).toEqual({ parts, matching: 1 });
        }
      });

      it.each(warningCase.cases.map((c) => [c.name, c] as const))('%s', async (_case, c) => {
        expectResponse(await app.send(c.request), c.expected);
        // Requests add no warning: each was logged at startup, once.
        expect(logs.at('warn')).toHaveLength(warningCase.warnings.length);
      });
    });
  });
});

describe.each(PLATFORMS)("a delegate's answer on %s", (platform) => {
  const logs = new DetailedLogRecorder();
  let app: TestApp;
  beforeAll(async () => {
    const delegate: AnyRequestDelegate = (_request, callback) =>
      callback(null, { origin: [ADMIN, UNANCHORED] });
    app = await startApp(platform, formAppModule(delegate, 'forRoot'), undefined, {
      logger: logs,
    });
  });
  afterAll(() => app.close());

  it('nothing is warned at startup: the answer is not known yet', () => {
    expect(logs.at('warn')).toEqual([]);
  });

  it('an unanchored regex in it is warned once, on first use, however many requests get it', async () => {
    for (let i = 0; i < 3; i++) {
      expectResponse(await app.send(get('/items', ADMIN)), {
        status: 200,
        headers: { [ACAO]: ADMIN },
      });
    }
    const warned = logs.at('warn');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain('origin[1] /example\\.com$/ must match the whole origin');
  });
});
