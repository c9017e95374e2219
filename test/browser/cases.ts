/**
 * What a page on one origin sees when it calls the API (fixtures/cors-app.ts) on another, in a
 * real Chromium, and what reached the server meanwhile. One table, run on Express and on Fastify.
 */

/** The page's origin: the one the API allows, or another one. */
export type PageOrigin = 'allowed' | 'other';

/** A fetch() the page makes. */
export interface PageFetch {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly credentials?: 'omit' | 'same-origin' | 'include';
  /** A response header to read with `response.headers.get()`. */
  readonly readHeader?: string;
}

/** What the page saw: the response, or the error fetch() rejected with. */
export type Seen =
  | {
      readonly outcome: 'readable';
      readonly status: number;
      readonly body: string;
      readonly header?: string | null;
    }
  | { readonly outcome: 'blocked'; readonly error: string };

/** A readable response (with this status, body and header value, when given), or a CORS error. */
export type ExpectedSeen =
  | 'blocked'
  | {
      readonly status: number;
      readonly body?: string;
      readonly bodyIncludes?: string;
      readonly header?: string | null;
    };

export type Step =
  { readonly fetch: PageFetch; readonly expect: ExpectedSeen } | { readonly waitMs: number };

export interface BrowserCase {
  readonly name: string;
  readonly from: PageOrigin;
  readonly steps: readonly Step[];
  /** Every request that reached the API's HTTP server, counted by `METHOD /path`: exactly these. */
  readonly arrived: Readonly<Record<string, number>>;
  /** Every handler that ran, counted by name: exactly these. */
  readonly handlers: Readonly<Record<string, number>>;
  /** Requests (`METHOD /path`) that must have carried the `sid` cookie. */
  readonly withCookie?: readonly string[];
  /** A response header that was on the wire, whatever the page could read of it. */
  readonly onTheWire?: { readonly path: string; readonly header: string; readonly value: string };
}

/** The message of the TypeError that fetch() rejects with when CORS blocks the response. */
export const FAILED_TO_FETCH = 'TypeError: Failed to fetch';

const login: Step = {
  fetch: { method: 'POST', path: '/account/login', credentials: 'include' },
  expect: { status: 201, body: 'signed in' },
};

/**
 * A second identical preflighted request goes out 6 s after the first: past the 5 s that Chromium
 * caches a preflight without Access-Control-Max-Age, within the route's maxAge of 600 s.
 */
const PAST_DEFAULT_PREFLIGHT_CACHE_MS = 6_000;

