/**
 * The browser's CORS-preflight cache against per-route policies (issue 17, items 12 and 13), in a
 * real Chromium, with policies of `maxAge: 600`. The cache keeps approved methods and header names
 * per origin and URL, not per method (https://fetch.spec.whatwg.org/#cors-preflight-cache): one
 * route's approval must never let the page send a request that a sibling route of the same URL
 * refuses. Counted at the handlers and at the server. On Express and on Fastify.
 */
import type { INestApplication } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import type { ExpectedSeen, PageFetch } from './cases';
import { HandlerHits } from './fixtures/cors-app';
import { PreflightCacheAppModule } from './fixtures/preflight-cache-app';
import { launchChromium } from './support/chromium';
import { expectSeen, pageFetch } from './support/page-fetch';
import {
  PLATFORMS,
  RequestLog,
  createApi,
  listenRecorded,
  startBlankPage,
} from './support/servers';

interface CacheCase {
  readonly name: string;
  /** Sent in turn from the allowed page, in one browser context (one preflight cache). */
  readonly steps: readonly { readonly fetch: PageFetch; readonly expect: ExpectedSeen }[];
  /** Every request that reached the API, counted by `METHOD /path`: exactly these. */
  readonly arrived: Readonly<Record<string, number>>;
  /** Every handler that ran: exactly these. */
  readonly handlers: Readonly<Record<string, number>>;
}

const DELETE_X: PageFetch = { method: 'DELETE', path: '/x/1' };
const PUT_X: PageFetch = { method: 'PUT', path: '/x/1' };
const SECRET = { 'X-Secret': 's' };
const GET_Y_WITH_SECRET: PageFetch = { method: 'GET', path: '/y', headers: SECRET };
const POST_Y_WITH_SECRET: PageFetch = { method: 'POST', path: '/y', headers: SECRET };
const GET_FALLBACK_WITH_SECRET: PageFetch = { method: 'GET', path: '/fallback', headers: SECRET };
const PATCH_FALLBACK_WITH_SECRET: PageFetch = {
  method: 'PATCH',
  path: '/fallback',
  headers: SECRET,
};
const WITH_COOKIES = { credentials: 'include' } as const;

const CASES: readonly CacheCase[] = [
  {
    name: "a sibling route's approved PUT does not let the DELETE that its own policy refuses through",
    steps: [
      { fetch: DELETE_X, expect: 'blocked' },
      { fetch: PUT_X, expect: { status: 200, body: 'put' } },
      { fetch: DELETE_X, expect: 'blocked' },
    ],
    arrived: { 'OPTIONS /x/1': 3, 'PUT /x/1': 1 },
    handlers: { put: 1 },
  },
  {
    name: "a sibling route's approved X-Secret does not let a GET with X-Secret through",
    steps: [
      { fetch: GET_Y_WITH_SECRET, expect: 'blocked' },
      { fetch: POST_Y_WITH_SECRET, expect: { status: 201, body: 'posted' } },
      { fetch: GET_Y_WITH_SECRET, expect: 'blocked' },
    ],
    arrived: { 'OPTIONS /y': 3, 'POST /y': 1 },
    handlers: { post: 1 },
  },
  {
    name: "the default's approval of X-Secret for a method no route serves does not let a GET with X-Secret through",
    steps: [
      { fetch: GET_FALLBACK_WITH_SECRET, expect: 'blocked' },
      // Answered by the module default; the handler-less PATCH gets Nest's 404, readable.
      { fetch: PATCH_FALLBACK_WITH_SECRET, expect: { status: 404 } },
      { fetch: GET_FALLBACK_WITH_SECRET, expect: 'blocked' },
    ],
    arrived: { 'OPTIONS /fallback': 3, 'PATCH /fallback': 1 },
    handlers: {},
  },
  {
    name: 'nor a credentialed POST with X-Secret to a handler whose policy refuses the origin',
    steps: [
      {
        fetch: { method: 'POST', path: '/fallback', headers: SECRET, ...WITH_COOKIES },
        expect: 'blocked',
      },
      { fetch: { ...PATCH_FALLBACK_WITH_SECRET, ...WITH_COOKIES }, expect: { status: 404 } },
      {
        fetch: { method: 'POST', path: '/fallback', headers: SECRET, ...WITH_COOKIES },
        expect: 'blocked',
      },
    ],
    arrived: { 'OPTIONS /fallback': 3, 'PATCH /fallback': 1 },
    handlers: {},
  },
  {
    name: 'routes of one URL under one policy: approvals stay cached, each for its own method',
    steps: [
      { fetch: { method: 'PUT', path: '/z' }, expect: { status: 200, body: 'put' } },
      { fetch: { method: 'PUT', path: '/z' }, expect: { status: 200, body: 'put' } },
      { fetch: { method: 'DELETE', path: '/z' }, expect: { status: 200, body: 'deleted' } },
    ],
    arrived: { 'OPTIONS /z': 2, 'PUT /z': 2, 'DELETE /z': 1 },
    handlers: { 'z put': 2, 'z delete': 1 },
  },
];

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(PLATFORMS)('in Chromium, the preflight cache on %s', (platform) => {
  const log = new RequestLog();
  let pages: { allowed: { origin: string; close(): Promise<void> }; other: typeof pages.allowed };
  let app: INestApplication;
  let api: string;
  let hits: HandlerHits;

  beforeAll(async () => {
    const [allowed, other] = await Promise.all([startBlankPage(), startBlankPage()]);
    pages = { allowed, other };
    app = await createApi(platform, PreflightCacheAppModule.allowing(allowed.origin, other.origin));
    api = await listenRecorded(app, log);
    hits = app.get(HandlerHits);
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([pages?.allowed.close(), pages?.other.close()]);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${pages.allowed.origin}/`);
      log.clear();
      hits.clear();
      for (const step of testCase.steps)
        expectSeen(await pageFetch(page, api, step.fetch), step.expect);
      expect(log.counts()).toEqual(testCase.arrived);
      expect(hits.counts()).toEqual(testCase.handlers);
    } finally {
      await context.close();
    }
  });
});
