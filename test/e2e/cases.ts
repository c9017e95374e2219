import type { Platform, Received, SentRequest } from './platforms';
import { ADMIN, APP, EVIL, PARTNER, SUBDOMAIN } from './fixtures/origins';

/**
 * What a response must show: a status, a body, and headers that must equal a value (`string`),
 * be absent (`null`), or list these names in `Vary` (`varyIncludes`) / not list them (`varyExcludes`).
 */
export interface Expected {
  readonly status?: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string | null>>;
  readonly varyIncludes?: readonly string[];
  readonly varyExcludes?: readonly string[];
}

export interface Case {
  readonly name: string;
  readonly request: SentRequest;
  readonly expected: Expected;
  /**
   * What a platform shows instead of `expected`, where the platforms' routers themselves differ
   * (Express routes in declaration order and ignores case; Fastify prefers static segments).
   */
  readonly byPlatform?: Partial<Readonly<Record<Platform, Expected>>>;
}

/** What a case expects on one platform. */
export function expectedOn(platform: Platform, c: Case): Expected {
  return c.byPlatform?.[platform] ?? c.expected;
}

export const ACAO = 'access-control-allow-origin';
export const ACAC = 'access-control-allow-credentials';
export const ACEH = 'access-control-expose-headers';
export const ACAM = 'access-control-allow-methods';
export const ACAH = 'access-control-allow-headers';
export const ACMA = 'access-control-max-age';

/** Every approving header absent. */
export const NOTHING_APPROVED = {
  [ACAO]: null,
  [ACAC]: null,
  [ACEH]: null,
  [ACAM]: null,
  [ACAH]: null,
  [ACMA]: null,
};

export function get(
  path: string,
  origin?: string,
  headers: Record<string, string> = {},
): SentRequest {
  return { method: 'GET', path, headers: origin === undefined ? headers : { origin, ...headers } };
}

export function preflight(
  path: string,
  origin: string,
  method: string,
  requestHeaders?: string,
): SentRequest {
  const headers: Record<string, string> = { origin, 'access-control-request-method': method };
  if (requestHeaders !== undefined) headers['access-control-request-headers'] = requestHeaders;
  return { method: 'OPTIONS', path, headers };
}

/** The same request with more headers (`host`, `sec-fetch-site`, a version header...). */
export function withHeaders(sent: SentRequest, headers: Record<string, string>): SentRequest {
  return { ...sent, headers: { ...sent.headers, ...headers } };
}

/** Checks a response against what a case expects, with messages that say which part differs. */
export function expectResponse(received: Received, expected: Expected): void {
  if (expected.status !== undefined)
    expect({ status: received.status }).toEqual({ status: expected.status });
  if (expected.body !== undefined) expect(received.body).toBe(expected.body);
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    expect({ [name]: received.headers[name] ?? null }).toEqual({ [name]: value });
  }
  const vary = (received.headers.vary ?? '').split(',').map((n) => n.trim().toLowerCase());
  for (const name of expected.varyIncludes ?? []) expect(vary).toContain(name.toLowerCase());
  for (const name of expected.varyExcludes ?? []) expect(vary).not.toContain(name.toLowerCase());
}

