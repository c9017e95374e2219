import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Http2ServerRequest } from 'node:http2';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { makeSelfSignedCertificate, startHttp2App, type Http2TestApp } from '../e2e/support/http2';
import { API_HOST, Http2BrowserAppModule, Http2Hits } from './fixtures/http2-app';
import { launchChromium } from './support/chromium';
import { expectSeen, pageFetch } from './support/page-fetch';

/*
 * Chromium against the API on Fastify with `http2: true` and TLS (a self-signed certificate,
 * accepted with --ignore-certificate-errors): a page on the allowed origin sends a credentialed,
 * preflighted PUT, which reaches the handler and is readable; a page on another origin is blocked
 * at the preflight. Every request must have come over HTTP/2. Names under example.com resolve to
 * 127.0.0.1, so that the pages and the API have hosts of their own, and the API's host reaches it
 * as `:authority` alone, the way a deployed site's does.
 */

/** A request as it reached the API's server: `METHOD /path`, its HTTP version and cookie. */
interface Arrived {
  readonly route: string;
  readonly version: string;
  readonly cookie?: string;
}

/**
 * A blank page served over https (so that its cookies to the API are same-site) on its own port,
 * its origin named by `host`.
 */
async function startHttpsPage(host: string): Promise<{ origin: string; close(): Promise<void> }> {
  const { key, cert } = await makeSelfSignedCertificate();
  const server: Server = createServer({ key, cert }, (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><meta charset="utf-8"><title>page</title><p>page</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The protocol Chromium used for each response from `api`, by URL path (`h2`, `http/1.1`). */
function protocolsSeenBy(page: Page, api: string): Promise<string[]> {
  return page.evaluate(
    (prefix) =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.startsWith(prefix))
        // A PerformanceResourceTiming, which the Node typings this file compiles with do not name.
        .map((entry) => (entry as unknown as { nextHopProtocol: string }).nextHopProtocol),
    `${api}/`,
  );
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium([
    '--ignore-certificate-errors',
    '--host-resolver-rules=MAP *.example.com 127.0.0.1',
  ]);
});
afterAll(() => browser?.close());

describe('in Chromium, a page calls the API on fastify over HTTP/2 with TLS', () => {
  const arrived: Arrived[] = [];
  let pages: { allowed: { origin: string; close(): Promise<void> }; other: typeof pages.allowed };
  let app: Http2TestApp;
  /** The API's origin, as the pages call it. */
  let api: string;
  let hits: Http2Hits;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const [allowed, other] = await Promise.all([
      startHttpsPage('app.example.com'),
      startHttpsPage('shop.example.com'),
    ]);
    pages = { allowed, other };
    app = await startHttp2App(Http2BrowserAppModule.allowing(allowed.origin, other.origin));
    api = `https://${API_HOST}:${app.port}`;
    hits = app.app.get(Http2Hits);
    (app.app.getHttpServer() as Server).prependListener('request', (request: Http2ServerRequest) =>
      arrived.push({
        route: `${request.method} ${new URL(request.url, 'https://api').pathname}`,
        version: request.httpVersion,
        cookie: request.headers.cookie,
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([pages?.allowed.close(), pages?.other.close()]);
  });
  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterEach(() => context.close());

  const put = {
    method: 'PUT',
    path: '/things/1',
    headers: { 'X-Custom': 'yes' },
    credentials: 'include',
  } as const;

  it('from the allowed origin: a credentialed, preflighted PUT succeeds and is readable, over h2', async () => {
    await page.goto(`${pages.allowed.origin}/`);
    arrived.length = 0;
    hits.clear();
    const signIn = { method: 'POST', path: '/session', credentials: 'include' } as const;
    expectSeen(await pageFetch(page, api, signIn), { status: 201, body: 'signed in' });
    expectSeen(await pageFetch(page, api, put), {
      status: 200,
      body: 'updated 1 with sid=s3cret',
    });
    expect(arrived).toEqual([
      { route: 'POST /session', version: '2.0', cookie: undefined },
      { route: 'OPTIONS /things/1', version: '2.0', cookie: undefined },
      { route: 'PUT /things/1', version: '2.0', cookie: 'sid=s3cret' },
    ]);
    expect(hits.counts()).toEqual({ session: 1, update: 1 });
    expect(await protocolsSeenBy(page, api)).toEqual(['h2', 'h2']);
  });

  it('from another origin: blocked at the preflight; the PUT is never sent', async () => {
    await page.goto(`${pages.other.origin}/`);
    arrived.length = 0;
    hits.clear();
    expectSeen(await pageFetch(page, api, put), 'blocked');
    expect(arrived).toEqual([{ route: 'OPTIONS /things/1', version: '2.0', cookie: undefined }]);
    expect(hits.counts()).toEqual({});
  });

  it("the host-bound controller's origin reads /where on its host (named by :authority alone)", async () => {
    await page.goto(`${pages.other.origin}/`);
    arrived.length = 0;
    hits.clear();
    expectSeen(await pageFetch(page, api, { path: '/where' }), { status: 200, body: 'api host' });
    expect(arrived).toEqual([{ route: 'GET /where', version: '2.0', cookie: undefined }]);
    expect(hits.counts()).toEqual({ where: 1 });
  });

  it("the module default's origin cannot read the host-bound controller's /where", async () => {
    await page.goto(`${pages.allowed.origin}/`);
    arrived.length = 0;
    hits.clear();
    // A simple GET: sent, and its handler runs, but the page cannot read the answer.
    expectSeen(await pageFetch(page, api, { path: '/where' }), 'blocked');
    expect(hits.counts()).toEqual({ where: 1 });
  });
});
