import { ACAC, ACAH, ACAO, ACEH, NOTHING_APPROVED, get, preflight, type Case } from './cases';
import { describeCasesOnEachPlatform } from './describe-cases';
import { APP, EVIL } from './fixtures/origins';
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
    name: 'a preflight for a method the route serves gets its policy',
    request: preflight('/catalog', EVIL, 'GET'),
    expected: { status: 204, headers: { [ACAO]: '*' } },
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
