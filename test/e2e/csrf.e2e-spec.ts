import { corsTrusted } from '../../lib';
import { PLATFORMS, startApp, type TestApp } from './platforms';
import {
  ACAC,
  ACAO,
  NOTHING_APPROVED,
  expectResponse,
  expectedOn,
  get,
  preflight,
  type Case,
} from './cases';
import {
  CsrfAppModule,
  NEST_HAS_CSRF_PROTECTION,
  hasCsrfProtection,
  setUpCsrf,
  setUpCsrfTrustingApp,
  setUpCsrfTrustingCors,
  rewriteThenCsrfTrustingCors,
  csrfTrustingCorsThenRewrite,
  CsrfModuleMiddlewareAppModule,
} from './fixtures/csrf-app';
import { CsrfExemptionGuard, REWRITTEN_AFTER_EXEMPTION } from '../../lib/csrf/csrf-exemption.guard';
import { LogRecorder } from './fixtures/debug-app';
import { ADMIN, APP, EVIL } from './fixtures/origins';

/** A credentialed `fetch(url, { method: 'PUT', credentials: 'include' })` from `origin`. */
function credentialedPut(path: string, origin: string, secFetchSite?: string) {
  const headers: Record<string, string> = { origin, cookie: 'session=abc' };
  if (secFetchSite !== undefined) headers['sec-fetch-site'] = secFetchSite;
  return { method: 'PUT', path, headers };
}

/** A credentialed cross-site `fetch()` with `method` from `origin`. */
function credentialed(method: string, path: string, origin: string) {
  return {
    method,
    path,
    headers: { origin, cookie: 'session=abc', 'sec-fetch-site': 'cross-site' },
  };
}

/** The CORS headers a page on APP needs to read a response. */
const READABLE_BY_APP = { [ACAO]: APP, [ACAC]: 'true' };

const CSRF_CASES: readonly Case[] = [
  {
    name: "a credentialed cross-origin PUT from the CORS-allowed origin gets CSRF's 403, readable by the page (Sec-Fetch-Site: cross-site)",
    request: credentialedPut('/profile/name', APP, 'cross-site'),
    expected: { status: 403, headers: READABLE_BY_APP, varyIncludes: ['Origin'] },
  },
  {
    name: "the same PUT from a browser without Sec-Fetch-Site (Origin is not Host): CSRF's 403, readable by the page",
    request: credentialedPut('/profile/name', APP),
    expected: { status: 403, headers: READABLE_BY_APP, varyIncludes: ['Origin'] },
  },
  {
    name: 'its preflight is not refused by CSRF protection (OPTIONS is safe), and is approved',
    request: preflight('/profile/name', APP, 'PUT'),
    expected: { status: 204, headers: READABLE_BY_APP },
  },
  {
    name: "a disallowed origin's PUT: 403, with nothing approving",
    request: credentialedPut('/profile/name', EVIL, 'cross-site'),
    expected: { status: 403, headers: NOTHING_APPROVED, varyIncludes: ['Origin'] },
  },
  {
    name: 'a cross-origin GET is not refused, and carries the CORS headers',
    request: get('/profile', APP, { 'sec-fetch-site': 'cross-site' }),
    expected: { status: 200, body: 'profile', headers: READABLE_BY_APP },
  },
  {
    name: 'a same-origin PUT passes',
    request: credentialedPut('/profile/name', 'http://127.0.0.1', 'same-origin'),
    expected: { status: 200, body: 'updated name', headers: NOTHING_APPROVED },
  },
];

const TRUSTED_CASES: readonly Case[] = [
  {
    name: 'with trustedOrigins: [the CORS-allowed origin], the credentialed PUT passes, with its CORS headers',
    request: credentialedPut('/profile/name', APP, 'cross-site'),
    expected: { status: 200, body: 'updated name', headers: READABLE_BY_APP },
  },
  {
    name: 'with trustedOrigins: another origin is still refused',
    request: credentialedPut('/profile/name', EVIL, 'cross-site'),
    expected: { status: 403, headers: NOTHING_APPROVED },
  },
];

