// The one OPTIONS route the module adds on a real Fastify: it takes preflights that no OPTIONS
// route of the application takes, and nothing else; a preflight it is handed goes on to the
// application's own `OPTIONS /*` handler, or to the not-found handler.
import fastify, { type FastifyInstance } from 'fastify';
import { PreflightCatchAll } from '../../../lib/http/fastify/fastify-preflight-route';
import { noteOf } from '../../../lib/http/fastify/fastify-route-note';
import type {
  FastifyLike,
  RouteConfig,
  RouteOptions,
} from '../../../lib/http/fastify/fastify-types';

const PREFLIGHT = { origin: 'https://app.example', 'access-control-request-method': 'PUT' };

/** An app whose hook says, in a header, whether the catch-all route took the request. */
async function appWith(routes: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = fastify();
  // As if every PUT under /items/ reached a route, and nothing else.
  const catchAll = new PreflightCatchAll(
    app as unknown as FastifyLike,
    (method, url) => method === 'PUT' && url.startsWith('/items/'),
  );
  catchAll.addConstraint();
  app.addHook('onRoute', (options) => catchAll.note(options as unknown as RouteOptions));
  app.addHook('onRequest', (request, reply, done) => {
    const caught = PreflightCatchAll.owns(
      noteOf(request.routeOptions.config as unknown as RouteConfig),
    );
    void reply.header('x-caught', String(caught));
    done();
  });
  routes(app);
  catchAll.register();
  await app.ready();
  return app;
}

describe('PreflightCatchAll', () => {
  it('takes a preflight whose method leads to a route, at a path without an OPTIONS route', async () => {
    const app = await appWith((a) => a.put('/items/:id', () => 'put'));
    const caught = async (url: string, headers: Record<string, string>) => {
      const response = await app.inject({ method: 'OPTIONS', url, headers });
      // Handed on (the hook here answers nothing): the not-found handler.
      expect(response.statusCode).toBe(404);
      return response.headers['x-caught'];
    };
    expect(await caught('/items/7', PREFLIGHT)).toBe('true');
    expect(await caught('/items/7?x=1', PREFLIGHT)).toBe('true');
    // A method or a path that leads nowhere: the not-found path, as its actual request takes.
    expect(await caught('/nowhere', PREFLIGHT)).toBe('false');
    const asDelete = { ...PREFLIGHT, 'access-control-request-method': 'DELETE' };
    expect(await caught('/items/7', asDelete)).toBe('false');
    await app.close();
  });

  it('takes no request that is not a preflight', async () => {
    const app = await appWith((a) => a.put('/items/:id', () => 'put'));
    const requests = [
      { method: 'OPTIONS' as const, headers: { origin: 'https://app.example' } },
      { method: 'OPTIONS' as const, headers: { 'access-control-request-method': 'PUT' } },
      { method: 'GET' as const, headers: PREFLIGHT },
    ];
    for (const { method, headers } of requests) {
      const response = await app.inject({ method, url: '/items/7', headers });
      expect(response.headers['x-caught']).toBe('false');
      expect(response.statusCode).toBe(404);
    }
    await app.close();
  });

  it('leaves the application’s own OPTIONS routes theirs, and hands on to its OPTIONS /*', async () => {
    const app = await appWith((a) => {
      a.options('/items/:id', () => 'own options route');
      a.options('/*', () => 'own catch-all');
    });
    const specific = await app.inject({ method: 'OPTIONS', url: '/items/7', headers: PREFLIGHT });
    expect([specific.headers['x-caught'], specific.body]).toEqual(['false', 'own options route']);
    const other = await app.inject({ method: 'OPTIONS', url: '/items/a/b', headers: PREFLIGHT });
    expect([other.headers['x-caught'], other.body]).toEqual(['true', 'own catch-all']);
    const plain = await app.inject({ method: 'OPTIONS', url: '/items/a/b' });
    expect([plain.headers['x-caught'], plain.body]).toEqual(['false', 'own catch-all']);
    await app.close();
  });
});
