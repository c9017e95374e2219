import type { Page } from 'playwright-core';
import { FAILED_TO_FETCH, type ExpectedSeen, type PageFetch, type Seen } from '../cases';

/** Runs fetch() inside the page, so that Chromium applies CORS; returns what the page saw. */
export function pageFetch(page: Page, apiOrigin: string, request: PageFetch): Promise<Seen> {
  return page.evaluate(
    async ({ url, method, headers, credentials, readHeader }): Promise<Seen> => {
      try {
        // No `cache: 'no-store'`: in Chromium it bypasses the preflight cache too (maxAge case).
        const response = await fetch(url, { method, headers, credentials });
        const body = await response.text();
        const header = readHeader === null ? undefined : response.headers.get(readHeader);
        return { outcome: 'readable', status: response.status, body, header };
      } catch (error) {
        return { outcome: 'blocked', error: String(error) };
      }
    },
    {
      url: `${apiOrigin}${request.path}`,
      method: request.method ?? 'GET',
      headers: { ...request.headers },
      credentials: request.credentials ?? 'same-origin',
      readHeader: request.readHeader ?? null,
    },
  );
}

/** Compares what the page saw with what it should have, showing only the parts that matter. */
export function expectSeen(seen: Seen, expected: ExpectedSeen): void {
  if (expected === 'blocked') {
    expect(seen).toEqual({ outcome: 'blocked', error: FAILED_TO_FETCH });
    return;
  }
  if (seen.outcome === 'blocked') {
    // Fails, with the error in the message.
    expect(seen).toEqual({ outcome: 'readable', ...expected });
    return;
  }
  const view: Record<string, unknown> = { outcome: seen.outcome, status: seen.status };
  const wanted: Record<string, unknown> = { outcome: 'readable', status: expected.status };
  if (expected.body !== undefined) {
    view.body = seen.body;
    wanted.body = expected.body;
  }
  if (expected.bodyIncludes !== undefined) {
    view.body = seen.body;
    wanted.body = expect.stringContaining(expected.bodyIncludes);
  }
  if (expected.header !== undefined) {
    view.header = seen.header;
    wanted.header = expected.header;
  }
  expect(view).toEqual(wanted);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
