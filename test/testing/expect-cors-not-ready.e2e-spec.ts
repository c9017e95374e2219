import type { INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CorsExpectationError, expectCors } from '../../lib/testing';
import { ADMIN } from '../e2e/fixtures/origins';
import { SHOP_APP_MODULES } from '../e2e/fixtures/shop-app';

/** Well under Jest's own 5 s, so that a hang shows as this suite's failure, not a timeout. */
const FAST = 3_000;

/** A Fastify application after `app.init()`, whose instance's `ready()` nobody awaited. */
async function initialisedNotReady(): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [SHOP_APP_MODULES.fastify],
  }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  await app.init();
  return app;
}

describe('expectCors against a Fastify application that is not ready', () => {
  let app: INestApplication;
  beforeEach(async () => {
    app = await initialisedNotReady();
  });
  afterEach(() => app.close());

  it('makes the application ready itself, as Fastify’s inject() does, when given the application', async () => {
    const started = Date.now();
    const response = await expectCors(app)
      .preflight('PUT', '/items/42')
      .from(ADMIN)
      .toBeAllowed({ credentials: true, headers: ['X-Token'] });
    expect(response.status).toBe(204);
    expect(Date.now() - started).toBeLessThan(FAST);
  });

  it('fails fast, saying why and what to write, when given only its server', async () => {
    const started = Date.now();
    const server = app.getHttpServer() as Server;
    const error = await expectCors(server)
      .preflight('PUT', '/items/42')
      .from(ADMIN)
      .toBeAllowed()
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(Date.now() - started).toBeLessThan(FAST + 1_500);
    expect(error).toBeInstanceOf(CorsExpectationError);
    expect((error as Error).message).toContain(
      'The server threw while taking OPTIONS /items/42 (TypeError',
    );
    expect((error as Error).message).toContain('await app.getHttpAdapter().getInstance().ready()');
    // The server it made listen is closed again.
    expect(server.listening).toBe(false);
  }, 10_000);

  it('says so to each of several calls at once', async () => {
    const server = app.getHttpServer() as Server;
    const settled = await Promise.allSettled(
      Array.from({ length: 5 }, (_unused, i) =>
        expectCors(server).preflight('PUT', `/items/${i}`).from(ADMIN).toBeAllowed(),
      ),
    );
    expect(
      settled.map((result) =>
        result.status === 'rejected' && result.reason instanceof CorsExpectationError
          ? /^The server threw while taking OPTIONS \/items\/\d \(TypeError[\s\S]*getInstance\(\)\.ready\(\)/.test(
              result.reason.message,
            )
          : result,
      ),
    ).toEqual([true, true, true, true, true]);
    expect(server.listening).toBe(false);
  }, 10_000);
});

describe('expectCors against a server that never answers', () => {
  it('fails after the timeout it is given, and closes the server it made listen', async () => {
    const server = createServer(() => undefined);
    const started = Date.now();
    await expect(
      expectCors(server, { timeout: 300 }).preflight('GET', '/slow').from(ADMIN).toBeAllowed(),
    ).rejects.toThrow('OPTIONS /slow gave no response within 300 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.listening).toBe(false);
  });
});

/** The hint to make Fastify ready is given where Fastify serves the requests, and nowhere else. */
describe('expectCors: what it says about a server that is not Fastify', () => {
  async function failureOf(expectation: Promise<unknown>): Promise<string> {
    return expectation.then(
      () => 'passed',
      (error: unknown) => (error as Error).message,
    );
  }

  it('an Express server that never answers: the timeout, and no word of Fastify', async () => {
    // Express itself, as Nest's adapter makes it.
    const app = new ExpressAdapter().getInstance<
      RequestListener & { options(path: string, handler: () => void): void }
    >();
    app.options('/slow', () => undefined);
    const message = await failureOf(
      expectCors(createServer(app), { timeout: 300 })
        .preflight('GET', '/slow')
        .from(ADMIN)
        .toBeAllowed(),
    );
    expect(message).toContain('OPTIONS /slow gave no response within 300 ms.');
    expect(message).toContain('pass expectCors(target, { timeout })');
    expect(message).not.toMatch(/fastify|ready\(\)/i);
  });

  it('a server whose request listener throws: what it threw, and no word of Fastify', async () => {
    const server = createServer(() => {
      throw new RangeError('out of order');
    });
    const message = await failureOf(
      expectCors(server).request('GET', '/x').from(ADMIN).toBeAllowed(),
    );
    expect(message).toBe(
      'The server threw while taking GET /x (RangeError: out of order), before any handler could answer.',
    );
    expect(server.listening).toBe(false);
  });

  it('a URL that never answers: the timeout, and no word of Fastify', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const message = await failureOf(
        expectCors(url, { timeout: 300 }).request('GET', '/x').from(ADMIN).toBeAllowed(),
      );
      expect(message).toContain('GET /x gave no response within 300 ms.');
      expect(message).not.toMatch(/fastify|ready\(\)/i);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
