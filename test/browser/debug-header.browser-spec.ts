/**
 * `debug: true`'s `X-Cors-Refused` header as a developer meets it: in Chromium's DevTools, on the
 * refused preflight (and refused actual request) of a page's fetch(), which the page itself sees
 * only as "Failed to fetch". Read through the DevTools protocol, as the network panel reads it:
 * playwright's own response events leave preflights out. On Express and on Fastify.
 */
import type { INestApplication } from '@nestjs/common';
import type { Browser, CDPSession } from 'playwright-core';
import { debugHeaderAppModule } from '../e2e/fixtures/debug-app';
import type { PageFetch } from './cases';
import { launchChromium } from './support/chromium';
import { expectSeen, pageFetch } from './support/page-fetch';
import {
  PLATFORMS,
  RequestLog,
  createApi,
  listenRecorded,
  startBlankPage,
} from './support/servers';

/** A response as the network panel lists it. */
interface PanelEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly refused: string | undefined;
}

/**
 * Records every response the network panel would list for the API, preflights included, from the
 * headers as they came off the wire (`responseReceivedExtraInfo`): a response that CORS refused to
 * the page has no `responseReceived`, only its failure, yet the panel shows its headers.
 */
async function networkPanel(cdp: CDPSession, api: string): Promise<() => PanelEntry[]> {
  const requests = new Map<string, { method: string; url: string }>();
  const responses = new Map<string, { status: number; headers: Record<string, string> }>();
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => {
    requests.set(requestId, { method: request.method, url: request.url });
  });
  cdp.on('Network.responseReceivedExtraInfo', ({ requestId, statusCode, headers }) => {
    responses.set(requestId, { status: statusCode, headers });
  });
  await cdp.send('Network.enable');
  return () =>
    [...responses].flatMap(([requestId, { status, headers }]) => {
      const request = requests.get(requestId);
      if (request === undefined || !request.url.startsWith(`${api}/`)) return [];
      const name = Object.keys(headers).find((n) => n.toLowerCase() === 'x-cors-refused');
      const path = new URL(request.url).pathname;
      return [{ method: request.method, path, status, refused: name && headers[name] }];
    });
}

interface PanelCase {
  readonly name: string;
  readonly fetch: PageFetch;
  /** What the panel shows: the responses to the API, in order. */
  readonly panel: readonly PanelEntry[];
}

const CASES: readonly PanelCase[] = [
  {
    name: "a refused preflight carries the reason and the handler's policy; the PUT is never sent",
    fetch: { method: 'PUT', path: '/reports/7' },
    panel: [
      {
        method: 'OPTIONS',
        path: '/reports/7',
        status: 204,
        refused: 'origin-not-allowed; policy="ReportsController.update"',
      },
    ],
  },
  {
    name: 'a refused preflight of a paths entry names the entry',
    fetch: { method: 'GET', path: '/docs/openapi.json', headers: { 'X-Token': 't' } },
    panel: [
      {
        method: 'OPTIONS',
        path: '/docs/openapi.json',
        status: 204,
        refused: 'origin-not-allowed; policy="paths[\\"/docs\\"], CorsModule options"',
      },
    ],
  },
  {
    name: 'a refused simple request carries it too, on the response the page cannot read',
    fetch: { method: 'GET', path: '/partners' },
    panel: [
      {
        method: 'GET',
        path: '/partners',
        status: 200,
        refused: 'origin-not-allowed; policy="PartnersController, CorsModule options"',
      },
    ],
  },
];

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(PLATFORMS)('X-Cors-Refused in the network panel, on %s', (platform) => {
  const log = new RequestLog();
  let page: { origin: string; close(): Promise<void> };
  let app: INestApplication;
  let api: string;

  beforeAll(async () => {
    page = await startBlankPage();
    // The module allows https://app.example.com: the page's own origin is refused everywhere.
    app = await createApi(platform, debugHeaderAppModule({ debug: true }));
    api = await listenRecorded(app, log);
  });
  afterAll(async () => {
    await app?.close();
    await page?.close();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, { fetch, panel }) => {
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      const panelEntries = await networkPanel(await context.newCDPSession(tab), api);
      await tab.goto(`${page.origin}/`);
      log.clear();
      expectSeen(await pageFetch(tab, api, fetch), 'blocked');
      expect(panelEntries()).toEqual(panel);
      // What reached the server: so that the panel cannot show what was never sent.
      expect(log.arrived.map((request) => request.route)).toEqual(
        panel.map(({ method, path }) => `${method} ${path}`),
      );
    } finally {
      await context.close();
    }
  });
});
