/**
 * Attacks on `corsTrusted(app)`, the CSRF exemption CORS grants: generated credentialed
 * cross-site writes with hostile origins (null, '*', opaque, mixed case, trailing dot, user info,
 * default ports, paths, several in one header, repeated Origin headers, non-ASCII), on routes
 * whose policies trust one origin, none ('*', reflected, no credentials), a pattern or an
 * asynchronous predicate, through a method override and a URL rewrite that run before the CSRF
 * check or after it (app.use() after enableCsrfProtection(), module middleware). Requests go out
 * over a raw socket so that a header may be repeated or carry any byte. A finding is a handler that ran
 * (CSRF let the write through) for an origin its own policy does not name with credentials,
 * exactly as sent, or any 5xx.
 */
import { connect } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import {
  Controller,
  Delete,
  Module,
  Post,
  Put,
  type INestApplication,
  type MiddlewareConsumer,
  type NestModule,
  type Type,
} from '@nestjs/common';
import fc from 'fast-check';
import { Cors, CorsModule, corsTrusted } from '../../lib';
import {
  CsrfAppModule,
  NEST_HAS_CSRF_PROTECTION,
  csrfTrustingCorsThenRewrite,
  rewrite,
  rewriteThenCsrfTrustingCors,
  setUpCsrfTrustingCors,
} from '../e2e/fixtures/csrf-app';
import { ADMIN, APP, EVIL } from '../e2e/fixtures/origins';
import { startApp, type Platform, type TestApp } from '../e2e/platforms';

/** Origins the `regex` route allows: lower-case subdomains of example.com, nothing else. */
const PATTERN = /^https:\/\/[a-z]+\.example\.com$/;

/** What each handler answers, and the origins (exactly as sent) its policy trusts. */
const HANDLERS: Readonly<Record<string, (origin: string) => boolean>> = {
  'ran:posted': (origin) => origin === APP,
  'ran:put': (origin) => origin === APP,
  'ran:deleted': (origin) => origin === ADMIN,
  'ran:purged': (origin) => origin === ADMIN,
  'ran:open': () => false,
  'ran:reflected': () => false,
  'ran:uncredentialed': () => false,
  'ran:pattern': (origin) => PATTERN.test(origin),
  'ran:async': (origin) => origin === APP,
};

@Controller('items')
class ItemsController {
  @Post(':id') post() {
    return 'ran:posted';
  }
  @Put(':id') put() {
    return 'ran:put';
  }
  @Cors({ origin: ADMIN, credentials: true }) @Delete(':id') remove() {
    return 'ran:deleted';
  }
  @Cors({ origin: ADMIN, credentials: true }) @Post(':id/purge') purge() {
    return 'ran:purged';
  }
}

@Controller()
class PoliciesController {
  @Cors({ origin: '*', credentials: false }) @Put('open/:id') open() {
    return 'ran:open';
  }
  @Cors({ origin: true, credentials: false }) @Put('reflected/:id') reflected() {
    return 'ran:reflected';
  }
  @Cors({ credentials: false }) @Put('uncredentialed/:id') uncredentialed() {
    return 'ran:uncredentialed';
  }
  @Cors({ origin: PATTERN, credentials: true, dangerouslyAllowNullOrigin: true })
  @Put('pattern/:id')
  pattern() {
    return 'ran:pattern';
  }
  @Cors({
    origin: async (origin: string) => origin === APP || origin === 'null',
    credentials: true,
    dangerouslyAllowNullOrigin: true,
  })
  @Put('async/:id')
  async() {
    return 'ran:async';
  }
}

/** `null` is CORS-allowed by the default: it must still never be exempt from CSRF. */
@Module({
  imports: [
    CorsModule.forRoot({ origin: [APP], credentials: true, dangerouslyAllowNullOrigin: true }),
  ],
  controllers: [ItemsController, PoliciesController],
})
class AttackedModule {}

/** The same, with the rewrite as module middleware: Nest runs it after the CSRF check. */
@Module({ imports: [AttackedModule] })
class AttackedThroughModuleMiddleware implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(rewrite).forRoutes('items');
  }
}

/**
 * Where the method override and URL rewrite run: before the CSRF check (the check must see their
 * result), or after it, where only corsTrusted()'s guard stands between them and another handler.
 */
