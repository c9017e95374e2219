// Issue 19's scenarios: apps of N generated routes (N/10 controllers `c0`, `c1`, ..., each with
// `GET r0..r4` and `PUT r0..r4/:id`), driven with requests to ids never sent before, so that nothing
// keyed by the path (a router cache, the module's own) is ever warm: the cost of a request at N
// routes. Imported by scenarios.mjs, which owns the policy and the origins.

/** The route counts of the benchmark, and the one of them that quick mode runs. */
export const ROUTE_COUNTS = [100, 1000, 5000];
export const QUICK_ROUTE_COUNT = 100;

/** Per controller: `GET rJ` and `PUT rJ/:id` for J below this. */
export const ROUTES_PER_CONTROLLER = 5;

/** The app's controllers: `{ className, path, routes: [{ name, method, path }] }`. */
export function generatedControllers(routeCount) {
  const controllers = Math.max(1, Math.round(routeCount / (2 * ROUTES_PER_CONTROLLER)));
  return Array.from({ length: controllers }, (_, k) => {
    const routes = [];
    for (let j = 0; j < ROUTES_PER_CONTROLLER; j++) {
      routes.push({ name: `get${j}`, method: 'GET', path: `r${j}` });
      routes.push({ name: `put${j}`, method: 'PUT', path: `r${j}/:id` });
    }
    return { className: `Generated${k}Controller`, path: `c${k}`, routes };
  });
}

/**
 * One request per `PUT` route, `rJ` outer and controllers inner, so that consecutive requests go to
 * different controllers. Each has `idPrefix`: the load generator sends `idPrefix` + a fresh id
 * instead of `path` (see `load()` in harness.mjs); `path`, with the id `check`, is the request
 * whose answer is checked before load.
 */
function putRouteRequests(routeCount, method, headers) {
  const controllers = generatedControllers(routeCount).length;
  const requests = [];
  for (let j = 0; j < ROUTES_PER_CONTROLLER; j++) {
    for (let k = 0; k < controllers; k++) {
      const idPrefix = `/c${k}/r${j}/`;
      requests.push({ method, path: `${idPrefix}check`, idPrefix, headers });
    }
  }
  return requests;
}

const thousands = (n) => n.toLocaleString('en-US');

/**
 * For each route count: `preflight-ids-N`, preflights for `PUT /cK/rJ/<unique id>` from `origin`,
 * and `put-ids-N`, the actual `PUT` requests. `quick: false` for all but the preflights at
 * {@link QUICK_ROUTE_COUNT}: quick mode skips them unless named with `--scenario`. `routeCount` is
 * the app's size.
 */
export function routeCountScenarios({ policy, origin }) {
  const variants = ['none', 'enableCors', 'module'];
  return ROUTE_COUNTS.flatMap((routeCount) => [
    {
      id: `preflight-ids-${routeCount}`,
      family: 'preflight-ids',
      title: `preflights to unique ids, ${thousands(routeCount)} routes`,
      policy,
      app: 'routes',
      routeCount,
      requests: putRouteRequests(routeCount, 'OPTIONS', {
        origin,
        'access-control-request-method': 'PUT',
      }),
      preflight: true,
      allowed: true,
      variants,
      quick: routeCount === QUICK_ROUTE_COUNT,
    },
    {
      id: `put-ids-${routeCount}`,
      family: 'put-ids',
      title: `PUT to unique ids, ${thousands(routeCount)} routes`,
      policy,
      app: 'routes',
      routeCount,
      requests: putRouteRequests(routeCount, 'PUT', { origin }),
      allowed: true,
      variants,
      // The same app and requests as the preflights but for the method: quick mode (CI) skips it.
      quick: false,
    },
  ]);
}

/**
 * The apps of the startup benchmark (bench/startup.mjs), `startup-N`: the same generated app, and
 * one preflight to check that a variant answers as it should once listening.
 */
export function startupScenarios({ policy, origin }) {
  return ROUTE_COUNTS.map((routeCount) => ({
    id: `startup-${routeCount}`,
    title: `startup, ${thousands(routeCount)} routes`,
    policy,
    app: 'routes',
    routeCount,
    requests: [
      {
        method: 'OPTIONS',
        path: '/c0/r0/check',
        headers: { origin, 'access-control-request-method': 'PUT' },
      },
    ],
    preflight: true,
    allowed: true,
  }));
}
