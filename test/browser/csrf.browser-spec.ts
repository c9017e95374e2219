/**
 * Nest 12's CSRF protection with corsTrusted(app), in a real Chromium: a page on the origin the
 * credentialed policy names may write for the signed-in user; any other write is refused with a
 * 403, which the page can read only where CORS lets it. Without the helper, the allowed origin's
 * write is refused too: the helper is what lets it through. On Express and on Fastify.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import type { ExpectedSeen, PageFetch, PageOrigin } from './cases';
import { HandlerHits } from './fixtures/cors-app';
import { CSRF_SETUPS, CsrfBrowserAppModule } from './fixtures/csrf-app';
import { launchChromium } from './support/chromium';
import { expectSeen, pageFetch } from './support/page-fetch';
import {
  PLATFORMS,
  RequestLog,
  createApi,
  listenRecorded,
  startBlankPage,
} from './support/servers';

type Setup = keyof typeof CSRF_SETUPS;

interface CsrfCase {
  readonly name: string;
  readonly from: PageOrigin;
  readonly fetch: PageFetch;
  readonly expect: ExpectedSeen;
  /** Every request that reached the API, counted by `METHOD /path`: exactly these. */
  readonly arrived: Readonly<Record<string, number>>;
  /** Every handler that ran: exactly these. */
  readonly handlers: Readonly<Record<string, number>>;
  /** The statuses the API answered the writes (not the preflights) with, readable or not. */
  readonly answered: readonly number[];
}

const CREDENTIALED_PUT: PageFetch = {
  method: 'PUT',
  path: '/profile/name',
  credentials: 'include',
};
/** Sent without a preflight, as a <form> would: CSRF protection is what stops it. */
const SIMPLE_POST: PageFetch = {
  method: 'POST',
  path: '/profile/name',
  headers: { 'Content-Type': 'text/plain' },
  credentials: 'include',
};
const CSRF_403 = { status: 403, bodyIncludes: 'Cross-origin request detected' };

const CASES: Readonly<Record<Setup, readonly CsrfCase[]>> = {
  'enableCsrfProtection({ exclude: corsTrusted(app) })': [
    {
      name: 'allowed origin: a credentialed PUT passes, the handler runs, the page reads the answer',
      from: 'allowed',
      fetch: CREDENTIALED_PUT,
      expect: { status: 200, body: 'updated name' },
      arrived: { 'OPTIONS /profile/name': 1, 'PUT /profile/name': 1 },
      handlers: { update: 1 },
      answered: [200],
    },
    {
      name: 'another origin: the same PUT stops at its preflight, which CORS refuses',
      from: 'other',
      fetch: CREDENTIALED_PUT,
      expect: 'blocked',
      arrived: { 'OPTIONS /profile/name': 1 },
      handlers: {},
      answered: [],
    },
    {
      name: 'another origin: a credentialed POST without preflight reaches the API and gets a 403 the page cannot read',
      from: 'other',
      fetch: SIMPLE_POST,
      expect: 'blocked',
      arrived: { 'POST /profile/name': 1 },
      handlers: {},
      answered: [403],
    },
    {
      name: 'allowed origin, a route whose policy has no credentials: its PUT gets a 403 the page can read',
      from: 'allowed',
      fetch: { method: 'PUT', path: '/notes/1', credentials: 'omit' },
      expect: CSRF_403,
      arrived: { 'OPTIONS /notes/1': 1, 'PUT /notes/1': 1 },
      handlers: {},
      answered: [403],
    },
  ],
  'enableCsrfProtection() alone': [
    {
      name: 'allowed origin: the credentialed PUT that CORS allows gets a 403, which the page can read',
      from: 'allowed',
      fetch: CREDENTIALED_PUT,
      expect: CSRF_403,
      arrived: { 'OPTIONS /profile/name': 1, 'PUT /profile/name': 1 },
      handlers: {},
      answered: [403],
    },
  ],
};

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(PLATFORMS)('in Chromium, CSRF protection on %s', (platform) => {
  describe.each(Object.keys(CASES) as Setup[])('%s', (setup) => {
    const log = new RequestLog();
    /** Each write that reached the API: its Sec-Fetch-Site, and the status it was answered with. */
    const writes: { site?: string; status?: number }[] = [];
    let pages: { allowed: { origin: string; close(): Promise<void> }; other: typeof pages.allowed };
    let app: INestApplication;
    let api: string;
    let hits: HandlerHits;

    beforeAll(async () => {
      const [allowed, other] = await Promise.all([startBlankPage(), startBlankPage()]);
      pages = { allowed, other };
      app = await createApi(platform, CsrfBrowserAppModule.allowing(allowed.origin));
      CSRF_SETUPS[setup](app);
      const server = app.getHttpServer() as Server;
      server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
        if (request.method === 'OPTIONS') return;
        const write: { site?: string; status?: number } = {
          site: request.headers['sec-fetch-site'],
        };
        writes.push(write);
        response.once('finish', () => {
          write.status = response.statusCode;
        });
      });
      api = await listenRecorded(app, log);
      hits = app.get(HandlerHits);
    });
    afterAll(async () => {
      await app?.close();
      await Promise.all([pages?.allowed.close(), pages?.other.close()]);
    });

    it.each(CASES[setup].map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
      const pageOrigin = pages[testCase.from].origin;
      const context = await browser.newContext();
      try {
        // The signed-in user's session cookie for the API, as a sign-in would have set it.
        await context.addCookies([
          { name: 'sid', value: 's3cret', url: api, httpOnly: true, sameSite: 'Lax' },
        ]);
        const page = await context.newPage();
        await page.goto(`${pageOrigin}/`);
        log.clear();
        hits.clear();
        writes.length = 0;

        expectSeen(await pageFetch(page, api, testCase.fetch), testCase.expect);

        expect(log.counts()).toEqual(testCase.arrived);
        expect(hits.counts()).toEqual(testCase.handlers);
        expect([...new Set(log.arrived.map((request) => request.origin))]).toEqual([pageOrigin]);
        // The writes that reached the API carried the session cookie (when the page sent it);
        // Chromium marked them as coming from another origin of the same site (127.0.0.1, another
        // port), which is what Nest's check reads first; and the API answered them so.
        const arrivedWrites = log.arrived.filter((r) => !r.route.startsWith('OPTIONS '));
        const cookie = testCase.fetch.credentials === 'include' ? 'sid=s3cret' : undefined;
        expect(arrivedWrites.map((r) => r.cookie)).toEqual(arrivedWrites.map(() => cookie));
        expect(writes).toEqual(testCase.answered.map((status) => ({ site: 'same-site', status })));
      } finally {
        await context.close();
      }
    });
  });
});
