import {
  ACAC,
  ACAH,
  ACAM,
  ACAO,
  ACEH,
  ACMA,
  NOTHING_APPROVED,
  get,
  preflight,
  type Case,
} from './cases';
import { describeCasesOnEachPlatform } from './describe-cases';
import { APP, EVIL, PARTNER } from './fixtures/origins';
import { ProtocolAppModule, PublicAppModule } from './fixtures/protocol-app';

const CACHE_CONTROL = 'cache-control';

/**
 * Protocol details on real responses: what a shared cache may store, and header lists as proxies
 * and odd clients send them.
 */
const PROTOCOL_CASES: readonly Case[] = [
  {
    name: "'*' answers a request without Origin with '*' too, so a cache may serve it to anyone",
    request: get('/catalog'),
    expected: {
      status: 200,
      headers: { [ACAO]: '*', [ACEH]: 'X-Total', [ACAC]: null },
      varyExcludes: ['Origin'],
    },
  },
  {
    name: "'*' answers a cross-origin request exactly as one without Origin",
    request: get('/catalog', EVIL),
    expected: {
      status: 200,
      headers: { [ACAO]: '*', [ACEH]: 'X-Total' },
      varyExcludes: ['Origin'],
    },
  },
  {
    name: 'an origin-dependent policy approves nothing without Origin, and says it varies',
    request: get('/items'),
    expected: { status: 200, headers: NOTHING_APPROVED, varyIncludes: ['Origin'] },
  },
  {
    name: 'a request-headers list with empty elements and padding is accepted (RFC 9110 5.6.1)',
    request: preflight('/items/1', APP, 'PUT', ' , ,x-token,, content-type ,'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAH]: 'x-token, content-type' } },
  },
  {
    name: 'a list still refuses a name that is not a token',
    request: preflight('/items/1', APP, 'PUT', 'x-token, x token'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'an origin lookup that never answers denies the request after predicateTimeout',
    request: get('/hanging', APP),
    expected: { status: 200, body: 'hanging', headers: NOTHING_APPROVED },
  },
  {
    name: 'and denies the preflight after predicateTimeout',
    request: preflight('/hanging', APP, 'GET'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'a preflight for a method no request can have (Node refuses "get") reaches no route',
    request: preflight('/catalog', EVIL, 'get'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: "a preflight for a method the route serves gets its policy, naming that method (not '*')",
    request: preflight('/catalog', EVIL, 'GET', 'X-Any'),
    expected: { status: 204, headers: { [ACAO]: '*', [ACAM]: 'GET', [ACAH]: 'x-any' } },
  },
  // The browser's CORS-preflight cache keeps approved methods and header names per origin and URL,
  // whatever method the preflight was for (https://fetch.spec.whatwg.org/#cors-preflight-cache).
  {
    name: "an approval names the requested method only, never the policy's other methods",
    request: preflight('/items/1', APP, 'PUT'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAM]: 'PUT', [ACAH]: null } },
  },
  {
    name: 'and the requested headers only, lower case',
    request: preflight('/items/1', APP, 'PATCH', 'X-Token'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAM]: 'PATCH', [ACAH]: 'x-token' } },
  },
  {
    name: 'a route whose URL a route of another policy serves with another method: Max-Age 0',
    request: preflight('/siblings/1', APP, 'PUT'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAM]: 'PUT', [ACMA]: '0' } },
  },
  {
    name: 'and the sibling itself, which refuses that origin',
    request: preflight('/siblings/1', APP, 'DELETE'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'the sibling approves its own origin, uncached too',
    request: preflight('/siblings/1', PARTNER, 'DELETE'),
    expected: { status: 204, headers: { [ACAO]: PARTNER, [ACAM]: 'DELETE', [ACMA]: '0' } },
  },
  {
    name: 'paths that may match one URL count as one URL (:kind/:part and special/:part)',
    request: preflight('/siblings/special/1', APP, 'PUT'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAM]: 'PUT', [ACMA]: '0' } },
  },
  {
    name: 'where the literal route refuses what the parametric one allows',
    request: preflight('/siblings/special/1', APP, 'DELETE'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'a header one sibling allows: Max-Age 0, and only that header',
    request: preflight('/headers', APP, 'POST', 'x-secret'),
    expected: {
      status: 204,
      headers: { [ACAO]: APP, [ACAM]: 'POST', [ACAH]: 'x-secret', [ACMA]: '0' },
    },
  },
  {
    name: 'which the other sibling refuses',
    request: preflight('/headers', APP, 'GET', 'x-secret'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'sibling routes of one policy keep their maxAge',
    request: preflight('/agreeing', APP, 'DELETE'),
    expected: { status: 204, headers: { [ACAO]: APP, [ACAM]: 'DELETE', [ACMA]: '600' } },
  },
  {
    name: 'preflightCacheControl lets a shared cache keep an approved preflight',
    request: preflight('/items/1', APP, 'PUT'),
    expected: {
      status: 204,
      headers: { [ACAO]: APP, [CACHE_CONTROL]: 'public, max-age=600' },
      varyIncludes: ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'],
    },
  },
  {
    name: 'a denied preflight gets no Cache-Control',
    request: preflight('/items/1', EVIL, 'PUT'),
    expected: { status: 204, headers: { ...NOTHING_APPROVED, [CACHE_CONTROL]: null } },
  },
  {
    name: 'an actual response gets no Cache-Control of ours',
    request: get('/items', APP),
    expected: { status: 200, headers: { [ACAO]: APP, [CACHE_CONTROL]: null } },
  },
];

describeCasesOnEachPlatform('protocol', { module: ProtocolAppModule }, PROTOCOL_CASES);

describeCasesOnEachPlatform('an application open to every origin', { module: PublicAppModule }, [
  {
    name: "a request without Origin gets '*', as any other does",
    request: get('/items'),
    expected: { status: 200, headers: { [ACAO]: '*' }, varyExcludes: ['Origin'] },
  },
  {
    name: "a 404 without Origin gets '*' too",
    request: get('/nowhere'),
    expected: { status: 404, headers: { [ACAO]: '*' } },
  },
]);
