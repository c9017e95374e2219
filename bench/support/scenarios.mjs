// What the HTTP benchmark measures: the policy each scenario configures, the shape of its app and the
// requests autocannon sends. Shared by the driver (bench/run.mjs), the app processes (bench/app.mjs),
// the memory check and the profiler, so that all of them agree on every detail.
import { routeCountScenarios, startupScenarios } from './route-count-scenarios.mjs';

export const APP_ORIGIN = 'https://app.example.com';
export const ADMIN_ORIGIN = 'https://admin.example.com';
export const EVIL_ORIGIN = 'https://evil.example.net';

/**
 * Every app variant, in the order of every round. A scenario runs the ones its `variants` lists, by
 * default {@link DEFAULT_VARIANTS}, or those `--variants` names:
 * - `none`: no CORS at all;
 * - `bare`: the physical limit, a hand-written first hook that writes the scenario's response
 *   headers for its one allowed origin and does nothing else (no library, no policy lookup);
 * - `enableCors`: `app.enableCors(policy)`;
 * - `moduleBase`, `decoratorBase`: `module` and `decorator` with the nestjs-cors build of another
 *   checkout (`--baseline DIR`), to compare two versions of the library in the same rounds;
 * - `module`: `CorsModule.forRoot(policy)`;
 * - `moduleListening`: `module`, with a `CorsEvents` listener counting every event;
 * - `moduleTrial`: `module`, with a trial equal to the policy (`trial: {}`): decided twice, compared;
 * - `decorator`: `CorsModule.forRoot()` without a default origin, and `@Cors(policy)` on every
 *   handler;
 * - `perRequest`: `CorsModule.forRoot(perRequestPolicy(async (req) => policy, { vary: ['Host'],
 *   cache: { ttl: 60000, max: 1000 } }))`, the default policy computed per request and cached, with
 *   the same options as `module` (issue 9);
 * - `perRequestUncached`: the same with a synchronous function and no cache: called on every
 *   request;
 * - `perRequestDecorator`: `CorsModule.forRoot()` without a default origin, and
 *   `@Cors(perRequestPolicy(...))` as `perRequest`'s on every handler.
 *
 * `baseline`: loads the library from `--baseline`; `perRequest`: the policy is a per-request one.
 */
export const VARIANTS = [
  { id: 'none', label: 'no CORS' },
  { id: 'bare', label: 'bare hook' },
  { id: 'enableCors', label: 'app.enableCors()' },
  { id: 'moduleBase', label: 'CorsModule.forRoot(), baseline', baseline: true },
  { id: 'module', label: 'CorsModule.forRoot()' },
  { id: 'moduleListening', label: 'CorsModule.forRoot(), a CorsEvents listener' },
  { id: 'moduleTrial', label: 'CorsModule.forRoot(), trial: {}' },
  { id: 'decoratorBase', label: '@Cors() per route, baseline', baseline: true },
  { id: 'decorator', label: '@Cors() per route' },
  { id: 'perRequest', label: 'perRequestPolicy(), cached', perRequest: true },
  { id: 'perRequestUncached', label: 'perRequestPolicy(), no cache', perRequest: true },
  { id: 'perRequestDecorator', label: '@Cors(perRequestPolicy()), cached', perRequest: true },
];

/**
 * The per-request policy of the `perRequest*` variants: answers `options`, the scenario's static
 * policy, always the same object; `cached` as `perRequest` (async, cached by `Host`), else as
 * `perRequestUncached` (synchronous, no cache). `Vary: Host` in both, so that the two differ only
 * in the cache.
 */
export function perRequestPolicyOf(perRequestPolicy, options, cached) {
  return cached
    ? perRequestPolicy(async () => options, {
        vary: ['Host'],
        cache: { ttl: 60_000, max: 1000 },
      })
    : perRequestPolicy(() => options, { vary: ['Host'] });
}

export const DEFAULT_VARIANTS = ['none', 'enableCors', 'module', 'decorator'];

