import { describeCasesOnEachPlatform } from './describe-cases';
import {
  ACAH,
  ACAM,
  ACAO,
  NOTHING_APPROVED,
  get,
  preflight,
  withHeaders,
  type Case,
} from './cases';
import { ROUTING_APP_MODULES, setUpRouting } from './fixtures/routing-app';
import {
  ADMIN,
  APP,
  HEALTH,
  HOSTED,
  LEGACY,
  MULTI,
  NEUTRAL,
  PARTNER,
  UNBOUND,
  V1,
  V2,
} from './fixtures/origins';

/** The origin approved, and the handler that answered, when there is one. */
function approves(origin: string, status = 200, body?: string) {
  return { status, body, headers: { [ACAO]: origin } };
}
const refused = (status = 200) => ({ status, headers: NOTHING_APPROVED });
/** A 404 carries the module default: its origin approved, any other refused. */
const NOT_FOUND_DEFAULT = approves(APP, 404);

/**
 * Every request names the route it is for the way the router resolves it: prefix and its exclusion,
 * version segment, `RouterModule` path, several paths per handler, parameters, wildcards and host.
 * Where the two routers disagree on which handler serves a path, the CORS policy follows each.
 */
const ROUTING_CASES: readonly Case[] = [
  // URI versions: same path, one policy per version, preflights included.
  {
    name: 'GET /api/v1/things: the version 1 controller and its policy',
    request: get('/api/v1/things', V1),
    expected: approves(V1, 200, 'things v1'),
  },
  {
    name: "GET /api/v1/things refuses version 2's origin",
    request: get('/api/v1/things', V2),
    expected: refused(),
  },
  {
    name: 'GET /api/v2/things: the version 2 controller and its policy',
    request: get('/api/v2/things', V2),
    expected: approves(V2, 200, 'things v2'),
  },
  {
    name: "GET /api/v2/things refuses version 1's origin",
    request: get('/api/v2/things', V1),
    expected: refused(),
  },
  {
    name: 'preflight for /api/v1/things: the version 1 policy',
    request: preflight('/api/v1/things', V1, 'GET'),
    expected: approves(V1, 204),
  },
  {
    name: 'preflight for /api/v1/things refuses the version 2 origin',
    request: preflight('/api/v1/things', V2, 'GET'),
    expected: refused(204),
  },
  {
    name: 'preflight for /api/v2/things: the version 2 policy',
    request: preflight('/api/v2/things', V2, 'GET'),
    expected: approves(V2, 204),
  },
  {
    name: 'preflight for /api/v2/things refuses the version 1 origin',
    request: preflight('/api/v2/things', V1, 'GET'),
    expected: refused(204),
  },
  {
    name: "preflight for PUT /api/v1/things/:id: the handler's fields over the v1 controller",
    request: preflight('/api/v1/things/7', V1, 'PUT', 'x-token'),
    expected: { status: 204, headers: { [ACAO]: V1, [ACAM]: 'PUT', [ACAH]: 'x-token' } },
  },
  {
    name: 'preflight for GET /api/v2/things/:id: the version 2 policy',
    request: preflight('/api/v2/things/7', V2, 'GET'),
    expected: approves(V2, 204),
  },
  {
    name: 'preflight for PUT /api/v2/things/:id, which only v1 serves: the module default',
    request: preflight('/api/v2/things/7', V1, 'PUT'),
    expected: refused(204),
  },
  // Several versions, a neutral version, the default version, a handler's own version.
  {
    name: "version ['3', '4']: /api/v3/legacy",
    request: get('/api/v3/legacy', LEGACY),
    expected: approves(LEGACY, 200, 'legacy'),
  },
  {
    name: "version ['3', '4']: preflight for /api/v4/legacy",
    request: preflight('/api/v4/legacy', LEGACY, 'GET'),
    expected: approves(LEGACY, 204),
  },
  {
    name: "version ['3', '4']: /api/v5/legacy is not a route: the module default",
    request: preflight('/api/v5/legacy', LEGACY, 'GET'),
    expected: refused(204),
  },
  {
    name: 'VERSION_NEUTRAL: /api/status, without a version segment',
    request: get('/api/status', NEUTRAL),
    expected: approves(NEUTRAL, 200, 'status'),
  },
  {
    name: 'VERSION_NEUTRAL: preflight for /api/status',
    request: preflight('/api/status', NEUTRAL, 'GET'),
    expected: approves(NEUTRAL, 204),
  },
  {
    name: 'VERSION_NEUTRAL: /api/v1/status is not a route: the module default',
    request: get('/api/v1/status', NEUTRAL),
    expected: refused(404),
  },
  {
    name: 'no version declared: the default version, /api/v1/plain, with the module default',
    request: get('/api/v1/plain', APP),
    expected: approves(APP, 200, 'plain'),
  },
  {
    name: "@Version('5') on a handler: /api/v5/plain/five and its policy",
    request: preflight('/api/v5/plain/five', V2, 'GET'),
    expected: approves(V2, 204),
  },
  {
    name: "@Version('5') on a handler: /api/v1/plain/five is not a route",
    request: get('/api/v1/plain/five', V2),
    expected: refused(404),
  },
  // Several paths on one handler.
  {
    name: "@Get(['a', 'b']): /api/v1/plain/a",
    request: get('/api/v1/plain/a', MULTI),
    expected: approves(MULTI, 200, 'a or b'),
  },
  {
    name: "@Get(['a', 'b']): preflight for /api/v1/plain/b",
    request: preflight('/api/v1/plain/b', MULTI, 'GET'),
    expected: approves(MULTI, 204),
  },
  {
    name: "@Get(['a', 'b']): its policy stays on its paths (/api/v1/plain)",
    request: preflight('/api/v1/plain', MULTI, 'GET'),
    expected: refused(204),
  },
  // RouterModule, path parameters, wildcards.
  {
    name: 'RouterModule: /api/v1/admin/users',
    request: get('/api/v1/admin/users', ADMIN),
    expected: approves(ADMIN, 200, 'admin users'),
  },
  {
    name: 'RouterModule: /api/v1/users, without the module path, is not a route',
    request: preflight('/api/v1/users', ADMIN, 'GET'),
    expected: refused(204),
  },
  {
    name: 'path parameters: /api/v1/admin/users/:userId/orders/:orderId',
    request: get('/api/v1/admin/users/3/orders/9', ADMIN),
    expected: approves(ADMIN, 200, 'order 9 of 3'),
  },
  {
    name: 'path parameters: preflight',
    request: preflight('/api/v1/admin/users/3/orders/9', ADMIN, 'GET'),
    expected: approves(ADMIN, 204),
  },
  {
    name: 'path parameters: a missing segment is not a route',
    request: preflight('/api/v1/admin/users/3/orders', ADMIN, 'GET'),
    expected: refused(204),
  },
  {
    name: 'wildcard under RouterModule: preflight for /api/v1/admin/files/x/y.txt',
    request: preflight('/api/v1/admin/files/x/y.txt', ADMIN, 'GET'),
    expected: approves(ADMIN, 204),
  },
  // A static and a parameter route on the same path shape, the parameter declared first.
  {
    name: 'GET /api/v1/things/latest: the policy of the handler the router picks (origin of @Get("latest"))',
    request: get('/api/v1/things/latest', PARTNER),
    expected: approves(PARTNER, 200, 'latest v1'),
    // Express tries routes in declaration order: @Get(':id') comes first and serves it.
    byPlatform: { express: { status: 200, body: 'thing latest v1', headers: NOTHING_APPROVED } },
  },
  {
    name: 'GET /api/v1/things/latest: the policy of the handler the router picks (origin of @Get(":id"))',
    request: get('/api/v1/things/latest', V1),
    expected: { status: 200, body: 'latest v1', headers: NOTHING_APPROVED },
    byPlatform: { express: approves(V1, 200, 'thing latest v1') },
  },
  {
    name: 'preflight for GET /api/v1/things/latest: the policy of the handler the router would pick',
    request: preflight('/api/v1/things/latest', PARTNER, 'GET'),
    expected: approves(PARTNER, 204),
    byPlatform: { express: refused(204) },
  },
  // The router's case and trailing-slash rules.
  {
    name: 'case: Express ignores it and serves /API/V1/THINGS; Fastify does not (404, default)',
    request: get('/API/V1/THINGS', V1),
    expected: refused(404),
    byPlatform: { express: approves(V1, 200, 'things v1') },
  },
  {
    name: 'trailing slash: Express ignores it and serves /api/v1/things/latest/ from :id; Fastify does not',
    request: preflight('/api/v1/things/latest/', V1, 'GET'),
    expected: refused(204),
    byPlatform: { express: approves(V1, 204) },
  },
  // The global prefix's exclusion.
  {
    name: 'excluded from the prefix: /health and its policy',
    request: get('/health', HEALTH),
    expected: approves(HEALTH, 200, 'ok'),
  },
  {
    name: 'excluded from the prefix: preflight for /health',
    request: preflight('/health', HEALTH, 'GET'),
    expected: approves(HEALTH, 204),
  },
  {
    name: 'excluded from the prefix: /api/health is not a route: the module default',
    request: get('/api/health', HEALTH),
    expected: refused(404),
  },
  {
    name: 'excluded for GET only: a preflight for POST /health takes the module default',
    request: preflight('/health', HEALTH, 'POST'),
    expected: refused(204),
  },
  // A host-bound controller.
  {
    name: 'host-bound: GET /api/v1/hosted for Host: partner.localhost',
    request: withHeaders(get('/api/v1/hosted', HOSTED), { host: 'partner.localhost' }),
    expected: approves(HOSTED, 200, 'hosted'),
  },
  {
    name: 'host-bound: a port in Host does not change the host',
    request: withHeaders(get('/api/v1/hosted', HOSTED), { host: 'partner.localhost:8080' }),
    expected: approves(HOSTED, 200, 'hosted'),
  },
  {
    name: 'host-bound: preflight for Host: partner.localhost',
    request: withHeaders(preflight('/api/v1/hosted', HOSTED, 'GET'), { host: 'partner.localhost' }),
    expected: approves(HOSTED, 204),
  },
  {
    name: 'host-bound: its policy is not applied to other hosts',
    request: withHeaders(preflight('/api/v1/hosted', HOSTED, 'GET'), { host: 'other.localhost' }),
    expected: refused(204),
  },
  {
    // Fastify has no route for that host: Nest answers 404 (Nest 11.0: 500) with the module default.
    name: 'another host: the unbound controller on Express; the module default on Fastify',
    request: withHeaders(get('/api/v1/hosted', UNBOUND), { host: 'other.localhost' }),
    expected: { headers: NOTHING_APPROVED },
    byPlatform: { express: approves(UNBOUND, 200, 'unbound') },
  },
  {
    name: 'another host: preflight, same routers',
    request: withHeaders(preflight('/api/v1/hosted', APP, 'GET'), { host: 'other.localhost' }),
    expected: approves(APP, 204),
    byPlatform: { express: refused(204) },
  },
  // Unknown paths.
  {
    name: 'an unknown path under the prefix: the module default',
    request: get('/api/nowhere', APP),
    expected: NOT_FOUND_DEFAULT,
  },
  {
    name: 'an unknown path under the prefix: preflight, the module default',
    request: preflight('/api/v1/nowhere', APP, 'DELETE'),
    expected: approves(APP, 204),
  },
  {
    name: 'an unknown path outside the prefix: the module default',
    request: get('/nowhere', APP),
    expected: NOT_FOUND_DEFAULT,
  },
  {
    name: 'an unknown path outside the prefix: preflight, the module default',
    request: preflight('/nowhere', APP, 'PUT'),
    expected: approves(APP, 204),
  },
  {
    name: 'an unknown path: only the module default',
    request: preflight('/nowhere', V1, 'PUT'),
    expected: refused(204),
  },
];

describeCasesOnEachPlatform(
  'the route table follows the router',
  { module: ROUTING_APP_MODULES, setUp: setUpRouting },
  ROUTING_CASES,
);