const PLACEMENTS: readonly (readonly [string, Type, (app: INestApplication) => void])[] = [
  ['rewritten before the CSRF check', AttackedModule, rewriteThenCsrfTrustingCors],
  ['rewritten after it (app.use)', AttackedModule, csrfTrustingCorsThenRewrite],
  [
    'rewritten after it (module middleware)',
    AttackedThroughModuleMiddleware,
    setUpCsrfTrustingCors,
  ],
];

/** Hostile origins written out, beside the generated ones below. */
const KNOWN_ORIGINS = [
  APP,
  ADMIN,
  EVIL,
  'null',
  'NULL',
  'null ',
  '*',
  '',
  'file://',
  'data:,',
  'about:blank',
  'https://APP.example.com',
  'HTTPS://app.example.com',
  'https://app.example.com.',
  'https://app.example.com:443',
  'https://app.example.com/',
  'https://app.example.com/path',
  'https://user@app.example.com',
  'https://app.example.com@evil.example',
  `${APP}, ${EVIL}`,
  `${APP},${APP}`,
  `${EVIL} ${APP}`,
  'https://app.example.com\u00e9',
  'https://xn--pp-8ka.example.com',
  'http://app.example.com',
  'https://shop.example.com',
  'https://evil.example.com.evil.example',
];

/** Origins built from parts that each break one rule of a serialized origin. */
const builtOrigins = fc
  .record({
    scheme: fc.constantFrom('https', 'http', 'HTTPS', 'Https', 'ftp', 'chrome-extension', ''),
    userinfo: fc.constantFrom('', 'user@', 'user:pass@', `${APP.slice(8)}@`),
    host: fc.constantFrom(
      'app.example.com',
      'APP.example.com',
      'app.example.com.',
      'admin.example.com',
      'shop.example.com',
      'evil.example',
      '127.0.0.1',
      '[::1]',
      'app.example.com%2eevil.example',
    ),
    port: fc.constantFrom('', '', ':443', ':80', ':8443', ':0443', ':'),
    tail: fc.constantFrom('', '', '/', '/x', '?', '#', ' ', '\t'),
  })
  .map(({ scheme, userinfo, host, port, tail }) => `${scheme}://${userinfo}${host}${port}${tail}`);

/** What the attacked routes are asked, through the fixture's method override and URL rewrite. */
const TARGETS = [
  ['POST', '/items/1'],
  ['PUT', '/items/1'],
  ['DELETE', '/items/1'],
  ['POST', '/items/1/purge'],
  ['POST', '/items/1?_method=DELETE'],
  ['POST', '/items/1?_method=delete'],
  ['POST', '/items/1?_method=PUT'],
  ['POST', '/items/1?action=purge'],
  ['POST', '/items/1?_method=POST&action=purge'],
  ['POST', '/items/1?_method=DELETE&action=purge'],
  ['POST', '/items/1?_method=Delete'],
  ['POST', '/items/1/?_method=DELETE'],
  ['POST', '/ITEMS/1?_method=DELETE'],
  ['PUT', '/open/1'],
  ['PUT', '/reflected/1'],
  ['PUT', '/uncredentialed/1'],
  ['PUT', '/pattern/1'],
  ['PUT', '/async/1'],
] as const;

interface Probe {
  readonly target: readonly [string, string];
  /** One Origin header per value: two are a repeated header. */
  readonly origins: readonly string[];
  readonly secFetchSite: string | undefined;
}

const PROBES: readonly Probe[] = fc.sample(
  fc.record({
    target: fc.constantFrom(...TARGETS),
    origins: fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...KNOWN_ORIGINS)) },
      { weight: 3, arbitrary: fc.tuple(builtOrigins) },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constantFrom(APP, ADMIN, 'null'), fc.constantFrom(APP, EVIL)),
      },
    ),
    secFetchSite: fc.constantFrom('cross-site', 'same-site', undefined),
  }),
  { numRuns: 400, seed: 1702 },
);

/** Every known origin on every target too, so that no instance depends on the sampling. */
const EXHAUSTIVE: readonly Probe[] = TARGETS.flatMap((target) =>
  KNOWN_ORIGINS.map((origin) => ({ target, origins: [origin], secFetchSite: 'cross-site' })),
);