/**
 * With the bare hook: only the plain allowed-origin GET (`allowed`), the one scenario whose question
 * is what a CORS layer costs over writing its headers, and whose requests are all actual requests
 * from {@link APP_ORIGIN}, the one origin the hook knows, to a route whose policy is `BASE_POLICY`.
 * The others have none: without Origin or from a disallowed origin nothing approving is written
 * (only `Vary`); a preflight must be answered and ended, which is a different job; where the origin
 * changes from request to request (1,000 origins, wildcard subdomains), deciding whether it is
 * allowed is the library's work, which a hook echoing every origin would skip. `path-param` and
 * `routes-200` send the same origin and get the same headers, so the hook would be valid there, but
 * they measure routing, which the hook does not do; `allowed` gives the floor without it, and the
 * extra rounds would cost time in every run (CI runs the quick mode).
 */
const WITH_BARE = ['none', 'bare', 'enableCors', 'module', 'decorator'];

/**
 * Issue 9: the default policy computed per request, with and without the cache, next to the same
 * static policy (`module`), in the scenarios of one origin and one route: no Origin, an allowed
 * GET, an approved preflight.
 */
const PER_REQUEST = ['perRequest', 'perRequestUncached'];

export const ADAPTERS = ['express', 'fastify'];

/**
 * The policy of most scenarios, in the field names both `cors`/`@fastify/cors` and nestjs-cors read.
 * Credentials, exposed headers and max-age make every approved response carry a few headers.
 */
export const BASE_POLICY = {
  origin: [APP_ORIGIN, ADMIN_ORIGIN],
  methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
  allowedHeaders: ['Content-Type', 'X-Token'],
  exposedHeaders: ['X-Total'],
  credentials: true,
  maxAge: 600,
};

export const PARTNER_ORIGINS = Array.from(
  { length: 1000 },
  (_, i) => `https://client-${i}.partners.test`,
);
export const TENANT_ORIGINS = Array.from({ length: 1000 }, (_, i) =>
  i % 2 === 0 ? `https://tenant-${i}.example.com` : `https://eu.tenant-${i}.example.org`,
);

/** Distinct ids for routes with a path parameter: more than the module's cache of 1,024 paths. */
const DISTINCT_IDS = 2000;

/** `app.enableCors()` has no wildcard syntax: the equivalent regular expressions. */
export const WILDCARD_REGEXPS = [
  /^https:\/\/([a-z0-9_-]+\.)+example\.com$/,
  /^https:\/\/([a-z0-9_-]+\.)+example\.org$/,
];

function get(path, origin) {
  return { method: 'GET', path, headers: origin === undefined ? {} : { origin } };
}

function preflight(path, origin, method, headers) {
  return {
    method: 'OPTIONS',
    path,
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': headers,
    },
  };
}

/** The 200-route app: 20 controllers of 5 static and 5 parameterised GET routes each. */
export const MANY_ROUTES = { controllers: 20, staticPerController: 5, paramPerController: 5 };

function manyRoutesRequests() {
  const requests = [];
  const { controllers, staticPerController, paramPerController } = MANY_ROUTES;
  for (let round = 0; requests.length < DISTINCT_IDS; round++) {
    for (let c = 0; c < controllers; c++) {
      for (let s = 0; s < staticPerController; s++) requests.push(get(`/c${c}/s${s}`, APP_ORIGIN));
      for (let p = 0; p < paramPerController; p++)
        requests.push(get(`/c${c}/p${p}/${round * 1000 + c * 10 + p}`, APP_ORIGIN));
    }
  }
  return requests;
}

/**
 * The API app of the preflight scenario: 20 controllers of 10 routes each (static, parameterised,
 * nested parameters, a wildcard), every 4th one under a parameterised prefix. With the module,
 * controllers carry `@Cors(...)` policies in turn, from {@link API_CONTROLLER_POLICIES}; the 5th of
 * every 5 has none and takes the module default. Statics come first, as in most controllers (Express
 * serves the first registered route that matches).
 */
