import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CorsExpectationError, expectCors } from '../../lib/testing';

// Runs under Jest (`npm test`) and under Vitest (`npm run test:vitest`): the helpers are meant for
// both, and this file uses only what the two share (describe, it, expect, beforeAll, afterAll).

/** The helpers against a plain server, given the server or its URL. */
describe('expectCors on any server', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.headers.origin === 'https://page.example') {
        response.setHeader('Access-Control-Allow-Origin', 'https://page.example');
        response.setHeader('Access-Control-Allow-Methods', 'PATCH');
      }
      response.statusCode = request.method === 'OPTIONS' ? 403 : 200;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses a preflight answered with a status that is not ok, whatever its headers', async () => {
    await expect(
      expectCors(url).preflight('PATCH', '/x').from('https://page.example').toBeAllowed(),
    ).rejects.toThrow('the status is 403, and a preflight needs an ok status (200-299)');
  });

  it('takes a listening server as well as its URL', async () => {
    await expectCors(server).request('GET', '/x').from('https://page.example').toBeAllowed();
    await expectCors(server).request('GET', '/x').from('https://other.example').toBeDenied();
  });

  it('asks which page sends the request', async () => {
    await expect(expectCors(url).request('GET', '/x').toBeAllowed()).rejects.toThrow(
      CorsExpectationError,
    );
  });
});
