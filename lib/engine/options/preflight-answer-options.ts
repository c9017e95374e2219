/** The validators of how a preflight is answered: `maxAge`, `optionsSuccessStatus`, cache control. */
import type { ProblemList } from '../errors/cors-configuration-error.js';

/** Firefox's cap, the largest that any browser honours (24 hours). */
const MAX_AGE_LIMIT = 86400;

/** Checks `maxAge` and compiles its `Access-Control-Max-Age` value. */
export function compileMaxAge(value: unknown, problems: ProblemList): string | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < -1 ||
    value > MAX_AGE_LIMIT
  ) {
    // https://fetch.spec.whatwg.org/#http-access-control-max-age: browsers may cap it, Chromium at
    // 7200 and Firefox at 86400.
    problems.add(
      'max-age-out-of-range',
      'maxAge',
      value,
      `is not a whole number of seconds from -1 to ${MAX_AGE_LIMIT}; browsers ignore or cap anything else (Chromium at 7200)`,
      `write a value such as maxAge: 600, or -1 to forbid caching`,
    );
    return undefined;
  }
  return String(value);
}

/** Checks `optionsSuccessStatus`: a preflight succeeds only with an ok status (200-299). */
export function compileSuccessStatus(value: unknown, problems: ProblemList): number {
  if (value === undefined) return 204;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 200 && value <= 299)
    return value;
  // https://fetch.spec.whatwg.org/#cors-preflight-fetch (step 7: "ok status")
  problems.add(
    'success-status-not-2xx',
    'optionsSuccessStatus',
    value,
    'is not a 2xx status; browsers fail every preflight answered with another status',
    'write 204 (the default) or 200 for old clients',
  );
  return 204;
}

/**
 * Checks `preflightCacheControl` and compiles the `Cache-Control` value of approved preflights: a
 * number is `public, max-age=N` for shared caches (CDNs), a string is sent as written.
 */
export function compilePreflightCacheControl(
  value: unknown,
  problems: ProblemList,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0)
    return `public, max-age=${value}`;
  // A header value of visible ASCII and spaces: nothing that could split or end the header.
  if (typeof value === 'string' && /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(value))
    return value;
  problems.add(
    'cache-control-invalid',
    'preflightCacheControl',
    value,
    'is neither a whole number of seconds nor a Cache-Control value',
    'write a number such as preflightCacheControl: 600, or a value such as "public, max-age=600"',
  );
  return undefined;
}
