// What the HTTP benchmark measures: the policy each scenario configures, the shape of its app and the
// requests autocannon sends. Shared by the driver (bench/run.mjs), the app processes (bench/app.mjs),
// the memory check and the profiler, so that all of them agree on every detail.

export const APP_ORIGIN = 'https://app.example.com';
export const ADMIN_ORIGIN = 'https://admin.example.com';
export const EVIL_ORIGIN = 'https://evil.example.net';

/** The four app variants, in the order of every round. */
export const VARIANTS = [
  { id: 'none', label: 'no CORS' },
  { id: 'enableCors', label: 'app.enableCors()' },
  { id: 'module', label: 'CorsModule.forRoot()' },
  { id: 'decorator', label: '@Cors() per route' },
];

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
 * Each scenario: `policy` for CorsModule and `@Cors()`, `enableCorsPolicy` when `app.enableCors()`
 * needs another spelling of it, `app` (`items` or `many`), the `requests` each autocannon connection
 * cycles through, and what the first of them must get back (`preflight`, `allowed`).
 */
export const SCENARIOS = [
  {
    id: 'no-origin',
    title: 'request without Origin',
    policy: BASE_POLICY,
    app: 'items',
    requests: [get('/items')],
    allowed: false,
  },
  {
    id: 'allowed',
    title: 'simple GET, allowed origin',
    policy: BASE_POLICY,
    app: 'items',
    requests: [get('/items', APP_ORIGIN)],
    allowed: true,
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
];

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
  const scenario = [...SCENARIOS, MEMORY_SCENARIO].find((s) => s.id === id);
  if (scenario === undefined) throw new Error(`unknown scenario ${JSON.stringify(id)}`);
  return scenario;
}

/**
 * What a request of the scenario must get from a variant: the status, and the
 * `Access-Control-Allow-Origin` value (`undefined` for none).
 */
export function expectationFor(scenario, variant, request) {
  const cors = variant !== 'none';
  let status = 200;
  if (scenario.preflight) status = cors ? 204 : 404;
  const allowOrigin = cors && scenario.allowed ? request.headers.origin : undefined;
  return { status, allowOrigin };
}
