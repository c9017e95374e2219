import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication, Type } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Browser } from 'playwright-core';
import type { AddressInfo, Server } from 'node:net';
import { APP, HOSTED, PARTNER } from '../e2e/fixtures/origins';
import { ReportAppModule } from '../e2e/fixtures/report-app';
import { ReportTrialAppModule } from '../e2e/fixtures/report-trial-app';
import { API_HOST, HostReportAppModule } from '../report/fixtures/host-report-app';
import { launchChromium } from './support/chromium';
import { HOST, PLATFORMS } from './support/servers';

let browser: Browser;
beforeAll(async () => {
  // Pages opened by a host name of their own, as a per-tenant deployment serves them.
  browser = await launchChromium([
    '--host-resolver-rules=MAP *.example.com 127.0.0.1, MAP *.tenants.test 127.0.0.1',
  ]);
});
afterAll(() => browser?.close());

/** The policy report as a person sees it: the page renders, and its form answers. */
/** Starts `rootModule` on `platform`, listening on HOST; returns it and its base URL. */
async function startReportApp(
  platform: (typeof PLATFORMS)[number],
  rootModule: Type,
): Promise<{ app: INestApplication; base: string }> {
  const moduleRef = await Test.createTestingModule({ imports: [rootModule] }).compile();
  const app = moduleRef.createNestApplication(
    platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  );
  await app.listen(0, HOST);
  return { app, base: (await app.getUrl()).replace('[::1]', HOST).replace('localhost', HOST) };
}

describe.each(PLATFORMS)('in Chromium, the policy report on %s', (platform) => {
  let app: INestApplication;
  let base: string;
  beforeAll(async () => {
    ({ app, base } = await startReportApp(platform, ReportAppModule));
  });
  afterAll(() => app?.close());

  it('lists every route with its policy, and answers the form as the application would', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      await page.goto(`${base}/_cors`);
      const rows = page.locator('table#routes tr');
      expect(await rows.count()).toBe(5); // a header row and four routes
      await expect(page.locator('table#routes td.off').textContent()).resolves.toBe('CORS off');
      // Its two paths entries (one with CORS off) and its gateway, beside the routes.
      expect(await page.locator('table#paths tr').count()).toBe(3);
      await expect(page.locator('table#paths td.off').textContent()).resolves.toBe('CORS off');
      expect(await page.locator('table#gateways tr').count()).toBe(2);
      await expect(page.locator('table#gateways').textContent()).resolves.toContain('ChatGateway');
      await expect(page.locator('#refusals').textContent()).resolves.toBe(
        'No request or preflight refused.',
      );

      await page.fill('input[name=origin]', 'https://admin.example.com');
      await page.fill('input[name=method]', 'PUT');
      await page.fill('input[name=path]', '/items/1');
      await page.fill('input[name=headers]', 'x-token');
      await page.check('input[name=credentials]');
      await page.click('button[type=submit]');
      await page.waitForSelector('#answer.allowed');
      expect(await page.textContent('#answer')).toBe(
        `Allowed: a browser would send this request. (asked for the host ${new URL(base).host})`,
      );

      await page.fill('input[name=origin]', 'https://evil.example');
      await page.uncheck('input[name=credentials]');
      await page.click('button[type=submit]');
      await page.waitForSelector('#answer.denied');
      expect(await page.textContent('#answer')).toContain(
        'Denied: Access-Control-Allow-Origin is missing',
      );
      // The refused question was a real preflight: the counts show it, by route and origin.
      await page.reload();
      const refusals = page.locator('table#refusals');
      await expect(refusals.textContent()).resolves.toContain('PUT /items/:id');
      await expect(refusals.textContent()).resolves.toContain('https://evil.example 1');
      if (platform === 'express' && process.env.REPORT_SCREENSHOT !== undefined) {
        writeFileSync(
          join(process.env.REPORT_SCREENSHOT),
          await page.screenshot({ fullPage: true }),
        );
      }
    } finally {
      await page.close();
    }
  });
});

/**
 * The page's `getComputedStyle`, called inside the page: the Node typings this file compiles with
 * do not name the DOM's.
 */
declare function getComputedStyle(element: unknown): {
  readonly fontWeight: string;
  readonly backgroundColor: string;
};

