import { writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/chromium';
import {
  ARRIVED_FROM_ALLOWED_ORIGIN,
  ARRIVED_FROM_OTHER_ORIGIN,
  expectRows,
  rowsOnAllowedOrigin,
  rowsOnOtherOrigin,
  shownRows,
  startSample,
  type RunningSample,
} from './support/sample-page';
import { PLATFORMS } from './support/servers';
import { LiveGateway } from '../../sample/src/live/live.gateway';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(PLATFORMS)('the sample page, API on %s', (platform) => {
  let sample: RunningSample;

  beforeAll(async () => {
    sample = await startSample(platform);
  });
  afterAll(() => sample?.close());

  it('shows every row as it should, on the allowed origin and then on the other one', async () => {
    const { log } = sample;
    const settings = sample.settings();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      log.clear();
      await page.goto(`${settings.allowedOrigin}/`);
      expect(await page.textContent('#page-origin')).toBe(settings.allowedOrigin);
      expect(await page.textContent('#origin-badge')).toBe('allowed by CORS_ORIGINS');
      expectRows(await shownRows(page), rowsOnAllowedOrigin(platform));
      expect(await page.textContent('#summary')).toBe('17 of 17 cases as expected on this origin.');
      const gateway = sample.api.get(LiveGateway);
      expect(gateway.answered).toBe(1);
      if (platform === 'express' && process.env.SAMPLE_SCREENSHOT !== undefined) {
        writeFileSync(process.env.SAMPLE_SCREENSHOT, await page.screenshot({ fullPage: true }));
      }
      // Every call reached the API; the preflighted ones were sent after their preflight, except
      // the one whose preflight failed (the second PUT /api/books/1, with X-Confirm) and the POST
      // to the admin endpoint, which is @Cors(false).
      expect(log.counts()).toEqual(ARRIVED_FROM_ALLOWED_ORIGIN);
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
      expect(log.counts()).toEqual(ARRIVED_FROM_OTHER_ORIGIN);
      // The gateway refused the other origin's handshake: its handler never ran for it.
      expect(gateway.answered).toBe(1);
      expect(new Set(log.arrived.map((r) => r.origin))).toEqual(new Set([settings.otherOrigin]));
    } finally {
      await context.close();
    }
  });
});