export const BROWSER_CASES: readonly BrowserCase[] = [
  {
    name: 'allowed origin: a simple GET is readable',
    from: 'allowed',
    steps: [{ fetch: { path: '/greeting' }, expect: { status: 200, body: 'hello' } }],
    arrived: { 'GET /greeting': 1 },
    handlers: { greeting: 1 },
  },
  {
    name: 'disallowed origin: the same GET is blocked, although the server answered it',
    from: 'other',
    steps: [{ fetch: { path: '/greeting' }, expect: 'blocked' }],
    arrived: { 'GET /greeting': 1 },
    handlers: { greeting: 1 },
  },
  {
    name: 'credentials: the credentialed route sets a cookie, and reads it back',
    from: 'allowed',
    steps: [
      login,
      {
        fetch: { path: '/account/me', credentials: 'include' },
        expect: { status: 200, body: 'cookie: sid=s3cret' },
      },
    ],
    arrived: { 'POST /account/login': 1, 'GET /account/me': 1 },
    handlers: { login: 1, me: 1 },
    withCookie: ['GET /account/me'],
  },
  {
    name: 'credentials: a policy without credentials blocks a request that carries the cookie',
    from: 'allowed',
    steps: [login, { fetch: { path: '/greeting', credentials: 'include' }, expect: 'blocked' }],
    arrived: { 'POST /account/login': 1, 'GET /greeting': 1 },
    handlers: { login: 1, greeting: 1 },
    withCookie: ['GET /greeting'],
  },
  {
    name: 'preflight: a PUT with a custom header is allowed by the @Cors of its route',
    from: 'allowed',
    steps: [
      {
        fetch: { method: 'PUT', path: '/items/42', headers: { 'X-Token': 't' } },
        expect: { status: 200, body: 'updated 42' },
      },
    ],
    arrived: { 'OPTIONS /items/42': 1, 'PUT /items/42': 1 },
    handlers: { update: 1 },
  },
  {
    name: 'preflight: the same custom header is refused by the sibling route on the same path, whose policy does not allow it',
    from: 'allowed',
    steps: [
      {
        fetch: { method: 'PATCH', path: '/items/42', headers: { 'X-Token': 't' } },
        expect: 'blocked',
      },
    ],
    // The preflight failed, so the browser never sent the PATCH.
    arrived: { 'OPTIONS /items/42': 1 },
    handlers: {},
  },
  {
    name: 'preflight: the allowed PUT from a disallowed origin is never sent',
    from: 'other',
    steps: [
      {
        fetch: { method: 'PUT', path: '/items/42', headers: { 'X-Token': 't' } },
        expect: 'blocked',
      },
    ],
    arrived: { 'OPTIONS /items/42': 1 },
    handlers: {},
  },
  {
    name: '@Cors(false): blocked, although the server answered it',
    from: 'allowed',
    steps: [{ fetch: { path: '/internal' }, expect: 'blocked' }],
    arrived: { 'GET /internal': 1 },
    handlers: { internal: 1 },
  },
  {
    name: "a guard's 401 is readable: status and body",
    from: 'allowed',
    steps: [
      {
        fetch: { path: '/greeting/secret' },
        expect: { status: 401, bodyIncludes: '"message":"sign in first"' },
      },
    ],
    arrived: { 'GET /greeting/secret': 1 },
    handlers: {},
  },
  {
    name: 'a 404 for an unknown path is readable: status and body',
    from: 'allowed',
    steps: [
      {
        fetch: { path: '/nowhere' },
        expect: { status: 404, bodyIncludes: 'Cannot GET /nowhere' },
      },
    ],
    arrived: { 'GET /nowhere': 1 },
    handlers: {},
  },
  {
    name: 'exposedHeaders: an exposed response header is readable',
    from: 'allowed',
    steps: [
      {
        fetch: { path: '/reports/exposed', readHeader: 'X-Report-Version' },
        expect: { status: 200, body: 'exposed', header: '7' },
      },
    ],
    arrived: { 'GET /reports/exposed': 1 },
    handlers: { exposed: 1 },
  },
  {
    name: 'exposedHeaders: the same header, not exposed, is hidden from the page although it was sent',
    from: 'allowed',
    steps: [
      {
        fetch: { path: '/reports/hidden', readHeader: 'X-Report-Version' },
        expect: { status: 200, body: 'hidden', header: null },
      },
    ],
    arrived: { 'GET /reports/hidden': 1 },
    handlers: { hidden: 1 },
    onTheWire: { path: '/reports/hidden', header: 'x-report-version', value: '7' },
  },
  {
    name: 'maxAge: within max-age a second identical preflighted request sends no OPTIONS; without maxAge it does',
    from: 'allowed',
    steps: [
      {
        fetch: { method: 'PUT', path: '/cached/1', headers: { 'X-Token': 't' } },
        expect: { status: 200, body: 'cached' },
      },
      {
        fetch: { method: 'PUT', path: '/uncached/1', headers: { 'X-Token': 't' } },
        expect: { status: 200, body: 'uncached' },
      },
      { waitMs: PAST_DEFAULT_PREFLIGHT_CACHE_MS },
      {
        fetch: { method: 'PUT', path: '/cached/1', headers: { 'X-Token': 't' } },
        expect: { status: 200, body: 'cached' },
      },
      {
        fetch: { method: 'PUT', path: '/uncached/1', headers: { 'X-Token': 't' } },
        expect: { status: 200, body: 'uncached' },
      },
    ],
    arrived: {
      'OPTIONS /cached/1': 1,
      'PUT /cached/1': 2,
      'OPTIONS /uncached/1': 2,
      'PUT /uncached/1': 2,
    },
    handlers: { cached: 2, uncached: 2 },
  },
];
