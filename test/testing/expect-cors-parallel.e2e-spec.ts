import { createServer, type Server } from 'node:http';
import { expectCors } from '../../lib/testing';
import { ADMIN, EVIL } from '../e2e/fixtures/origins';
import { SHOP_APP_MODULES } from '../e2e/fixtures/shop-app';
import { PLATFORMS, startApp, type TestApp } from '../e2e/platforms';

/** How many calls run at once: enough that some start while others end. */
const PARALLEL = 5;

/*
 * expectCors against a server nobody made listen: it listens on a free port for the calls, and
 * calls that run at once share that listen, each request running to its end, until the last call
 * is done.
 */
describe.each(PLATFORMS)('expectCors, calls at once, on %s', (platform) => {
  let app: TestApp;
  let server: Server;
  beforeAll(async () => {
    app = await startApp(platform, SHOP_APP_MODULES[platform]);
    server = app.app.getHttpServer() as Server;
  });
  afterAll(() => app.close());

  /** Half allowed preflights, half denied actual requests, started together. */
  function calls(target: Server | TestApp['app']): Promise<unknown>[] {
    return Array.from({ length: PARALLEL }, (_unused, i) =>
      i % 2 === 0
        ? expectCors(target)
            .preflight('PUT', `/items/${i}`)
            .from(ADMIN)
            .toBeAllowed({ credentials: true, headers: ['X-Token'] })
        : expectCors(target).request('GET', '/items').from(EVIL).toBeDenied(),
    );
  }

  it.each([
    ['its server, not listening', () => server],
    ['the application, not listening', () => app.app],
  ] as const)(
    '%s: every call succeeds, and the server is closed after the last',
    async (_what, target) => {
      expect(server.listening).toBe(false);
      const settled = await Promise.allSettled(calls(target()));
      expect(
        settled.map((result) => (result.status === 'rejected' ? String(result.reason) : 'ok')),
      ).toEqual(Array.from({ length: PARALLEL }, () => 'ok'));
      expect(server.listening).toBe(false);
      // Listened again for the next call.
      await Promise.all(calls(target()));
      expect(server.listening).toBe(false);
    },
  );
});

describe('expectCors, calls at once, on any server', () => {
  it('a slow response outlives the quick calls that share its listen', async () => {
    const server = createServer((request, response) => {
      response.setHeader('Access-Control-Allow-Origin', ADMIN);
      if (request.url === '/slow') setTimeout(() => response.end(), 200);
      else response.end();
    });
    const slow = expectCors(server).request('GET', '/slow').from(ADMIN).toBeAllowed();
    const quick = Array.from({ length: PARALLEL - 1 }, () =>
      expectCors(server).request('GET', '/quick').from(ADMIN).toBeAllowed(),
    );
    await expect(Promise.all([slow, ...quick])).resolves.toHaveLength(PARALLEL);
    expect(server.listening).toBe(false);
  });
});
