import type { INestApplication } from '@nestjs/common';
import type { Browser, Response } from 'playwright-core';
import { BROWSER_CASES } from './cases';
import { CorsBrowserAppModule, HandlerHits } from './fixtures/cors-app';
import { launchChromium } from './support/chromium';
import { expectSeen, pageFetch, sleep } from './support/page-fetch';
import {
  PLATFORMS,
  RequestLog,
  createApi,
  listenRecorded,
  startBlankPage,
} from './support/servers';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(PLATFORMS)('in Chromium, a page on one origin calls the API on %s', (platform) => {
  const log = new RequestLog();
  let pages: { allowed: { origin: string; close(): Promise<void> }; other: typeof pages.allowed };
  let app: INestApplication;
  let api: string;
  let hits: HandlerHits;

  beforeAll(async () => {
    const [allowed, other] = await Promise.all([startBlankPage(), startBlankPage()]);
    pages = { allowed, other };
    app = await createApi(platform, CorsBrowserAppModule.allowing(allowed.origin));
    api = await listenRecorded(app, log);
    hits = app.get(HandlerHits);
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([pages?.allowed.close(), pages?.other.close()]);
  });

  it.each(BROWSER_CASES.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const pageOrigin = pages[testCase.from].origin;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const responses: Response[] = [];
      page.on('response', (response) => {
        if (response.url().startsWith(`${api}/`)) responses.push(response);
      });
      await page.goto(`${pageOrigin}/`);
      log.clear();
      hits.clear();

      for (const step of testCase.steps) {
        if ('waitMs' in step) await sleep(step.waitMs);
        else expectSeen(await pageFetch(page, api, step.fetch), step.expect);
      }

      // What reached the server, preflights included, and which handlers ran: so that a case
      // cannot pass because the browser sent nothing, or sent something else.
      expect(log.counts()).toEqual(testCase.arrived);
      expect(hits.counts()).toEqual(testCase.handlers);
      expect([...new Set(log.arrived.map((request) => request.origin))]).toEqual([pageOrigin]);
      for (const route of testCase.withCookie ?? []) {
        const cookies = log.arrived.filter((r) => r.route === route).map((r) => r.cookie);
        expect({ route, cookies }).toEqual({ route, cookies: ['sid=s3cret'] });
      }
      if (testCase.onTheWire !== undefined) {
        const { path, header, value } = testCase.onTheWire;
        const response = responses.find((r) => new URL(r.url()).pathname === path);
        expect(response).toBeDefined();
        expect((await response!.allHeaders())[header]).toBe(value);
      }
    } finally {
      await context.close();
    }
  });
});
