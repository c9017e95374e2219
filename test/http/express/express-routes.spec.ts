/**
 * ExpressRoutes asks the layers of the stack as it is at each lookup: a route added, removed or
 * moved after earlier lookups is seen, remembered answers included.
 */
import { ExpressAdapter } from '@nestjs/platform-express';
import type { ExpressApp, ExpressRequest } from '../../../lib/http/express/express-app';
import { ExpressRoutes } from '../../../lib/http/express/express-routes';
import type { RouteTarget } from '../../../lib/routing/route-record';

const other = { policy: {}, hosts: undefined, versions: undefined } as unknown as RouteTarget;
const request = (path: string, method = 'GET') => ({ path, method }) as ExpressRequest;

function setUp() {
  const app = new ExpressAdapter().getInstance<
    ExpressApp & { router: { stack: unknown[] }; put: ExpressApp['get'] }
  >();
  return { app, finder: new ExpressRoutes(app, other, []) };
}

describe('ExpressRoutes', () => {
  it('sees a route added after the first lookup', () => {
    const { app, finder } = setUp();
    app.get('/a', () => undefined);
    expect(finder.actualRoute(request('/b'))).toBeUndefined();
    app.get('/b', () => undefined);
    expect(finder.actualRoute(request('/b'))?.policy).toBe(other.policy);
  });

  it('forgets a remembered answer when its route is removed or another is put first', () => {
    const { app, finder } = setUp();
    app.get('/a', () => undefined);
    app.get('/z', () => undefined);
    // Asked twice: the second answer is the remembered one.
    expect(finder.actualRoute(request('/a'))).toBeDefined();
    expect(finder.actualRoute(request('/a'))).toBeDefined();
    const stack = app.router.stack;
    const [route] = stack.splice(stack.length - 2, 1);
    stack.unshift(route);
    expect(finder.actualRoute(request('/a'))).toBeDefined();
    stack.shift();
    expect(finder.actualRoute(request('/a'))).toBeUndefined();
  });

  it('answers a preflight for a unique id from the route of its path', () => {
    const { app, finder } = setUp();
    for (let c = 0; c < 100; c++) app.put(`/c${c}/r/:id`, () => undefined);
    expect(finder.preflightRoute(request('/c42/r/123456', 'OPTIONS'), 'PUT')).toBeDefined();
    expect(finder.preflightRoute(request('/c42/r/123456', 'OPTIONS'), 'DELETE')).toBeUndefined();
    expect(finder.preflightRoute(request('/c420/r/1', 'OPTIONS'), 'PUT')).toBeUndefined();
  });

  it('does not run the pattern of a literal route that does not serve the method', () => {
    const { app, finder } = setUp();
    app.get('/c/r', () => undefined);
    app.put('/c/r/:id', () => undefined);
    type Layer = { match(path: string): unknown };
    const [literal, withId] = app.router.stack.slice(-2) as unknown as [Layer, Layer];
    const asked: string[] = [];
    for (const [name, layer] of [
      ['GET /c/r', literal],
      ['PUT /c/r/:id', withId],
    ] as const) {
      const match = layer.match.bind(layer);
      layer.match = (path) => {
        asked.push(name);
        return match(path);
      };
    }
    expect(finder.preflightRoute(request('/c/r/123', 'OPTIONS'), 'PUT')).toBeDefined();
    expect(asked).toEqual(['PUT /c/r/:id']);
  });

  it('still stops where a route that does not serve the method fails to decode a parameter', () => {
    const { app, finder } = setUp();
    // The router tries GET /c/:x first: its parameter does not decode, so it answers 400 and no
    // later route runs, whatever the method; the PUT route, which decodes nothing, would match.
    app.get('/c/:x', () => undefined);
    app.put(/^\/c\/.*$/ as unknown as string, () => undefined);
    expect(finder.preflightRoute(request('/c/ok', 'OPTIONS'), 'PUT')).toBeDefined();
    expect(finder.preflightRoute(request('/c/%E0%A4%A', 'OPTIONS'), 'PUT')).toBeUndefined();
  });
});