/** Sends one request over a raw socket, header lines exactly as given, and reads the answer. */
function rawSend(
  port: number,
  method: string,
  path: string,
  headers: readonly (readonly [string, string])[],
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve({ status: Number(text.split(' ')[1]), text }));
    socket.on('error', reject);
    const lines = [
      `${method} ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Connection: close',
      'Content-Length: 0',
      'Cookie: session=abc',
      ...headers.map(([name, value]) => `${name}: ${value}`),
    ];
    socket.end(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  });
}

async function findingsOf(port: number, probe: Probe): Promise<string[]> {
  const [method, path] = probe.target;
  const headers: [string, string][] = probe.origins.map((origin) => ['Origin', origin]);
  if (probe.secFetchSite !== undefined) headers.push(['Sec-Fetch-Site', probe.secFetchSite]);
  const { status, text } = await rawSend(port, method, path, headers);
  const what = `${method} ${path} Origin ${JSON.stringify(probe.origins)} Sec-Fetch-Site ${probe.secFetchSite}`;
  if (!(status >= 200 && status < 600)) return [`${what}: no HTTP answer`];
  if (status >= 500) return [`${what}: status ${status}`];
  if (status >= 300) return [];
  const ran = Object.keys(HANDLERS).find((marker) => text.includes(marker));
  if (ran === undefined) return [];
  // What the application reads: Node strips the spaces and tabs around a header's value.
  const origins = probe.origins.map((origin) => origin.replace(/^[ \t]+|[ \t]+$/g, ''));
  // Nest's check itself lets a write without Sec-Fetch-Site and without an Origin value through:
  // it comes from no browser, so no exemption was needed.
  if (probe.secFetchSite === undefined && origins.join('') === '') return [];
  // A repeated Origin header reaches the application joined, which no policy can name.
  const trusted = origins.length === 1 && HANDLERS[ran]!(origins[0]!);
  return trusted ? [] : [`${what}: ${ran} ran (status ${status}), exempted from CSRF`];
}

async function attack(app: TestApp, probes: readonly Probe[]): Promise<string[]> {
  const server = app.app.getHttpServer() as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const findings: string[] = [];
  for (const probe of probes) findings.push(...(await findingsOf(port, probe)));
  return findings;
}

if (!NEST_HAS_CSRF_PROTECTION) {
  // Nest 11 has no CSRF protection for corsTrusted() to exempt from: nothing to attack, and the
  // helper must say so by exempting nothing, which this checks instead of skipping the suite.
  describe('attack: CSRF exemptions of corsTrusted(app), on a Nest without CSRF protection', () => {
    it.each(['express', 'fastify'] as Platform[])('exempts nothing on %s', async (platform) => {
      let exclude: ((request: object) => boolean) | undefined;
      const app = await startApp(platform, CsrfAppModule, (nest) => {
        exclude = corsTrusted(nest);
      });
      try {
        for (const origin of [APP, ADMIN, EVIL, 'null'])
          expect(exclude?.({ headers: { origin }, method: 'POST', url: '/items/1' })).toBe(false);
      } finally {
        await app.close();
      }
    });
  });
}

if (NEST_HAS_CSRF_PROTECTION)
  describe('attack: CSRF exemptions of corsTrusted(app)', () => {
    it('probes every target, and hostile origins of every kind', () => {
      const targets = new Set(PROBES.map((probe) => probe.target));
      expect(targets.size).toBe(TARGETS.length);
      expect(PROBES.filter((probe) => probe.origins.length === 2).length).toBeGreaterThan(20);
      expect(PROBES.filter((probe) => probe.origins[0] === 'null').length).toBeGreaterThan(5);
    });

    describe.each(['express', 'fastify'] as Platform[])('on %s', (platform) => {
      describe.each(PLACEMENTS)('%s', (_placement, module, setUp) => {
        let app: TestApp;
        let findings: string[];
        beforeAll(async () => {
          app = await startApp(platform, module, setUp);
          findings = await attack(app, [...EXHAUSTIVE, ...PROBES]);
        });
        afterAll(() => app.close());

        it('exempts no origin that the policy of the handler that ran does not name', () => {
          expect(findings.slice(0, 10)).toEqual([]);
        });
      });
    });
  });