/** Trials as a person sees them: a marked row under each policy, and the differences counted. */
describe.each(PLATFORMS)('in Chromium, the policy report of trials on %s', (platform) => {
  let app: INestApplication;
  let base: string;
  beforeAll(async () => {
    ({ app, base } = await startReportApp(platform, ReportTrialAppModule));
  });
  afterAll(() => app?.close());

  it("shows each policy's trial under it, marked, and counts what the trials would answer otherwise", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      await page.goto(`${base}/_cors`);
      // The default policy's trial, on a row of its own.
      await expect(page.locator('table#default tr.trial').textContent()).resolves.toContain(
        `trial${APP}CorsModule options`,
      );
      // Six routes; a trial row under each of the three with one (not settled, internal, tenant).
      const rows = page.locator('table#routes tr');
      expect(await rows.count()).toBe(1 + 6 + 3);
      const classes = [];
      for (let at = 0; at < 10; at++) classes.push(await rows.nth(at).getAttribute('class'));
      expect(classes).toEqual([
        null,
        null,
        'trial',
        null,
        null,
        'trial',
        null,
        null,
        'trial',
        null,
      ]);
      await expect(rows.nth(1).textContent()).resolves.toContain('OrdersController.list');
      const trial = rows.nth(2);
      await expect(trial.locator('td').first().textContent()).resolves.toBe(
        'trial of the row above',
      );
      // What the trial sets stands out from what it keeps of the policy.
      const tried = trial.locator('td.tried');
      expect(await tried.count()).toBe(1);
      await expect(tried.textContent()).resolves.toBe(`${APP}CorsModule options`);
      const weight = (cell: typeof tried) =>
        cell.evaluate((element) => getComputedStyle(element).fontWeight);
      expect(Number(await weight(tried))).toBeGreaterThan(
        Number(await weight(trial.locator('td:not(.tried):not(.trial-label)').first())),
      );
      const background = (row: typeof trial) =>
        row
          .locator('td')
          .last()
          .evaluate((element) => getComputedStyle(element).backgroundColor);
      expect(await background(trial)).not.toBe(await background(rows.nth(1)));
      // A paths entry's trial and a gateway's, each under its own row.
      expect(await page.locator('table#paths tr.trial').count()).toBe(1);
      await expect(
        page.locator('table#paths tr.trial td.tried').first().textContent(),
      ).resolves.toBe(`${APP}paths["/docs"]`);
      expect(await page.locator('table#gateways tr.trial').count()).toBe(1);
      await expect(page.locator('#trial-differences').textContent()).resolves.toBe(
        'No request answered differently by a trial.',
      );

      // The form's question is a real preflight: the policy allows PARTNER, its trial would not.
      await page.fill('input[name=origin]', PARTNER);
      await page.fill('input[name=method]', 'GET');
      await page.fill('input[name=path]', '/orders');
      await page.click('button[type=submit]');
      await page.waitForSelector('#answer.allowed');
      await page.reload();
      const differences = page.locator('table#trial-differences tr');
      expect(await differences.count()).toBe(2);
      expect(await differences.nth(1).locator('td').allTextContents()).toEqual([
        'GET /orders',
        '1',
        '1',
        '0',
        '0',
        '0',
        '0',
        `${PARTNER} would refuse 1`,
      ]);
    } finally {
      await page.close();
    }
  });
});

/**
 * The form's question asks for the host the page was opened with: a host-bound controller and a
 * per-tenant policy answer in the page as they answer the browser itself.
 */
describe.each(PLATFORMS)(
  'in Chromium, the policy report of host-dependent policies on %s',
  (platform) => {
    let app: INestApplication;
    let port: number;
    beforeAll(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [HostReportAppModule],
      }).compile();
      app = moduleRef.createNestApplication(
        platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
        { logger: false },
      );
      await app.listen(0, HOST);
      port = ((app.getHttpServer() as Server).address() as AddressInfo).port;
    });
    afterAll(() => app?.close());

    async function askOn(host: string, origin: string, path: string): Promise<string> {
      const page = await browser.newPage();
      try {
        await page.goto(`http://${host}:${port}/_cors`);
        await page.fill('input[name=origin]', origin);
        await page.fill('input[name=method]', 'PUT');
        await page.fill('input[name=path]', path);
        await page.click('button[type=submit]');
        await page.waitForSelector('#answer.allowed, #answer.denied');
        expect(await page.textContent('#answer')).toContain(`(asked for the host ${host}:${port})`);
        return (await page.getAttribute('#answer', 'class'))!;
      } finally {
        await page.close();
      }
    }

    it("answers for the host-bound controller on the page opened by that controller's host", async () => {
      expect(await askOn(API_HOST, HOSTED, '/where')).toBe('allowed');
      expect(await askOn('www.example.com', HOSTED, '/where')).toBe('denied');
    });

    it('answers for the tenant whose host the page was opened by', async () => {
      expect(await askOn('a.tenants.test', APP, '/tenant')).toBe('allowed');
      expect(await askOn('b.tenants.test', APP, '/tenant')).toBe('denied');
      expect(await askOn('b.tenants.test', PARTNER, '/tenant')).toBe('allowed');
    });
  },
);
