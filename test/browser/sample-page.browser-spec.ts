import type { Server } from 'node:http';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { createApi } from '../../sample/src/api';
import { createPageServer, type PageSettings } from '../../sample/src/page-server';
import { FAILED_TO_FETCH } from './cases';
import { launchChromium } from './support/chromium';
import {
  PLATFORMS,
  RequestLog,
  closeServer,
  listenOnFreePort,
  listenRecorded,
} from './support/servers';

const publicDir = join(__dirname, '..', '..', 'sample', 'public');

/** What a row of the sample page must show: a readable response, or the CORS error. */
type Row =
  'blocked' | { readonly status: number; readonly body?: string; readonly header?: string };

/** The sample page's rows as they must look on the allowed origin, written out independently of the page. */
function rowsOnAllowedOrigin(platform: string): Record<string, Row> {
  return {
    default: { status: 200, body: `{"status":"ok","platform":"${platform}"}` },
    controller: { status: 200, body: '{"id":1,"title":"The Pragmatic Programmer"}' },
    handler: { status: 200, body: '{"id":2,"deleted":false}' },
    sibling: 'blocked',
    public: { status: 200, body: '{"titles":2}' },
    'sign-in': { status: 201, body: '"signedIn":true' },
    session: { status: 200, body: '"signedIn":true' },
    'no-credentials': 'blocked',
    off: 'blocked',
    guard: { status: 401, body: '"message":"Sign in to see your orders"' },
    exposed: { status: 200, body: '{"report":"latest"}', header: '2026.11' },
    'not-exposed': { status: 200, body: '{"report":"draft"}', header: '(hidden)' },
    'not-found': { status: 404, body: '"message":"Cannot GET /api/nowhere"' },
  };
}

/** On the other origin everything is blocked but the public policy's route. */
function rowsOnOtherOrigin(): Record<string, Row> {
  const rows: Record<string, Row> = {};
  for (const id of Object.keys(rowsOnAllowedOrigin(''))) rows[id] = 'blocked';
  rows.public = { status: 200, body: '{"titles":2}' };
  return rows;
}

interface ShownRow {
  readonly outcome?: string;
  readonly status?: string;
  readonly body: string;
  readonly header: string;
  readonly match?: string;
}

/**
 * The little of the DOM that the in-page functions below use. The project's TypeScript settings
 * have no DOM library (lib/ runs on Node), so the page's globals are described here.
 */
interface PageElement {
  readonly dataset: Readonly<Record<string, string | undefined>>;
  readonly title: string;
  readonly textContent: string | null;
  querySelector(selector: string): PageElement | null;
}
interface PageGlobals {
  readonly document: {
    readonly body: PageElement;
    querySelectorAll(selector: string): Iterable<PageElement>;
  };
}

async function shownRows(page: Page): Promise<Record<string, ShownRow>> {
  await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).document.body.dataset.state === 'done',
    undefined,
    { timeout: 20_000 },
  );
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const rows: Record<string, ShownRow> = {};
    for (const tr of document.querySelectorAll('#results tbody tr')) {
      const body = tr.querySelector('td.body');
      rows[tr.dataset.case ?? '?'] = {
        outcome: tr.dataset.outcome,
        status: tr.dataset.status,
        // The cell shortens long bodies; its title has the whole body.
        body: body?.title || body?.textContent || '',
        header: tr.querySelector('td.header')?.textContent ?? '',
        match: tr.dataset.match,
      };
    }
    return rows;
  });
}

