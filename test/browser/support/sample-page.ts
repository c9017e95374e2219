import type { Server } from 'node:http';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { CorsPolicies } from 'nestjs-cors';
import type { Page } from 'playwright-core';
import { AdminToken } from '../../../sample/src/admin/admin-token';
import { originsInForce } from '../../../sample/src/admin/origins-in-force';
import { createApi } from '../../../sample/src/api';
import { createPageServer, type PageSettings } from '../../../sample/src/page-server';
import { FAILED_TO_FETCH } from '../cases';

/** What the page shows when the browser will not open the gateway's WebSocket (socket.io's words). */
const WEBSOCKET_REFUSED = 'WebSocket refused (Error: websocket error)';
import {
  RequestLog,
  closeServer,
  listenOnFreePort,
  listenRecorded,
  type Platform,
} from './servers';

const publicDir = join(__dirname, '..', '..', '..', 'sample', 'public');

/** The sample running: its API, its page on two origins, and what reached the API. */
export interface RunningSample {
  readonly platform: Platform;
  readonly api: INestApplication;
  /** What /config.js tells the page now. */
  settings(): PageSettings;
  /** The admin endpoint's token (made at startup: CORS_ADMIN_TOKEN is not set). */
  readonly adminToken: string;
  readonly log: RequestLog;
  close(): Promise<void>;
}

/**
 * Starts the sample's API on `platform` and its page on two free ports, the first allowed. It is
 * configured the way users configure it, through the environment that ConfigService reads.
 */