const CORS_TRUSTED_CASES: readonly Case[] = [
  {
    name: 'with corsTrusted(app): the credentialed PUT from the origin the policy names passes, with its CORS headers',
    request: credentialedPut('/profile/name', APP, 'cross-site'),
    expected: { status: 200, body: 'updated name', headers: READABLE_BY_APP },
  },
  {
    name: 'with corsTrusted(app): so does one without Sec-Fetch-Site',
    request: credentialedPut('/profile/name', APP),
    expected: { status: 200, body: 'updated name', headers: READABLE_BY_APP },
  },
  {
    name: 'with corsTrusted(app): an origin the policy does not allow is refused',
    request: credentialedPut('/profile/name', EVIL, 'cross-site'),
    expected: { status: 403, headers: NOTHING_APPROVED },
  },
  {
    name: "with corsTrusted(app): a '*' policy vouches for no origin",
    request: credentialedPut('/open/name', APP, 'cross-site'),
    expected: { status: 403, headers: { [ACAO]: '*', [ACAC]: null } },
  },
  {
    name: 'with corsTrusted(app): a policy without credentials vouches for no origin',
    request: credentialedPut('/uncredentialed/name', APP, 'cross-site'),
    expected: { status: 403, headers: { [ACAO]: APP, [ACAC]: null } },
  },
  {
    name: 'with corsTrusted(app): a policy reflecting every origin vouches for none',
    request: credentialedPut('/reflected/name', APP, 'cross-site'),
    expected: { status: 403, headers: { [ACAO]: APP, [ACAC]: null } },
  },
  {
    name: 'with corsTrusted(app): a route with CORS off is refused',
    request: credentialedPut('/off/name', APP, 'cross-site'),
    expected: { status: 403, headers: NOTHING_APPROVED },
  },
  {
    name: "with corsTrusted(app): a host-bound route's policy is not certain before the handler, so it vouches for no origin",
    request: credentialedPut('/hosted/name', APP, 'cross-site'),
    expected: { status: 403, headers: READABLE_BY_APP },
  },
  {
    name: "with corsTrusted(app): Origin null, which a policy allows with dangerouslyAllowNullOrigin, is not exempt (any site's sandboxed iframe sends it)",
    request: credentialedPut('/sandboxed/name', 'null', 'cross-site'),
    expected: { status: 403, headers: { [ACAO]: 'null', [ACAC]: 'true' } },
  },
  {
    name: 'with corsTrusted(app): the same policy still exempts the origin it names',
    request: credentialedPut('/sandboxed/name', APP, 'cross-site'),
    expected: { status: 200, body: 'sandboxed', headers: READABLE_BY_APP },
  },
  {
    name: 'with corsTrusted(app): an asynchronous predicate that allows the origin with credentials vouches for it',
    request: credentialedPut('/looked-up/name', APP, 'cross-site'),
    expected: { status: 200, body: 'looked up', headers: READABLE_BY_APP },
  },
  {
    name: 'with corsTrusted(app): the same predicate refusing another origin',
    request: credentialedPut('/looked-up/name', EVIL, 'cross-site'),
    expected: { status: 403, headers: NOTHING_APPROVED },
  },
];

/**
 * Through a method override and a URL rewrite (see the fixture's `rewrite`), wherever they run.
 * On Express they choose another route than the one the hook judged, so the approval must not
 * carry over: before the CSRF check, the check refuses; after it, the guard that `corsTrusted()`
 * installs does. On Fastify the router chose the route before the check and before any
 * middleware: the POST handler runs, under the POST route's own policy, whatever the middleware
 * did to the method or the URL (middie even puts the URL back after each middleware).
 */
const REWRITE_CASES: readonly Case[] = [
  {
    name: 'a POST the default policy trusts passes',
    request: credentialed('POST', '/items/1', APP),
    expected: { status: 201, body: 'posted', headers: READABLE_BY_APP },
  },
  {
    name: 'so does one the middleware leaves as it is (?_method=POST)',
    request: credentialed('POST', '/items/1?_method=POST', APP),
    expected: { status: 201, body: 'posted', headers: READABLE_BY_APP },
  },
  {
    name: 'a DELETE whose policy allows only ADMIN is refused for APP',
    request: credentialed('DELETE', '/items/1', APP),
    expected: { status: 403, headers: NOTHING_APPROVED },
  },
  {
    name: 'and passes for ADMIN',
    request: credentialed('DELETE', '/items/1', ADMIN),
    expected: { status: 200, body: 'deleted' },
  },
  {
    name: "POST ?_method=DELETE from APP: the POST's approval does not exempt the DELETE it became",
    request: credentialed('POST', '/items/1?_method=DELETE', APP),
    expected: { status: 403 },
    byPlatform: { fastify: { status: 201, body: 'posted', headers: READABLE_BY_APP } },
  },
  {
    name: 'POST ?action=purge from APP: the approval of /items/1 does not exempt /items/1/purge',
    request: credentialed('POST', '/items/1?action=purge', APP),
    expected: { status: 403 },
    byPlatform: { fastify: { status: 201, body: 'posted', headers: READABLE_BY_APP } },
  },
  {
    name: 'POST ?_method=DELETE from ADMIN, whom only the DELETE trusts: judged by the POST route, refused',
    request: credentialed('POST', '/items/1?_method=DELETE', ADMIN),
    expected: { status: 403, headers: NOTHING_APPROVED },
  },
];

/** Where the rewrite runs: before the CSRF check, or after it (the only place module middleware can be). */
const REWRITE_SETUPS = [
  ['app.use() before enableCsrfProtection()', CsrfAppModule, rewriteThenCsrfTrustingCors, 'before'],
  ['app.use() after enableCsrfProtection()', CsrfAppModule, csrfTrustingCorsThenRewrite, 'after'],
  ['module middleware', CsrfModuleMiddlewareAppModule, setUpCsrfTrustingCors, 'after'],
] as const;