function expectRows(shown: Record<string, ShownRow>, expected: Record<string, Row>): void {
  expect(Object.keys(shown)).toEqual(Object.keys(expected));
  for (const [id, row] of Object.entries(expected)) {
    const seen = shown[id]!;
    if (row === 'blocked') {
      expect({ id, outcome: seen.outcome, body: seen.body }).toEqual({
        id,
        outcome: 'blocked',
        body: FAILED_TO_FETCH,
      });
    } else {
      expect({ id, outcome: seen.outcome, status: seen.status, body: seen.body }).toEqual({
        id,
        outcome: 'readable',
        status: String(row.status),
        body: row.body === undefined ? expect.any(String) : expect.stringContaining(row.body),
      });
      if (row.header !== undefined)
        expect({ id, header: seen.header }).toEqual({ id, header: row.header });
    }
    // The page's own verdict agrees.
    expect({ id, match: seen.match }).toEqual({ id, match: 'yes' });
  }
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(PLATFORMS)('the sample page, API on %s', (platform) => {
  const log = new RequestLog();
  const saved = { origins: process.env.CORS_ORIGINS, maxAge: process.env.CORS_MAX_AGE };
  let settings: PageSettings;
  let pageServers: Server[];
  let api: INestApplication;

  beforeAll(async () => {
    let current: PageSettings | undefined;
    pageServers = [0, 1].map(() => createPageServer(publicDir, () => current!));
    const [allowedOrigin, otherOrigin] = await Promise.all(pageServers.map(listenOnFreePort));
    // Configured the way users configure it: through the environment that ConfigService reads.
    process.env.CORS_ORIGINS = allowedOrigin;
    process.env.CORS_MAX_AGE = '600';
    api = await createApi(platform, { logger: false });
    const apiUrl = await listenRecorded(api, log);
    settings = current = { apiUrl, allowedOrigin: allowedOrigin!, otherOrigin: otherOrigin! };
  });
  afterAll(async () => {
    await api?.close();
    await Promise.all((pageServers ?? []).map(closeServer));
    for (const [name, value] of [
      ['CORS_ORIGINS', saved.origins],
      ['CORS_MAX_AGE', saved.maxAge],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('shows every row as it should, on the allowed origin and then on the other one', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      log.clear();
      await page.goto(`${settings.allowedOrigin}/`);
      expect(await page.textContent('#page-origin')).toBe(settings.allowedOrigin);
      expect(await page.textContent('#origin-badge')).toBe('allowed by CORS_ORIGINS');
      expectRows(await shownRows(page), rowsOnAllowedOrigin(platform));
      expect(await page.textContent('#summary')).toBe('13 of 13 cases as expected on this origin.');
      // Every call reached the API; the preflighted ones were sent after their preflight, except
      // the one whose preflight failed (the second PUT /api/books/1, with X-Confirm).
      expect(log.counts()).toEqual({
        'GET /api/status': 2,
        'OPTIONS /api/books/1': 2,
        'PUT /api/books/1': 1,
        'OPTIONS /api/books/2': 1,
        'DELETE /api/books/2': 1,
        'GET /api/books/catalog': 1,
        'POST /api/session': 1,
        'GET /api/session': 1,
        'GET /api/internal/metrics': 1,
        'GET /api/account/orders': 1,
        'GET /api/reports/latest': 1,
        'GET /api/reports/draft': 1,
        'GET /api/nowhere': 1,
      });
      expect(log.arrived.find((r) => r.route === 'GET /api/session')?.cookie).toMatch(
        /^sample_session=[0-9a-f]{8}$/,
      );

      // The link switches to the disallowed origin, where the same calls fail.
      log.clear();
      await Promise.all([
        page.waitForURL(`${settings.otherOrigin}/`),
        page.click('#switch-origin'),
      ]);
      expect(await page.textContent('#page-origin')).toBe(settings.otherOrigin);
      expect(await page.textContent('#origin-badge')).toBe('not allowed: watch the calls fail');
      expectRows(await shownRows(page), rowsOnOtherOrigin());
      expect(await page.getAttribute('#switch-origin', 'href')).toBe(`${settings.allowedOrigin}/`);
      // The simple requests reached the server all the same; the preflighted ones stopped at
      // their preflight.
      expect(log.counts()).toEqual({
        'GET /api/status': 2,
        'OPTIONS /api/books/1': 2,
        'OPTIONS /api/books/2': 1,
        'GET /api/books/catalog': 1,
        'POST /api/session': 1,
        'GET /api/session': 1,
        'GET /api/internal/metrics': 1,
        'GET /api/account/orders': 1,
        'GET /api/reports/latest': 1,
        'GET /api/reports/draft': 1,
        'GET /api/nowhere': 1,
      });
      expect(new Set(log.arrived.map((r) => r.origin))).toEqual(new Set([settings.otherOrigin]));
    } finally {
      await context.close();
    }
  });
});
