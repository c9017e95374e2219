import { writeFileSync } from 'node:fs';
import { CorsPolicies } from 'nestjs-cors';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/chromium';
import {
  ARRIVED_FROM_ALLOWED_ORIGIN,
  ARRIVED_FROM_OTHER_ORIGIN,
  expectRows,
  rowsOnAllowedOrigin,
  rowsOnOtherOrigin,
  shownRows,
  shownTrials,
  startSample,
  trialsAfterRuns,
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

      // The trial on GET /api/reports/draft leaves this origin out: the row reads its draft all
      // the same, and the section shows the one request the trial would have refused.
      const policies = sample.api.get(CorsPolicies);
      expect(await shownTrials(page)).toEqual(trialsAfterRuns(settings.allowedOrigin, 1));
      // "Run again": the same rows, and the counts grow by this run's call.
      await page.click('#run');
      expectRows(await shownRows(page), rowsOnAllowedOrigin(platform));
      expect(await shownTrials(page)).toEqual(trialsAfterRuns(settings.allowedOrigin, 2));
      // What the page shows is what CorsPolicies counted.
      expect(policies.trialCounts().routes).toEqual([
        {
          route: 'GET /api/reports/draft',
          total: 2,
          differences: { refuses: 2 },
          topOrigins: [{ origin: settings.allowedOrigin, difference: 'refuses', count: 2 }],
        },
      ]);
      expect(gateway.answered).toBe(2);

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
      expect(gateway.answered).toBe(2);
      // This origin may not read the counts, and added none: the policy in force and the trial
      // both refuse it, which is no difference.
      expect(await shownTrials(page)).toEqual({
        state: 'unreadable',
        verdict: expect.stringMatching(/^This page may not read the counts: /),
        routes: [],
      });
      expect(policies.trialCounts().routes.map(({ total }) => total)).toEqual([2]);
      expect(new Set(log.arrived.map((r) => r.origin))).toEqual(new Set([settings.otherOrigin]));
    } finally {
      await context.close();
    }
  });
});