if (NEST_HAS_CSRF_PROTECTION) {
  describe.each(PLATFORMS)('app.enableCsrfProtection() with CorsModule on %s', (platform) => {
    describe.each([
      ['default options', setUpCsrf, CSRF_CASES],
      ['the CORS origin trusted', setUpCsrfTrustingApp, TRUSTED_CASES],
      ['corsTrusted(app) as exclude', setUpCsrfTrustingCors, CORS_TRUSTED_CASES],
    ] as const)('%s', (_options, setUp, cases) => {
      let app: TestApp;
      beforeAll(async () => {
        app = await startApp(platform, CsrfAppModule, setUp);
      });
      afterAll(() => app.close());

      it.each(cases.map((c) => [c.name, c] as const))(
        '%s',
        async (_name, { request, expected }) => {
          expectResponse(await app.send(request), expected);
        },
      );
    });
  });

  describe.each(PLATFORMS)(
    'corsTrusted(app) and middleware that rewrites requests, on %s',
    (platform) => {
      describe.each(REWRITE_SETUPS)('as %s', (_where, module, setUp, when) => {
        let app: TestApp;
        beforeAll(async () => {
          app = await startApp(platform, module, setUp);
        });
        afterAll(() => app.close());

        it.each(REWRITE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
          expectResponse(await app.send(c.request), expectedOn(platform, c));
        });

        it(
          when === 'before'
            ? 'a query rewritten before the check voids the exemption too (any rewrite does)'
            : 'a query rewritten after the check reaches the same route, which the exemption holds for',
          async () => {
            const received = await app.send(credentialed('POST', '/items/1?tidy', APP));
            expectResponse(
              received,
              when === 'before' && platform === 'express'
                ? { status: 403 }
                : { status: 201, body: 'posted', headers: READABLE_BY_APP },
            );
          },
        );

        if (platform === 'express') {
          it(`the refusal says why: ${when === 'before' ? "CSRF protection's own" : "the guard's, naming corsTrusted() and where a rewrite must run"}`, async () => {
            const { body } = await app.send(credentialed('POST', '/items/1?_method=DELETE', APP));
            expect(JSON.parse(body)).toMatchObject({
              statusCode: 403,
              message:
                when === 'before'
                  ? expect.stringContaining('Cross-origin request detected')
                  : REWRITTEN_AFTER_EXEMPTION,
            });
          });
        }
      });
    },
  );

  describe.each(PLATFORMS)('the guard corsTrusted(app) installs, on %s', (platform) => {
    it('cannot be installed after init(), so corsTrusted(app) refuses to be called then', async () => {
      const app = await startApp(platform, CsrfAppModule);
      try {
        expect(() => corsTrusted(app.app)).toThrow(/after app\.init\(\).*call it before/);
      } finally {
        await app.close();
      }
    });

    it(
      platform === 'express'
        ? 'is one global guard, however often corsTrusted(app) is called: the router chooses the route after the CSRF check'
        : 'is not installed: the router has chosen the route before the CSRF check, no middleware can change it',
      async () => {
        let calls: unknown[][] = [];
        const app = await startApp(platform, CsrfAppModule, (nest) => {
          const useGlobalGuards = jest.spyOn(nest, 'useGlobalGuards');
          (nest as unknown as { enableCsrfProtection(o: object): void }).enableCsrfProtection({
            exclude: corsTrusted(nest),
          });
          corsTrusted(nest);
          calls = useGlobalGuards.mock.calls;
        });
        await app.close();
        expect(calls).toEqual(platform === 'express' ? [[expect.any(CsrfExemptionGuard)]] : []);
      },
    );
  });
} else {
  // Nest 11: there is no CSRF protection to combine with; say so with a test that checks it.
  describe('app.enableCsrfProtection() with CorsModule', () => {
    it('does not exist in this Nest version (added in Nest 12), so there is nothing to combine', async () => {
      const app = await startApp('express', CsrfAppModule);
      try {
        expect(hasCsrfProtection(app.app)).toBe(false);
      } finally {
        await app.close();
      }
    });

    it('so corsTrusted(app) says why at startup, exempts nothing and installs no guard', async () => {
      const logs = new LogRecorder();
      let exclude: ((request: object) => boolean) | undefined;
      let guards: unknown[][] = [];
      const app = await startApp(
        'express',
        CsrfAppModule,
        (nest) => {
          const useGlobalGuards = jest.spyOn(nest, 'useGlobalGuards');
          exclude = corsTrusted(nest);
          guards = useGlobalGuards.mock.calls;
        },
        { logger: logs },
      );
      await app.close();
      expect(exclude?.({})).toBe(false);
      // Nothing is exempted, so there is no exemption for a guard to check.
      expect(guards).toEqual([]);
      expect(logs.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
        expect.stringContaining('enableCsrfProtection() (it is new in Nest 12)'),
      ]);
    });
  });
}
