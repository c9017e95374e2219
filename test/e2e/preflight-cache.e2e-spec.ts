import { ACAC, ACAH, ACAM, ACAO, ACMA, NOTHING_APPROVED, preflight, type Case } from './cases';
import { describeCasesOnEachPlatform } from './describe-cases';
import { expectResponse } from './cases';
import { LENIENT_FASTIFY_OPTIONS, startApp, type TestApp } from './platforms';
import { APP, PARTNER } from './fixtures/origins';
import {
  OutsideRoutesCacheAppModule,
  PreflightCacheAppModule,
  addRoutesOutsideNest,
} from './fixtures/preflight-cache-app';

/**
 * Preflights that no Nest route answers (a method no route serves at the URL; a `paths` entry),
 * against the browser's preflight cache, which keeps an approval for the URL whatever method it
 * was for (https://fetch.spec.whatwg.org/#cors-preflight-cache). Where a Nest route of another
 * policy serves that URL for another method, the approval is sent with Max-Age 0, so that it never
 * stands in for that route's own preflight; elsewhere the answering policy's maxAge stays.
 */
const PREFLIGHT_CACHE_CASES: readonly Case[] = [
  {
    name: 'a method no route serves, at the URL of a GET that refuses X-Secret: Max-Age 0',
    request: preflight('/y', APP, 'PATCH', 'x-secret'),
    expected: {
      status: 204,
      headers: { [ACAO]: APP, [ACAC]: 'true', [ACAM]: 'PATCH', [ACAH]: 'x-secret', [ACMA]: '0' },
    },
  },
  {
    name: "the GET's own preflight with X-Secret is refused",
    request: preflight('/y', APP, 'GET', 'x-secret'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'beside a POST that allows another origin only: Max-Age 0',
    request: preflight('/v', APP, 'PATCH', 'x-secret'),
    expected: {
      status: 204,
      headers: { [ACAO]: APP, [ACAC]: 'true', [ACAH]: 'x-secret', [ACMA]: '0' },
    },
  },
  {
    name: "and the POST's own preflight refuses that origin",
    request: preflight('/v', APP, 'POST', 'x-secret'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'at the URL of a route with the same policy as the answering one: maxAge stays',
    request: preflight('/plain', APP, 'PATCH', 'x-secret'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAH]: 'x-secret', [ACMA]: '600' } },
  },
  {
    name: 'at a URL no route serves: maxAge stays',
    request: preflight('/nowhere', APP, 'PATCH', 'x-secret'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAH]: 'x-secret', [ACMA]: '600' } },
  },
  {
    name: "GraphQL's POST under its paths entry: maxAge stays, so clients keep their cache",
    request: preflight('/graphql', APP, 'POST', 'content-type'),
    expected: {
      status: 204,
      headers: { [ACAO]: APP, [ACAM]: 'POST', [ACAH]: 'content-type', [ACMA]: '600' },
    },
  },
  {
    name: 'and its GET',
    request: preflight('/graphql', APP, 'GET', 'x-apollo-operation-name'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAM]: 'GET', [ACMA]: '600' } },
  },
  {
    name: 'and a method GraphQL does not serve, under the same entry',
    request: preflight('/graphql', APP, 'PATCH', 'x-secret'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAM]: 'PATCH', [ACMA]: '600' } },
  },
  {
    name: 'another origin gets nothing at the fallback either',
    request: preflight('/y', PARTNER, 'PATCH', 'x-secret'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
];

describeCasesOnEachPlatform(
  'preflights no Nest route answers',
  { module: PreflightCacheAppModule },
  PREFLIGHT_CACHE_CASES,
);

/**
 * Fastify's router folding case, slashes and `;` (Express folds case and a trailing slash by
 * default): the other methods' routes are found with the application's own router options, so a
 * URL that reaches `GET /y` only through them still counts as `/y`'s.
 */
describe('preflights no Nest route answers, on Fastify with its lenient router options', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(
      'fastify',
      PreflightCacheAppModule,
      undefined,
      {},
      LENIENT_FASTIFY_OPTIONS,
    );
  });
  afterAll(() => app.close());

  it.each(['/Y/', '//y', '/y;a=1'])('%s, which GET /y serves: Max-Age 0', async (path) => {
    expectResponse(await app.send(preflight(path, APP, 'PATCH', 'x-secret')), {
      status: 204,
      headers: { [ACAO]: APP, [ACAH]: 'x-secret', [ACMA]: '0' },
    });
  });

  it('/Nowhere/, which no route serves: maxAge stays', async () => {
    expectResponse(await app.send(preflight('/Nowhere/', APP, 'PATCH', 'x-secret')), {
      status: 204,
      headers: { [ACAO]: APP, [ACMA]: '600' },
    });
  });
});

/**
 * Nest routes at the URL of a route outside Nest (added on the platform instance): the Nest
 * route's preflight approval, kept for the URL, would let the page send the same request to the
 * other route without a preflight. Max-Age 0 where that route's policy differs.
 */
const OUTSIDE_ROUTE_CASES: readonly Case[] = [
  {
    name: 'a PUT beside a GET outside Nest under the module default: Max-Age 0',
    request: preflight('/y', APP, 'PUT', 'x-secret'),
    expected: {
      status: 204,
      headers: { [ACAO]: APP, [ACAC]: 'true', [ACAM]: 'PUT', [ACAH]: 'x-secret', [ACMA]: '0' },
    },
  },
  {
    name: 'the GET outside Nest refuses X-Secret on its own preflight',
    request: preflight('/y', APP, 'GET', 'x-secret'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'a PUT beside a GET outside Nest that a paths entry gives the same policy: maxAge stays',
    request: preflight('/z', APP, 'PUT', 'x-secret'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAH]: 'x-secret', [ACMA]: '600' } },
  },
  {
    name: 'a PUT with no route outside Nest at its URL: maxAge stays',
    request: preflight('/w', APP, 'PUT', 'x-secret'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAH]: 'x-secret', [ACMA]: '600' } },
  },
];

describeCasesOnEachPlatform(
  'preflights of Nest routes beside routes outside Nest',
  { module: OutsideRoutesCacheAppModule, setUp: addRoutesOutsideNest },
  OUTSIDE_ROUTE_CASES,
);

describe('preflights of Nest routes beside a route a Fastify plugin registers late', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp('fastify', OutsideRoutesCacheAppModule, addRoutesOutsideNest);
  });
  afterAll(() => app.close());

  it('counts the route when Fastify notes it: Max-Age 0', async () => {
    expectResponse(await app.send(preflight('/late', APP, 'PUT', 'x-secret')), {
      status: 204,
      headers: { [ACAO]: APP, [ACAH]: 'x-secret', [ACMA]: '0' },
    });
  });
});
