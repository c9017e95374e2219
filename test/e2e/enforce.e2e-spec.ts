import { describeCasesOnEachPlatform } from './describe-cases';
import { ACAO, NOTHING_APPROVED, get, preflight, withHeaders, type Case } from './cases';
import { EnforceAppModule, handlerCalls } from './fixtures/enforce-app';
import { APP, EVIL, PARTNER } from './fixtures/origins';

interface EnforceCase extends Case {
  /** Whether the handler ran. */
  readonly handlerRuns: boolean;
}

/** The server's own origin, as a page it served would send it, and the matching Host. */
const SELF_HOST = '127.0.0.1:8123';
const SELF = `http://${SELF_HOST}`;
const post = (path: string, origin?: string, headers: Record<string, string> = {}) => ({
  method: 'POST',
  path,
  headers: origin === undefined ? headers : { origin, ...headers },
});
const FORBIDDEN = { status: 403, headers: NOTHING_APPROVED, varyIncludes: ['Origin'] };

const ENFORCE_CASES: readonly EnforceCase[] = [
  {
    name: 'a disallowed origin is refused with 403 before the handler runs (GET)',
    request: get('/orders', EVIL),
    expected: FORBIDDEN,
    handlerRuns: false,
  },
  {
    name: 'a disallowed origin is refused with 403 before the handler runs (POST)',
    request: { ...post('/orders', EVIL, { 'content-type': 'application/json' }), body: '{}' },
    expected: FORBIDDEN,
    handlerRuns: false,
  },
  {
    name: 'an allowed origin gets 200 and its CORS headers',
    request: get('/orders', APP),
    expected: { status: 200, body: 'orders', headers: { [ACAO]: APP } },
    handlerRuns: true,
  },
  {
    name: 'an allowed origin: POST gets 201',
    request: post('/orders', APP),
    expected: { status: 201, headers: { [ACAO]: APP } },
    handlerRuns: true,
  },
  {
    name: 'a request without Origin is not cross-origin: 200',
    request: get('/orders'),
    expected: { status: 200, body: 'orders', headers: NOTHING_APPROVED },
    handlerRuns: true,
  },
  {
    name: 'same origin by Sec-Fetch-Site: same-origin is never refused',
    request: post('/orders', SELF, { 'sec-fetch-site': 'same-origin' }),
    expected: { status: 201, headers: NOTHING_APPROVED },
    handlerRuns: true,
  },
  {
    name: 'Sec-Fetch-Site: none (typed in the address bar) is never refused',
    request: get('/orders', EVIL, { 'sec-fetch-site': 'none' }),
    expected: { status: 200, headers: NOTHING_APPROVED },
    handlerRuns: true,
  },
  {
    name: 'same origin by Origin equal to Host is never refused',
    request: post('/orders', SELF, { host: SELF_HOST }),
    expected: { status: 201, headers: NOTHING_APPROVED },
    handlerRuns: true,
  },
  {
    name: 'Origin on another port than Host is cross-origin: 403',
    request: post('/orders', 'http://127.0.0.1:9999', { host: SELF_HOST }),
    expected: FORBIDDEN,
    handlerRuns: false,
  },
  {
    name: 'Sec-Fetch-Site: cross-site wins over an Origin equal to Host: 403',
    request: post('/orders', SELF, { host: SELF_HOST, 'sec-fetch-site': 'cross-site' }),
    expected: FORBIDDEN,
    handlerRuns: false,
  },
  {
    name: "a handler's own policy decides: its origin is served",
    request: { method: 'DELETE', path: '/orders', headers: { origin: PARTNER } },
    expected: { status: 200, body: 'purged', headers: { [ACAO]: PARTNER } },
    handlerRuns: true,
  },
  {
    name: "a handler's own policy decides: the module default's origin is refused there",
    request: { method: 'DELETE', path: '/orders', headers: { origin: APP } },
    expected: FORBIDDEN,
    handlerRuns: false,
  },
  {
    name: '@Cors(false) routes are not refused',
    request: post('/orders/webhook', EVIL),
    expected: { status: 201, body: 'webhook', headers: NOTHING_APPROVED },
    handlerRuns: true,
  },
  {
    name: 'a preflight from a disallowed origin is answered (204, nothing approved), not refused',
    request: preflight('/orders', EVIL, 'POST'),
    expected: { status: 204, headers: NOTHING_APPROVED },
    handlerRuns: false,
  },
  // What a browser sends without a preflight when another route's cached approval stands in.
  {
    name: 'a header its own route refuses, where a sibling route of the URL allows it: 403',
    request: get('/shared', APP, { 'x-secret': '1' }),
    expected: { ...FORBIDDEN, headers: { [ACAO]: APP } },
    handlerRuns: false,
  },
  {
    name: 'the sibling that allows it runs',
    request: post('/shared', APP, { 'x-secret': '1' }),
    expected: { status: 201, body: 'created', headers: { [ACAO]: APP } },
    handlerRuns: true,
  },
  {
    name: 'a non-safelisted Content-Type its route does not list: 403',
    request: get('/shared', APP, { 'content-type': 'application/json' }),
    expected: { ...FORBIDDEN, headers: { [ACAO]: APP } },
    handlerRuns: false,
  },
  {
    name: 'headers its route lists, safelisted ones, and those browsers and proxies add pass',
    request: get('/shared', APP, {
      'x-token': '1',
      accept: 'application/json',
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': 'test',
      'cache-control': 'no-cache',
      'if-none-match': '"1"',
      'x-forwarded-for': '10.0.0.1',
      forwarded: 'for=10.0.0.1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'sec-fetch-mode': 'cors',
    }),
    expected: { status: 200, body: 'listed', headers: { [ACAO]: APP } },
    handlerRuns: true,
  },
  {
    name: 'a method its own route refuses: 403',
    request: { method: 'PATCH', path: '/shared/1', headers: { origin: APP } },
    expected: { ...FORBIDDEN, headers: { [ACAO]: APP } },
    handlerRuns: false,
  },
  {
    name: 'a method its own route allows',
    request: { method: 'PUT', path: '/shared/1', headers: { origin: APP } },
    expected: { status: 200, body: 'replaced', headers: { [ACAO]: APP } },
    handlerRuns: true,
  },
  {
    name: 'the method check does not apply to requests without Origin',
    request: { method: 'PATCH', path: '/shared/1', headers: {} },
    expected: { status: 200, body: 'updated' },
    handlerRuns: true,
  },
  {
    name: 'a route alone on its URL: headers no page could have had approved elsewhere pass',
    request: get('/alone', APP, { 'x-cdn-request-id': '1' }),
    expected: { status: 200, body: 'alone', headers: { [ACAO]: APP } },
    handlerRuns: true,
  },
  {
    name: 'an unknown path from a disallowed origin: 404, no handler',
    request: withHeaders(get('/nowhere', EVIL), {}),
    expected: { status: 404, headers: NOTHING_APPROVED },
    handlerRuns: false,
  },
];

describeCasesOnEachPlatform(
  'enforce: true',
  { module: EnforceAppModule },
  ENFORCE_CASES,
  (_received, { handlerRuns }) =>
    expect({ handlerRuns: handlerCalls.count > 0 }).toEqual({ handlerRuns }),
  () => {
    handlerCalls.count = 0;
  },
);