const API_RESOURCES = [
  'items',
  'users',
  'orders',
  'invoices',
  'products',
  'carts',
  'payments',
  'shipments',
  'reviews',
  'categories',
  'tags',
  'comments',
  'teams',
  'projects',
  'tasks',
  'reports',
  'webhooks',
  'sessions',
  'accounts',
  'documents',
];
const API_ROUTES = [
  { name: 'list', method: 'GET', path: undefined },
  { name: 'create', method: 'POST', path: undefined },
  { name: 'special', method: 'GET', path: 'special' },
  { name: 'replaceSpecial', method: 'PUT', path: 'special' },
  { name: 'one', method: 'GET', path: ':id' },
  { name: 'update', method: 'PUT', path: ':id' },
  { name: 'remove', method: 'DELETE', path: ':id' },
  { name: 'part', method: 'GET', path: ':id/parts/:partId' },
  { name: 'updatePart', method: 'PUT', path: ':id/parts/:partId' },
  // Each router has its own wildcard syntax, which Nest passes on as written.
  { name: 'upload', method: 'PUT', path: { express: 'files/*path', fastify: 'files/*' } },
];

/**
 * The preflight scenario's module default (`CorsModule.forRoot`) and the policy `app.enableCors()`
 * gets: `BASE_POLICY`. Every policy below allows {@link APP_ORIGIN}, PUT and `X-Token`, so that every
 * preflight of the scenario is approved, whichever route (or, for a path the module cannot resolve,
 * the default) answers it.
 */
const API_NAMED_POLICIES = {
  partner: {
    origin: [APP_ORIGIN, 'https://partner.example.org'],
    methods: ['GET', 'PUT', 'PATCH'],
    allowedHeaders: ['X-Token', 'X-Partner-Key'],
    maxAge: 300,
  },
};
/** `@Cors(...)` of the API controllers, in turn; `undefined`: no decorator, the module default. */
export const API_CONTROLLER_POLICIES = [
  { maxAge: 60 },
  { origin: [APP_ORIGIN, 'https://*.example.com'], exposedHeaders: ['X-Total', 'X-Request-Id'] },
  { methods: ['GET', 'PUT', 'PATCH'], allowedHeaders: ['X-Token'], maxAge: 7200 },
  'partner',
  undefined,
];

/**
 * The API app's controllers: `{ className, path, cors, routes }`, routes `{ name, method, path }`
 * (`path` per adapter where the routers' syntaxes differ).
 */
export const API_CONTROLLERS = API_RESOURCES.map((resource, c) => ({
  className: `${resource[0].toUpperCase()}${resource.slice(1)}Controller`,
  path: c % 4 === 3 ? `orgs/:orgId/${resource}` : resource,
  cors: API_CONTROLLER_POLICIES[c % API_CONTROLLER_POLICIES.length],
  routes: API_ROUTES,
}));

/** `users` -> `%75sers`: the first letter percent-encoded. */
const encodeFirstLetter = (segment) => `%${segment.charCodeAt(0).toString(16)}${segment.slice(1)}`;

/**
 * 100 preflights for PUT with `X-Token` from {@link APP_ORIGIN}, 5 per controller, interleaved so
 * that consecutive requests go to different controllers: a parameter value; a percent-encoded letter,
 * in a static segment on even controllers (`/items/sp%65cial`, which Fastify's router decodes to the
 * static `special` and Express matches as `:id`) and in the resource name on odd ones
 * (`/%75sers/18`, which Fastify's router decodes and Express does not match); nested parameters with
 * a trailing slash (which Express ignores and Fastify does not); the wildcard with encoded
 * characters; a parameter with a query string.
 */
function apiPreflights() {
  const requests = [];
  const targets = [
    (prefix, c) => `/${prefix}/${1000 + c}`,
    (prefix, c) =>
      c % 2 === 0
        ? `/${prefix}/sp%65cial`
        : `/${prefix.replace(/[^/]+$/, encodeFirstLetter)}/${17 + c}`,
    (prefix, c) => `/${prefix}/${c}/parts/p-${c * 3}/`,
    (prefix, c) => `/${prefix}/files/2024/r%C3%A9sum%C3%A9-${c}.pdf`,
    (prefix, c) => `/${prefix}/${c * 7}?fields=name&expand=parts`,
  ];
  for (const target of targets) {
    API_CONTROLLERS.forEach(({ path }, c) => {
      const prefix = path.replace(':orgId', `acme-${c}`);
      requests.push(preflight(target(prefix, c), APP_ORIGIN, 'PUT', 'x-token'));
    });
  }
  return requests;
}