export async function startSample(platform: Platform): Promise<RunningSample> {
  const saved = {
    CORS_ORIGINS: process.env.CORS_ORIGINS,
    CORS_MAX_AGE: process.env.CORS_MAX_AGE,
    CORS_ADMIN_TOKEN: process.env.CORS_ADMIN_TOKEN,
  };
  const log = new RequestLog();
  let settings: (() => PageSettings) | undefined;
  const pageServers: Server[] = [0, 1].map(() => createPageServer(publicDir, () => settings!()));
  let api: INestApplication | undefined;
  const close = async () => {
    await api?.close();
    await Promise.all(pageServers.filter((server) => server.listening).map(closeServer));
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  try {
    const [allowedOrigin, otherOrigin] = await Promise.all(pageServers.map(listenOnFreePort));
    process.env.CORS_ORIGINS = allowedOrigin;
    process.env.CORS_MAX_AGE = '600';
    delete process.env.CORS_ADMIN_TOKEN;
    api = await createApi(platform, { logger: false });
    const apiUrl = await listenRecorded(api, log);
    const policies = api.get(CorsPolicies);
    const base = { apiUrl, allowedOrigin: allowedOrigin!, otherOrigin: otherOrigin! };
    settings = () => ({ ...base, allowedOrigins: originsInForce(policies) });
    return {
      platform,
      api,
      settings,
      adminToken: api.get(AdminToken).value,
      log,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A row of the sample page, as it must look: a readable response, or the CORS error. */
export type Row =
  'blocked' | { readonly status: number; readonly body?: string; readonly header?: string };

/** The sample page's rows as they must look on an allowed origin, written out independently of the page. */
export function rowsOnAllowedOrigin(platform: string): Record<string, Row> {
  return {
    default: { status: 200, body: `{"status":"ok","platform":"${platform}"}` },
    controller: { status: 200, body: '{"id":1,"title":"The Pragmatic Programmer"}' },
    handler: { status: 200, body: '{"id":2,"deleted":false}' },
    sibling: 'blocked',
    public: { status: 200, body: '{"titles":2}' },
    'sign-in': { status: 201, body: '"signedIn":true' },
    session: { status: 200, body: '"signedIn":true' },
    csrf: { status: 200, body: '"renewed":true' },
    'csrf-refused': { status: 403, body: 'Cross-origin request detected' },
    'no-credentials': 'blocked',
    off: 'blocked',
    guard: { status: 401, body: '"message":"Sign in to see your orders"' },
    exposed: { status: 200, body: '{"report":"latest"}', header: '2026.11' },
    'not-exposed': { status: 200, body: '{"report":"draft"}', header: '(hidden)' },
    'not-found': { status: 404, body: '"message":"Cannot GET /api/nowhere"' },
    admin: 'blocked',
    gateway: { status: 101, body: 'pong: hello' },
  };
}

/** On an origin the default policy does not allow, everything is blocked but the public policy's route. */
export function rowsOnOtherOrigin(): Record<string, Row> {
  const rows: Record<string, Row> = {};
  for (const id of Object.keys(rowsOnAllowedOrigin(''))) rows[id] = 'blocked';
  rows.public = { status: 200, body: '{"titles":2}' };
  return rows;
}

/** What reaches the API while the page runs on an allowed origin. */
export const ARRIVED_FROM_ALLOWED_ORIGIN: Readonly<Record<string, number>> = {
  'GET /api/status': 2,
  'OPTIONS /api/books/1': 2,
  'PUT /api/books/1': 1,
  'OPTIONS /api/books/2': 1,
  'DELETE /api/books/2': 1,
  'GET /api/books/catalog': 1,
  'POST /api/session': 1,
  'GET /api/session': 1,
  'OPTIONS /api/session': 1,
  'PUT /api/session': 1,
  'OPTIONS /api/status': 1,
  'PUT /api/status': 1,
  'GET /api/internal/metrics': 1,
  'GET /api/account/orders': 1,
  'GET /api/reports/latest': 1,
  'GET /api/reports/draft': 1,
  'GET /api/nowhere': 1,
  // The page's POST to the admin endpoint stops at its preflight.
  'OPTIONS /api/admin/cors/origins': 1,
  // The trials' counts, read once the cases have run.
  'GET /api/cors/trials': 1,
};

/**
 * What reaches the API while the page runs on an origin the default policy does not allow: the
 * simple requests all the same; the preflighted ones stop at their preflight.
 */
export const ARRIVED_FROM_OTHER_ORIGIN: Readonly<Record<string, number>> = {
  'GET /api/status': 2,
  'OPTIONS /api/books/1': 2,
  'OPTIONS /api/books/2': 1,
  'GET /api/books/catalog': 1,
  'POST /api/session': 1,
  'GET /api/session': 1,
  'OPTIONS /api/session': 1,
  'OPTIONS /api/status': 1,
  'GET /api/internal/metrics': 1,
  'GET /api/account/orders': 1,
  'GET /api/reports/latest': 1,
  'GET /api/reports/draft': 1,
  'GET /api/nowhere': 1,
  'OPTIONS /api/admin/cors/origins': 1,
  'GET /api/cors/trials': 1,
};

export interface ShownRow {
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
  querySelectorAll(selector: string): Iterable<PageElement>;
}
interface PageGlobals {
  readonly document: {
    readonly body: PageElement;
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): Iterable<PageElement>;
  };
}

/** Waits for the page to have run every case, and reads its table. */
export async function shownRows(page: Page): Promise<Record<string, ShownRow>> {
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

export function expectRows(shown: Record<string, ShownRow>, expected: Record<string, Row>): void {
  expect(Object.keys(shown)).toEqual(Object.keys(expected));
  for (const [id, row] of Object.entries(expected)) {
    const seen = shown[id]!;
    if (row === 'blocked') {
      expect({ id, outcome: seen.outcome, body: seen.body }).toEqual({
        id,
        outcome: 'blocked',
        // What the browser reports: a failed fetch, or a WebSocket it would not open.
        body: id === 'gateway' ? WEBSOCKET_REFUSED : FAILED_TO_FETCH,
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

/** The page's "Trying a stricter policy" section, as read from its DOM. */
export interface ShownTrials {
  /** `refuses-here`, `none`, `elsewhere`, or `unreadable` (the page may not read the counts). */
  readonly state?: string;
  readonly verdict: string;
  /** Per route, as `CorsPolicies.trialCounts()` has it, with the numbers as the page shows them. */
  readonly routes: readonly {
    readonly route?: string;
    readonly total?: string;
    readonly differences: Record<string, string>;
    readonly topOrigins: readonly { origin?: string; difference?: string; count?: string }[];
  }[];
}

/** Reads the trial section; call it once {@link shownRows} has waited for the run to finish. */
export function shownTrials(page: Page): Promise<ShownTrials> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const text = (element: PageElement | null) => element?.textContent ?? undefined;
    return {
      state: document.querySelector('#trials')?.dataset.state,
      verdict: text(document.querySelector('#trials-verdict')) ?? '',
      routes: [...document.querySelectorAll('#trials-routes .trial-route')].map((block) => ({
        route: block.dataset.route,
        total: text(block.querySelector('.total')),
        differences: Object.fromEntries(
          [...block.querySelectorAll('.trial-differences tbody tr')].map((row) => [
            row.dataset.difference ?? '?',
            text(row.querySelector('td.count')) ?? '',
          ]),
        ),
        topOrigins: [...block.querySelectorAll('.trial-origins tbody tr')].map((row) => ({
          origin: text(row.querySelector('td.origin')),
          difference: text(row.querySelector('td.difference')),
          count: text(row.querySelector('td.count')),
        })),
      })),
    };
  });
}

/**
 * The trial section after `runs` runs of the page on the allowed origin, written out independently
 * of the page: the sample's one trial (on GET /api/reports/draft) leaves that origin out, so each
 * run's call to the draft is one request it would refuse.
 */
export function trialsAfterRuns(allowedOrigin: string, runs: number): ShownTrials {
  return {
    state: 'refuses-here',
    verdict: `The trial would refuse this origin: ${runs} request${runs === 1 ? '' : 's'} from it so far, each answered by the policy in force as before. Enforced, it would break this page.`,
    routes: [
      {
        route: 'GET /api/reports/draft',
        total: String(runs),
        differences: { refuses: String(runs) },
        topOrigins: [{ origin: allowedOrigin, difference: 'refuses', count: String(runs) }],
      },
    ],
  };
}
