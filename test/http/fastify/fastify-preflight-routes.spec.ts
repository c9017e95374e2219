// The preflight routes on a real Fastify router: one OPTIONS route per path, which the router
// chooses for exactly the preflights whose requested method is served there.
import fastify, { type FastifyInstance } from 'fastify';
import { MethodRoutes } from '../../../lib/http/fastify/fastify-method-routes';
import { PreflightRoutes } from '../../../lib/http/fastify/fastify-preflight-routes';
import type { RouteNote } from '../../../lib/http/fastify/fastify-route-note';
import type { FastifyLike, RouteOptions } from '../../../lib/http/fastify/fastify-types';
import type { CoverableTarget } from '../../../lib/http/fastify/fastify-url-targets';

const CONSTRAINT = 'nestjsCorsPreflightMethod';
const target: CoverableTarget = {
  target: { policy: null, hosts: undefined, versions: undefined },
  byUrl: false,
};

interface Setup {
  readonly app: FastifyInstance;
  readonly preflights: PreflightRoutes;
  /** The preflight routes added, as `OPTIONS` routes: their paths. */
  readonly added: string[];
  note(method: string, url: string): void;
}

function setUp(): Setup {
  const app = fastify();
  const added: string[] = [];
  app.addHook('onRoute', (options) => {
    if (options.method === 'OPTIONS' && options.constraints?.[CONSTRAINT] !== undefined)
      added.push(options.url);
  });
  const like = app as unknown as FastifyLike;
  const preflights = new PreflightRoutes(
    like,
    new MethodRoutes<RouteNote>(() => undefined),
    undefined,
    () => false,
  );
  preflights.addConstraint();
  return {
    app,
    preflights,
    added,
    note(method, url) {
      // Only noted: the application's own routes play no part in routing OPTIONS requests.
      const options: RouteOptions = { method, url, handler: () => 'ok' };
      preflights.note(options, target, true);
    },
  };
}

/** Whether the router sends a preflight for `method` to `url` to a preflight route. */
function routed(app: FastifyInstance, method: unknown, url: string): boolean {
  return app.findRoute({ method: 'OPTIONS', url, constraints: { [CONSTRAINT]: method } }) !== null;
}

describe('PreflightRoutes', () => {
  it('adds one OPTIONS route per path, which serves every method of the path', async () => {
    const { app, preflights, added, note } = setUp();
    note('GET', '/items');
    note('HEAD', '/items');
    note('PUT', '/items');
    note('DELETE', '/items/:id');
    preflights.routesRegistered();
    await app.ready();
    expect(added).toEqual(['/items', '/items/:id']);
    for (const method of ['GET', 'HEAD', 'PUT']) expect(routed(app, method, '/items')).toBe(true);
    expect(routed(app, 'DELETE', '/items')).toBe(false);
    expect(routed(app, 'DELETE', '/items/7')).toBe(true);
    expect(routed(app, 'PUT', '/items/7')).toBe(false);
    await app.close();
  });

  it('matches no header value against a route’s list of methods', async () => {
    const { app, preflights, note } = setUp();
    note('GET', '/items');
    note('PUT', '/items');
    preflights.routesRegistered();
    await app.ready();
    for (const value of ['GET,PUT', 'GET, PUT', 'get', 'POST', '']) {
      expect(routed(app, value, '/items')).toBe(false);
    }
    await app.close();
  });

  it('gives a method that comes after the path’s route a route of its own there', async () => {
    const { app, preflights, added, note } = setUp();
    note('GET', '/items');
    preflights.routesRegistered();
    note('POST', '/items');
    note('GET', '/items');
    await app.ready();
    expect(added).toEqual(['/items', '/items']);
    expect(routed(app, 'GET', '/items')).toBe(true);
    expect(routed(app, 'POST', '/items')).toBe(true);
    expect(routed(app, 'PUT', '/items')).toBe(false);
    await app.close();
  });
});
