import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Browser } from 'playwright-core';
import { ReportAppModule } from '../e2e/fixtures/report-app';
import { launchChromium } from './support/chromium';
import { HOST, PLATFORMS } from './support/servers';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** The policy report as a person sees it: the page renders, and its form answers. */
describe.each(PLATFORMS)('in Chromium, the policy report on %s', (platform) => {
  let app: INestApplication;
  let base: string;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ReportAppModule] }).compile();
    app = moduleRef.createNestApplication(
      platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
      { logger: false },
    );
    await app.listen(0, HOST);
    base = (await app.getUrl()).replace('[::1]', HOST).replace('localhost', HOST);
  });
  afterAll(() => app?.close());

  it('lists every route with its policy, and answers the form as the application would', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      await page.goto(`${base}/_cors`);
      const rows = page.locator('table').nth(1).locator('tr');
      expect(await rows.count()).toBe(5); // a header row and four routes
      await expect(page.locator('td.off').textContent()).resolves.toBe('CORS off');

      await page.fill('input[name=origin]', 'https://admin.example.com');
      await page.fill('input[name=method]', 'PUT');
      await page.fill('input[name=path]', '/items/1');
      await page.fill('input[name=headers]', 'x-token');
      await page.selectOption('select[name=credentials]', 'true');
      await page.click('button[type=submit]');
      await page.waitForSelector('#answer.allowed');
      expect(await page.textContent('#answer')).toBe('Allowed: a browser would send this request.');

      await page.fill('input[name=origin]', 'https://evil.example');
      await page.click('button[type=submit]');
      await page.waitForSelector('#answer.denied');
      expect(await page.textContent('#answer')).toContain(
        'Denied: Access-Control-Allow-Origin is missing',
      );
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