/**
 * Each scenario: `policy` for CorsModule and `@Cors()`, `enableCorsPolicy` when `app.enableCors()`
 * needs another spelling of it, `app` (`items`, `many`, `api`, or `routes` of `routeCount` generated
 * routes), the `requests` each autocannon
 * connection cycles through, what they must get back (`preflight`, `allowed`), the `variants` it
 * runs when not {@link DEFAULT_VARIANTS}, and `checkAll` to check every request's answer before load
 * rather than the first, middle and last.
 */
export const SCENARIOS = [
  {
    id: 'no-origin',
    title: 'request without Origin',
    policy: BASE_POLICY,
    app: 'items',
    requests: [get('/items')],
    allowed: false,
    variants: [...DEFAULT_VARIANTS, ...PER_REQUEST],
  },
  {
    id: 'allowed',
    title: 'simple GET, allowed origin',
    policy: BASE_POLICY,
    app: 'items',
    requests: [get('/items', APP_ORIGIN)],
    allowed: true,
    variants: [...WITH_BARE, ...PER_REQUEST],
  },
  {
    id: 'disallowed',
    title: 'simple GET, disallowed origin',
    policy: BASE_POLICY,
    app: 'items',
    requests: [get('/items', EVIL_ORIGIN)],
    allowed: false,
  },
  {
    id: 'preflight-ok',
    title: 'preflight approved',
    policy: BASE_POLICY,
    app: 'items',
    requests: [preflight('/items', APP_ORIGIN, 'POST', 'content-type, x-token')],
    preflight: true,
    allowed: true,
    variants: [...DEFAULT_VARIANTS, ...PER_REQUEST],
  },
  {
    id: 'preflight-denied',
    title: 'preflight denied (origin)',
    policy: BASE_POLICY,
    app: 'items',
    requests: [preflight('/items', EVIL_ORIGIN, 'POST', 'content-type, x-token')],
    preflight: true,
    allowed: false,
  },
  {
    id: 'path-param',
    title: `path parameter, ${DISTINCT_IDS} distinct ids`,
    policy: BASE_POLICY,
    app: 'items',
    requests: Array.from({ length: DISTINCT_IDS }, (_, i) => get(`/items/${i}`, APP_ORIGIN)),
    allowed: true,
  },
  {
    id: 'origins-1000',
    title: 'allow-list of 1,000 exact origins',
    policy: { ...BASE_POLICY, origin: PARTNER_ORIGINS },
    app: 'items',
    // Walks the whole list, so that a linear scan pays its average cost.
    requests: PARTNER_ORIGINS.map((origin) => get('/items', origin)),
    allowed: true,
  },
  {
    id: 'wildcard',
    title: 'wildcard subdomains (RegExp for enableCors)',
    policy: { ...BASE_POLICY, origin: ['https://*.example.com', 'https://*.example.org'] },
    enableCorsPolicy: { ...BASE_POLICY, origin: WILDCARD_REGEXPS },
    app: 'items',
    requests: TENANT_ORIGINS.map((origin) => get('/items', origin)),
    allowed: true,
  },
  {
    id: 'routes-200',
    title: '200 routes (100 with a parameter)',
    policy: BASE_POLICY,
    app: 'many',
    requests: manyRoutesRequests(),
    allowed: true,
  },
  {
    id: 'preflight-200',
    title: 'preflights, 200 routes, encoded paths',
    // The module default; the controllers' own @Cors policies come with the app (`api`).
    policy: { ...BASE_POLICY, policies: API_NAMED_POLICIES },
    // `app.enableCors()` knows no routes: the default policy answers every preflight.
    enableCorsPolicy: BASE_POLICY,
    app: 'api',
    requests: apiPreflights(),
    preflight: true,
    allowed: true,
    // `module` is the module default with @Cors per controller; there is no per-handler variant.
    variants: ['none', 'enableCors', 'module'],
    checkAll: true,
  },
  // Issue 19: N generated routes, unique ids (route-count-scenarios.mjs).
  ...routeCountScenarios({ policy: BASE_POLICY, origin: APP_ORIGIN }),
];

