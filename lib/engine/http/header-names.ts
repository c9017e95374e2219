/** Response header names written by the engine, spelled once. */
export const ACCESS_CONTROL_ALLOW_ORIGIN = 'Access-Control-Allow-Origin';
export const ACCESS_CONTROL_ALLOW_CREDENTIALS = 'Access-Control-Allow-Credentials';
export const ACCESS_CONTROL_EXPOSE_HEADERS = 'Access-Control-Expose-Headers';
export const ACCESS_CONTROL_ALLOW_METHODS = 'Access-Control-Allow-Methods';
export const ACCESS_CONTROL_ALLOW_HEADERS = 'Access-Control-Allow-Headers';
export const ACCESS_CONTROL_MAX_AGE = 'Access-Control-Max-Age';
export const ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK = 'Access-Control-Allow-Private-Network';
export const CACHE_CONTROL = 'Cache-Control';

/**
 * Request header names a page can never set (https://fetch.spec.whatwg.org/#forbidden-request-header),
 * plus the names of
 * the CORS protocol itself. Listing one in `allowedHeaders` can only be a mistake.
 */
const FORBIDDEN_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'access-control-request-private-network',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

/** Whether a page can never send a request header of this (lower-case) name. */
export function isForbiddenRequestHeader(lowerName: string): boolean {
  return (
    FORBIDDEN_REQUEST_HEADERS.has(lowerName) ||
    lowerName.startsWith('proxy-') ||
    lowerName.startsWith('sec-') ||
    lowerName.startsWith('access-control-')
  );
}

/**
 * Response header names a browser never lets a page read however they are exposed, or that belong to
 * the CORS protocol. Listing one in `exposedHeaders` can only be a mistake.
 */
export function isUnexposableResponseHeader(lowerName: string): boolean {
  return (
    lowerName === 'set-cookie' ||
    lowerName === 'set-cookie2' ||
    lowerName.startsWith('access-control-')
  );
}

/** Every header through which a response approves something; a correction removes them all first. */
export const APPROVING_HEADER_NAMES: readonly string[] = [
  ACCESS_CONTROL_ALLOW_ORIGIN,
  ACCESS_CONTROL_ALLOW_CREDENTIALS,
  ACCESS_CONTROL_EXPOSE_HEADERS,
  ACCESS_CONTROL_ALLOW_METHODS,
  ACCESS_CONTROL_ALLOW_HEADERS,
  ACCESS_CONTROL_MAX_AGE,
  ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
];