/** The behaviour of `ShopAppModule`, the same on every platform. */
export const SHOP_CASES: readonly Case[] = [
  // The module default.
  {
    name: 'default policy: an allowed origin gets its origin, credentials and exposed headers',
    request: get('/default', APP),
    expected: {
      status: 200,
      headers: { [ACAO]: APP, [ACAC]: 'true', [ACEH]: 'X-Request-Id' },
      varyIncludes: ['Origin'],
    },
  },
  {
    name: 'default policy: a subdomain pattern',
    request: get('/default', SUBDOMAIN),
    expected: { status: 200, headers: { [ACAO]: SUBDOMAIN } },
  },
  {
    name: 'default policy: a disallowed origin gets nothing approving, and the response',
    request: get('/default', EVIL),
    expected: { status: 200, headers: NOTHING_APPROVED, varyIncludes: ['Origin'] },
  },
  {
    name: 'default policy: several Origin values joined are refused',
    request: get('/default', `${APP}, ${EVIL}`),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: 'default policy: a request without Origin still gets Vary: Origin',
    request: get('/default'),
    expected: { status: 200, headers: NOTHING_APPROVED, varyIncludes: ['Origin'] },
  },
  {
    name: 'default policy: a preflight for a path served only by GET takes the default policy',
    request: preflight('/default', APP, 'PUT', 'x-anything'),
    expected: {
      status: 204,
      headers: {
        [ACAO]: APP,
        [ACAC]: 'true',
        // The requested method only: the browser keeps an approval for the URL, whatever method.
        [ACAM]: 'PUT',
        [ACAH]: 'x-anything',
      },
      varyIncludes: ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'],
    },
  },
  // Errors carry the headers of their route.
  {
    name: 'a 500 from the handler carries CORS headers',
    request: get('/default/fail', APP),
    expected: { status: 500, headers: { [ACAO]: APP, [ACAC]: 'true' } },
  },
  {
    name: 'a 400 for a malformed JSON body carries CORS headers',
    request: {
      method: 'POST',
      path: '/default/json',
      headers: { origin: APP, 'content-type': 'application/json' },
      body: '{"broken',
    },
    expected: { status: 400, headers: { [ACAO]: APP, [ACAC]: 'true' } },
  },
  {
    name: "a guard's 401 carries CORS headers",
    request: get('/default/secret', APP),
    expected: { status: 401, headers: { [ACAO]: APP, [ACAC]: 'true' } },
  },
  {
    name: 'a 404 for an unknown path carries the default policy',
    request: get('/nowhere', APP),
    expected: { status: 404, headers: { [ACAO]: APP } },
  },
  {
    name: 'a preflight for an unknown path is answered by the default policy, so the page goes on to see the 404',
    request: preflight('/nowhere', APP, 'PUT'),
    expected: { status: 204, headers: { [ACAO]: APP } },
  },
  {
    name: "a handler's @Header('Vary') keeps Vary: Origin",
    request: get('/default/vary', APP),
    expected: { status: 200, headers: { [ACAO]: APP, vary: 'Accept-Encoding, Origin' } },
  },
  {
    name: "a handler's @Header('Vary') keeps Vary: Origin on a request without Origin too",
    request: get('/default/vary'),
    expected: { status: 200, headers: { [ACAO]: null, vary: 'Accept-Encoding, Origin' } },
  },
  // Route kinds.
  {
    name: '@All() serves any method, with its own policy',
    request: { method: 'POST', path: '/default/any', headers: { origin: PARTNER } },
    expected: { headers: { [ACAO]: PARTNER } },
  },
  {
    name: "@All(): the module default's origin is not its policy",
    request: { method: 'DELETE', path: '/default/any', headers: { origin: APP } },
    expected: { headers: NOTHING_APPROVED },
  },
  {
    name: 'a preflight for an @All() route follows its policy',
    request: preflight('/default/any', PARTNER, 'PATCH', 'x-partner-key'),
    expected: {
      status: 204,
      headers: { [ACAO]: PARTNER, [ACAM]: 'PATCH', [ACAH]: 'x-partner-key' },
    },
  },
  {
    name: 'a wildcard path follows its policy',
    request: get('/default/files/a/b.txt', PARTNER),
    expected: { status: 200, headers: { [ACAO]: PARTNER } },
  },
  {
    name: 'HEAD is served by the GET route and its policy',
    request: { method: 'HEAD', path: '/items', headers: { origin: ADMIN } },
    expected: { status: 200, headers: { [ACAO]: ADMIN } },
  },
  // Controller-level @Cors.
  {
    name: "a controller's @Cors replaces the origin and keeps the default's other fields",
    request: get('/items', ADMIN),
    expected: { status: 200, headers: { [ACAO]: ADMIN, [ACAC]: 'true', [ACEH]: 'X-Request-Id' } },
  },
  {
    name: "a controller's @Cors no longer allows the default's origins",
    request: get('/items', APP),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  // Named policies.
  {
    name: "a named policy on a handler: '*', no credentials, no Vary",
    request: get('/items/catalog', EVIL),
    expected: {
      status: 200,
      headers: { [ACAO]: '*', [ACAC]: null, [ACEH]: null },
      varyExcludes: ['Origin'],
    },
  },
  // Two handlers on one path, each with its own preflight answer.
  {
    name: "PUT /items/:id: its preflight follows the handler's @Cors",
    request: preflight('/items/42', ADMIN, 'PUT', 'x-token'),
    expected: {
      status: 204,
      headers: { [ACAO]: ADMIN, [ACAC]: 'true', [ACAM]: 'PUT', [ACAH]: 'x-token' },
    },
  },
  {
    name: 'PUT /items/:id: a header its policy does not allow is refused',
    request: preflight('/items/42', ADMIN, 'PUT', 'x-other'),
    expected: {
      status: 204,
      headers: NOTHING_APPROVED,
      varyIncludes: ['Access-Control-Request-Headers'],
    },
  },
  {
    name: 'DELETE /items/:id on the same path: its own policy approves its own origin',
    request: preflight('/items/42', PARTNER, 'DELETE'),
    expected: { status: 204, headers: { [ACAO]: PARTNER, [ACAM]: 'DELETE' } },
  },
  {
    name: "DELETE /items/:id refuses the PUT handler's origin",
    request: preflight('/items/42', ADMIN, 'DELETE'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: "PUT /items/:id refuses the DELETE handler's origin",
    request: preflight('/items/42', PARTNER, 'PUT'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'the actual PUT gets its handler policy',
    request: { method: 'PUT', path: '/items/42', headers: { origin: ADMIN } },
    expected: { status: 200, headers: { [ACAO]: ADMIN } },
  },
  // CORS switched off, and back on.
  {
    name: '@Cors(false) on a handler: no CORS headers, no Vary',
    request: { method: 'POST', path: '/items/internal', headers: { origin: ADMIN } },
    expected: { status: 201, headers: NOTHING_APPROVED, varyExcludes: ['Origin'] },
  },
  {
    name: '@Cors(false) on a handler: its preflight is left to the application (no OPTIONS route: 404)',
    request: preflight('/items/internal', ADMIN, 'POST'),
    expected: { status: 404, headers: NOTHING_APPROVED },
  },
  {
    name: '@Cors(false) on a controller',
    request: get('/internal', APP),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: "a handler's @Cors inside a switched-off controller switches it back on",
    request: get('/internal/partner', PARTNER),
    expected: { status: 200, headers: { [ACAO]: PARTNER } },
  },
  {
    name: 'a named policy with its own maxAge and headers, on a preflight',
    request: preflight('/internal/partner', PARTNER, 'GET', 'x-partner-key'),
    expected: { status: 204, headers: { [ACAO]: PARTNER, [ACMA]: '600', [ACAH]: 'x-partner-key' } },
  },
  // preflightContinue, and OPTIONS requests that are not preflights.
  {
    name: 'preflightContinue hands the preflight to the @Options() handler with the headers written',
    request: preflight('/continue', APP, 'PUT'),
    expected: { status: 200, body: 'answered by the OPTIONS handler', headers: { [ACAO]: APP } },
  },
  {
    name: 'an OPTIONS request without Access-Control-Request-Method belongs to the application',
    request: { method: 'OPTIONS', path: '/continue', headers: { origin: APP } },
    expected: {
      status: 200,
      body: 'answered by the OPTIONS handler',
      headers: { [ACAO]: APP, [ACAM]: null },
    },
  },
];
