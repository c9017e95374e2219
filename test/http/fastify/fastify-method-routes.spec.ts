// The second router that says which route an actual request of a method reaches: checked against
// a real Fastify instance with the same routes, and its answers for URLs Fastify refuses itself.
import fastify, { type FastifyInstance } from 'fastify';
import { routerOption } from '../../../lib/http/fastify/fastify-internals';
import {
  MethodRoutes,
  REFUSED_URL,
  UNKNOWN_ROUTE,
  shapeOf,
} from '../../../lib/http/fastify/fastify-method-routes';
import type { FastifyLike } from '../../../lib/http/fastify/fastify-types';

const ROUTES: ReadonlyArray<readonly [string, string]> = [
  ['GET', '/items'],
  ['GET', '/items/:id'],
  ['PUT', '/items/:id'],
  ['PUT', '/items/special'],
  ['DELETE', '/items/*'],
  ['GET', '/Mixed'],
];

const URLS = [
  '/items',
  '/items/',
  '/items/7',
  '/items/special',
  '/items/sp%65cial',
  '/items/7/more',
  '/mixed',
  '/Mixed',
  '/items/7?x=1',
  '/other',
];

/** A Fastify with these router options, where this release reads them (Nest 11.0's: top level). */
function fastifyWith(routerOptions: Record<string, unknown>): FastifyInstance {
  const app = fastify({ routerOptions });
  const taken = Object.keys(routerOptions).every(
    (name) => routerOption(app as unknown as FastifyLike, name) === routerOptions[name],
  );
  return taken ? app : fastify(routerOptions);
}

/** The second router, with the application's router options and its `findRoute()`. */
function methodRoutesOf(app: FastifyInstance): MethodRoutes<string> {
  return new MethodRoutes<string>(
    (name) => routerOption(app as unknown as FastifyLike, name),
    (method, url) => app.findRoute({ method: method, url }) !== null,
  );
}

describe('MethodRoutes', () => {
  it.each([{}, { caseSensitive: false, ignoreTrailingSlash: true }])(
    'finds the route Fastify finds for each method and URL (%o)',
    async (routerOptions) => {
      const app = fastifyWith(routerOptions);
      const routes = methodRoutesOf(app);
      for (const [method, path] of ROUTES) {
        app.route({ method, url: path, handler: () => `${method} ${path}` });
        routes.add(method, path, `${method} ${path}`);
      }
      await app.ready();
      for (const method of ['GET', 'PUT', 'DELETE', 'POST']) {
        for (const url of URLS) {
          const response = await app.inject({ method, url });
          const found = routes.find(method, url);
          const ours = found === null || typeof found === 'symbol' ? null : found.store;
          expect({ method, url, route: ours }).toEqual({
            method,
            url,
            route: response.statusCode === 200 ? response.body : null,
          });
        }
      }
      // The options took effect on both.
      const mixed = routes.find('GET', '/mixed');
      if (routerOptions.caseSensitive === false)
        expect(mixed).toMatchObject({ store: 'GET /Mixed' });
      else expect(mixed).toBeNull();
      await app.close();
    },
  );

  it('refuses a too long parameter where Fastify does (414), and only there', async () => {
    const app = fastify();
    app.get('/items/:id', () => 'item');
    const routes = methodRoutesOf(app);
    routes.add('GET', '/items/:id', 'item');
    const url = `/items/${'x'.repeat(101)}`;
    const status = (await app.inject({ method: 'GET', url })).statusCode;
    // 414 from Fastify's router; 404 from releases without that answer (Nest 11.0's Fastify 5.2).
    expect([414, 404]).toContain(status);
    expect(routes.find('GET', url)).toBe(status === 414 ? REFUSED_URL : null);
    await app.close();
  });

  it('finds no route for a refused URL where the application router answers nothing', () => {
    const routes = new MethodRoutes<string>(
      () => undefined,
      () => false,
    );
    routes.add('GET', '/items/:id', 'item');
    expect(routes.find('GET', `/items/${'x'.repeat(101)}`)).toBeNull();
  });

  it('answers UNKNOWN_ROUTE only for URLs that reach two routes the router holds as one', () => {
    // Under caseSensitive: false, find-my-way holds /Items and /items as one route.
    const routes = new MethodRoutes<string>(
      (name) => (name === 'caseSensitive' ? false : undefined),
      () => true,
    );
    routes.add('GET', '/Items', 'first');
    routes.add('GET', '/items', 'second');
    routes.add('GET', '/other', 'other');
    expect(routes.find('GET', '/items')).toBe(UNKNOWN_ROUTE);
    expect(routes.find('GET', '/other')).toMatchObject({ store: 'other' });
  });

  it.each([
    ['/a/:id', '/a/:'],
    ['/a/:file.:ext', '/a/:.:'],
    ['/a/:from-:to', '/a/:-:'],
    ['/a/:id(\\d+)', '/a/:(\\d+)'],
    ['/a::b/:id', '/a::b/:'],
    ['/static/*', '/static/*'],
  ])('shapeOf(%s) is %s', (path, shape) => {
    expect(shapeOf(path)).toBe(shape);
  });

  it('builds the router of a method only when that method is asked about', () => {
    const asked: string[] = [];
    const routes = new MethodRoutes<string>(
      (name) => {
        asked.push(name);
        return undefined;
      },
      () => true,
    );
    routes.add('GET', '/items', 'get');
    routes.add('PUT', '/items', 'put');
    expect(routes.find('POST', '/items')).toBeNull();
    expect(asked).toEqual([]);
    expect(routes.find('PUT', '/items')).toMatchObject({ store: 'put' });
    const once = asked.length;
    expect(once).toBeGreaterThan(0);
    expect(routes.find('PUT', '/items')).toMatchObject({ store: 'put' });
    expect(asked.length).toBe(once);
    // Asked before it exists: the answer remembered for the next question is dropped by add().
    expect(routes.find('PUT', '/later')).toBeNull();
    routes.add('PUT', '/later', 'later');
    expect(routes.find('PUT', '/later')).toMatchObject({ store: 'later' });
    expect(routes.find('GET', '/items')).toMatchObject({ store: 'get' });
    expect(asked.length).toBe(2 * once);
  });
});
