import type { Browser, Page } from 'playwright-core';
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

/**
 * The sample's admin endpoint (sample/src/admin/) changes the CORS policy while the API runs, with
 * CorsPolicies: the page on the disallowed origin fails, the endpoint is called from outside any
 * page (here from Node, as curl would), and the page, reloaded, succeeds.
 */

const ADMIN_PATH = '/api/admin/cors/origins';

interface AdminAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Calls the admin endpoint from Node, as a shell or a server would: no page, no Origin header. */
async function admin(
  sample: RunningSample,
  method: 'GET' | 'POST',
  { body, token = sample.adminToken }: { body?: unknown; token?: string | null } = {},
): Promise<AdminAnswer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${sample.settings().apiUrl}${ADMIN_PATH}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The command the page shows to allow `origin`. */
function shownCommand(apiUrl: string, origin: string): string {
  return [
    `curl -X POST ${apiUrl}${ADMIN_PATH} \\`,
    `  -H "Authorization: Bearer $CORS_ADMIN_TOKEN" -H 'Content-Type: application/json' \\`,
    `  -d '{"origin":"${origin}"}'`,
  ].join('\n');
}

/** A request that a page on another origin could try, to allow itself. */
interface Attempt {
  readonly mode: 'cors' | 'no-cors';
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Runs fetch() in the page; returns what the page saw: a status, opaque, or the error. */
function tryFromPage(page: Page, url: string, attempt: Attempt): Promise<string> {
  return page.evaluate(
    async ({ url, attempt }) => {
      try {
        const response = await fetch(url, { method: 'POST', ...attempt });
        return response.type === 'opaque' ? 'opaque' : String(response.status);
      } catch (error) {
        return String(error);
      }
    },
    { url, attempt },
  );
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(PLATFORMS)('changing the sample’s policy at run time, API on %s', (platform) => {
  // A fresh API for each test: the policy each one starts from is the configured one.
  let sample: RunningSample;
  beforeEach(async () => {
    sample = await startSample(platform);
  });
  afterEach(() => sample?.close());

  it('the page on the disallowed origin fails; the admin endpoint adds that origin; reloaded, the same calls succeed', async () => {
    const { log } = sample;
    const { apiUrl, allowedOrigin, otherOrigin } = sample.settings();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      log.clear();
      await page.goto(`${otherOrigin}/`);
      expect(await page.textContent('#origin-badge')).toBe('not allowed: watch the calls fail');
      expectRows(await shownRows(page), rowsOnOtherOrigin());
      expect(log.counts()).toEqual(ARRIVED_FROM_OTHER_ORIGIN);
      // The page says how to allow its origin: the command, to run outside the page.
      expect(await page.textContent('#admin-origins')).toBe(allowedOrigin);
      expect(await page.textContent('#admin-command')).toBe(shownCommand(apiUrl, otherOrigin));
      expect(await page.textContent('#admin-after')).toMatch(/^Then reload this page/);

      // What that command does, from Node.
      expect(await admin(sample, 'POST', { body: { origin: otherOrigin } })).toEqual({
        status: 200,
        body: { added: true, origins: [allowedOrigin, otherOrigin] },
      });

      // Reloaded, the page on the same origin sees what the allowed origin sees, preflights
      // included, and says so. The page's own POST to the admin endpoint still fails.
      log.clear();
      await page.reload();
      expect(await page.textContent('#page-origin')).toBe(otherOrigin);
      expectRows(await shownRows(page), rowsOnAllowedOrigin(platform));
      expect(await page.textContent('#origin-badge')).toBe('allowed by the policy in force');
      expect(await page.textContent('#summary')).toBe('17 of 17 cases as expected on this origin.');
      expect(log.counts()).toEqual(ARRIVED_FROM_ALLOWED_ORIGIN);
      expect(new Set(log.arrived.map((r) => r.origin))).toEqual(new Set([otherOrigin]));
      expect(await page.textContent('#admin-origins')).toBe(`${allowedOrigin}, ${otherOrigin}`);
      expect(await page.textContent('#admin-lead')).toMatch(/^Both origins are allowed now/);

      // The origin that was allowed from the start still is.
      await page.goto(`${allowedOrigin}/`);
      expect(await page.textContent('#origin-badge')).toBe('allowed by CORS_ORIGINS');
      expectRows(await shownRows(page), rowsOnAllowedOrigin(platform));

      expect(await admin(sample, 'GET')).toEqual({
        status: 200,
        body: { origins: [allowedOrigin, otherOrigin] },
      });
      // Adding it again changes nothing.
      expect(await admin(sample, 'POST', { body: { origin: otherOrigin } })).toEqual({
        status: 200,
        body: { added: false, origins: [allowedOrigin, otherOrigin] },
      });
    } finally {
      await context.close();
    }
  });

  it('an invalid origin is a 400 with the CorsConfigurationError message, and the policy in force stays', async () => {
    const { allowedOrigin, otherOrigin } = sample.settings();

    const trailingSlash = await admin(sample, 'POST', { body: { origin: `${otherOrigin}/` } });
    expect(trailingSlash.status).toBe(400);
    expect(trailingSlash.body.message).toEqual(
      expect.stringMatching(
        /^invalid CORS policy in CorsPolicies\.replace\(\):\n {2}- origin\[1\]: /,
      ),
    );
    expect(trailingSlash.body.message).toContain(`"${otherOrigin}/"`);

    const noScheme = await admin(sample, 'POST', { body: { origin: '127.0.0.1:4001' } });
    expect(noScheme.status).toBe(400);
    expect(noScheme.body.message).toEqual(
      expect.stringMatching(
        /^invalid CORS policy in CorsPolicies\.replace\(\):\n {2}- origin\[1\]: /,
      ),
    );
    expect(await admin(sample, 'POST', { body: {} })).toEqual({
      status: 400,
      body: expect.objectContaining({
        message: 'Send JSON: { "origin": "https://app.example.com" }',
      }),
    });

    expect(await admin(sample, 'GET')).toEqual({ status: 200, body: { origins: [allowedOrigin] } });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${otherOrigin}/`);
      expect(await page.textContent('#origin-badge')).toBe('not allowed: watch the calls fail');
      expectRows(await shownRows(page), rowsOnOtherOrigin());
      await page.goto(`${allowedOrigin}/`);
      expectRows(await shownRows(page), rowsOnAllowedOrigin(platform));
    } finally {
      await context.close();
    }
  });

  it('the admin endpoint is not open: no token or a wrong one is a 401, and a page cannot allow itself', async () => {
    const { log } = sample;
    const { apiUrl, allowedOrigin, otherOrigin } = sample.settings();
    const origin = { origin: otherOrigin };

    expect((await admin(sample, 'POST', { body: origin, token: null })).status).toBe(401);
    expect((await admin(sample, 'POST', { body: origin, token: 'guess' })).status).toBe(401);
    expect((await admin(sample, 'GET', { token: null })).status).toBe(401);

    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${otherOrigin}/`);
      await shownRows(page);
      log.clear();
      // A JSON POST with a token: its preflight gets no CORS headers, so it is never sent.
      expect(
        await tryFromPage(page, `${apiUrl}${ADMIN_PATH}`, {
          mode: 'cors',
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer guess' },
          body: JSON.stringify(origin),
        }),
      ).toBe('TypeError: Failed to fetch');
      expect(log.counts()).toEqual({ [`OPTIONS ${ADMIN_PATH}`]: 1 });
      // A POST that needs no preflight (as a <form> sends) is sent, but carries no token: refused.
      log.clear();
      expect(
        await tryFromPage(page, `${apiUrl}${ADMIN_PATH}`, {
          mode: 'no-cors',
          headers: { 'Content-Type': 'text/plain' },
          body: JSON.stringify(origin),
        }),
      ).toBe('opaque');
      expect(log.counts()).toEqual({ [`POST ${ADMIN_PATH}`]: 1 });
      expect(log.arrived[0]?.origin).toBe(otherOrigin);
    } finally {
      await context.close();
    }
    expect(await admin(sample, 'GET')).toEqual({ status: 200, body: { origins: [allowedOrigin] } });
  });
});