/** The apps of the startup benchmark (bench/startup.mjs), `startup-100` and so on. */
export const STARTUP_SCENARIOS = startupScenarios({ policy: BASE_POLICY, origin: APP_ORIGIN });

/**
 * The app of the memory check (bench/memory.mjs): the items app with an exact origin and a wildcard,
 * so that a stream of distinct origins holds allowed ones and denied ones. Its requests are
 * generated per request by the memory check itself.
 */
export const MEMORY_SCENARIO = {
  id: 'memory',
  title: 'distinct paths and origins',
  policy: { ...BASE_POLICY, origin: [APP_ORIGIN, 'https://*.example.com'] },
  enableCorsPolicy: { ...BASE_POLICY, origin: [APP_ORIGIN, WILDCARD_REGEXPS[0]] },
  app: 'items',
  requests: [],
};

export function scenarioById(id) {
  const scenario = [...SCENARIOS, ...STARTUP_SCENARIOS, MEMORY_SCENARIO].find((s) => s.id === id);
  if (scenario === undefined) throw new Error(`unknown scenario ${JSON.stringify(id)}`);
  return scenario;
}

/**
 * Whether a scenario can run a variant: the bare hook only where the scenario lists it (see
 * {@link WITH_BARE}); no per-handler `@Cors()` in the `api` app, whose controllers carry their own.
 */
export function canRun(scenario, id) {
  if (id === 'bare') return (scenario.variants ?? DEFAULT_VARIANTS).includes('bare');
  if (scenario.app === 'api')
    return !['decorator', 'decoratorBase', 'perRequestDecorator'].includes(id);
  return VARIANTS.some((variant) => variant.id === id);
}

/**
 * The variants a scenario runs, in round order: its own list, or `only` (the ids `--variants`
 * names) where it can run them.
 */
export function variantsOf(scenario, only) {
  const ids =
    only === undefined
      ? (scenario.variants ?? DEFAULT_VARIANTS)
      : only.filter((id) => canRun(scenario, id));
  return VARIANTS.filter((variant) => ids.includes(variant.id));
}

/**
 * What a request of the scenario must get from a variant: the status, the
 * `Access-Control-Allow-Origin` value (`undefined` for none), and for an approved preflight the
 * method (`allowMethod`) and request headers (`allowHeaders`) the answer must grant.
 */
export function expectationFor(scenario, variant, request) {
  const cors = variant !== 'none';
  let status = 200;
  if (scenario.preflight) status = cors ? 204 : 404;
  const allowOrigin = cors && scenario.allowed ? request.headers.origin : undefined;
  if (!(scenario.preflight && allowOrigin !== undefined)) return { status, allowOrigin };
  const requested = request.headers['access-control-request-headers'] ?? '';
  return {
    status,
    allowOrigin,
    allowMethod: request.headers['access-control-request-method'],
    // A preflight without Access-Control-Request-Headers asks for none.
    allowHeaders: requested
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ''),
  };
}

/**
 * The response headers the bare hook writes for an actual request from its allowed origin: those an
 * approved actual request gets under `policy` (origin, credentials, exposed headers, `Vary`).
 */
export function bareHeaders(policy, origin) {
  const headers = [['Access-Control-Allow-Origin', origin]];
  if (policy.credentials) headers.push(['Access-Control-Allow-Credentials', 'true']);
  if (policy.exposedHeaders?.length > 0)
    headers.push(['Access-Control-Expose-Headers', policy.exposedHeaders.join(', ')]);
  headers.push(['Vary', 'Origin']);
  return headers;
}
