/**
 * How a browser judges a CORS response, from its headers alone, as the Fetch standard's CORS check
 * (https://fetch.spec.whatwg.org/#cors-check) and CORS-preflight fetch
 * (https://fetch.spec.whatwg.org/#cors-preflight-fetch) do. Each refusal says which header made
 * the browser refuse, for a test's failure message.
 */

/** A response as the test client received it, header names in lower case. */
export interface ReceivedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** What the page asked for: its origin, and whether it sends credentials (cookies). */
export interface PageRequest {
  readonly origin: string;
  readonly credentials: boolean;
}

/** What a preflight asked for, besides the page's origin and credentials mode. */
export interface PreflightAsk extends PageRequest {
  readonly method: string;
  /** Request header names the page sets, which the browser lists in the preflight. */
  readonly headers: readonly string[];
}

/** GET, HEAD and POST need no `Access-Control-Allow-Methods`. */
const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);

/**
 * Why a browser would refuse the response to an actual request, or an empty list when it would
 * let the page read it.
 */
export function refusalsOfActual(response: ReceivedResponse, page: PageRequest): string[] {
  return checkOrigin(response, page);
}

/**
 * Why a browser would refuse a preflight answer, or an empty list when it would go on to send the
 * actual request.
 */
export function refusalsOfPreflight(response: ReceivedResponse, ask: PreflightAsk): string[] {
  if (response.status < 200 || response.status > 299) {
    return [`the status is ${response.status}, and a preflight needs an ok status (200-299)`];
  }
  const refusals = checkOrigin(response, ask);
  const allowMethods = listOf(response.headers['access-control-allow-methods']);
  const anyMethod = !ask.credentials && allowMethods.includes('*');
  // Methods compare case-sensitively, except the standard ones a page's fetch() upper-cases.
  if (!SAFELISTED_METHODS.has(ask.method) && !anyMethod && !allowMethods.includes(ask.method)) {
    refusals.push(
      `Access-Control-Allow-Methods (${quote(response.headers['access-control-allow-methods'])}) does not list ${quote(ask.method)}`,
    );
  }
  const allowHeaders = listOf(response.headers['access-control-allow-headers']).map((name) =>
    name.toLowerCase(),
  );
  const anyHeader = !ask.credentials && allowHeaders.includes('*');
  for (const name of ask.headers.map((header) => header.toLowerCase())) {
    // '*' never covers Authorization (https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name).
    const covered = allowHeaders.includes(name) || (anyHeader && name !== 'authorization');
    if (!covered) {
      refusals.push(
        `Access-Control-Allow-Headers (${quote(response.headers['access-control-allow-headers'])}) does not list ${quote(name)}`,
      );
    }
  }
  return refusals;
}

function checkOrigin(response: ReceivedResponse, page: PageRequest): string[] {
  const allowOrigin = response.headers['access-control-allow-origin'];
  if (allowOrigin === undefined) return ['Access-Control-Allow-Origin is missing'];
  if (allowOrigin === '*') {
    return page.credentials
      ? [
          'Access-Control-Allow-Origin is "*", which a browser refuses for a request with credentials',
        ]
      : [];
  }
  if (allowOrigin !== page.origin) {
    return [
      `Access-Control-Allow-Origin is ${quote(allowOrigin)}, not the page's origin ${quote(page.origin)}`,
    ];
  }
  const allowCredentials = response.headers['access-control-allow-credentials'];
  if (page.credentials && allowCredentials !== 'true') {
    return [
      `Access-Control-Allow-Credentials is ${quote(allowCredentials)}, and a request with credentials needs exactly "true"`,
    ];
  }
  return [];
}

function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function quote(value: string | undefined): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}
