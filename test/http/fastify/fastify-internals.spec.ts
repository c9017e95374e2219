// Reading a route's config from Fastify's route context gives what `request.routeOptions.config`
// gives: for a route, for the not-found handler, and from a request without Fastify's context.
import fastify from 'fastify';
import { routeConfigOf } from '../../../lib/http/fastify/fastify-internals';
import type { FastifyRequestLike } from '../../../lib/http/fastify/fastify-types';

describe('routeConfigOf', () => {
  it('is the config request.routeOptions gives, on a route and on the not-found handler', async () => {
    const app = fastify();
    const seen: { same: boolean; url: unknown; getterReads: number }[] = [];
    app.addHook('onRequest', (request, _reply, done) => {
      const like = request as unknown as FastifyRequestLike;
      const own: unknown = request.routeOptions.config;
      // The public getter is not read: shadowed on this request, it would count.
      let getterReads = 0;
      Object.defineProperty(request, 'routeOptions', {
        get: () => {
          getterReads++;
          return { config: own };
        },
      });
      for (let i = 0; i < 2; i++) {
        const config = routeConfigOf(like);
        seen.push({ same: config === own, url: config?.url, getterReads });
      }
      done();
    });
    app.get('/items/:id', { config: { marker: 1 } }, () => 'ok');
    await app.ready();
    await app.inject({ method: 'GET', url: '/items/7' });
    await app.inject({ method: 'GET', url: '/nowhere' });
    expect(seen).toEqual([
      { same: true, url: '/items/:id', getterReads: 0 },
      { same: true, url: '/items/:id', getterReads: 0 },
      { same: true, url: undefined, getterReads: 0 },
      { same: true, url: undefined, getterReads: 0 },
    ]);
    await app.close();
  });

  it('falls back to request.routeOptions where a request has no route context', () => {
    const config = { url: '/x' };
    const request = { routeOptions: { config } } as unknown as FastifyRequestLike;
    expect(routeConfigOf(request)).toBe(config);
  });
});
