/** The headers of an approved preflight: only what was asked for, and how long it may be kept. */
import type { CompiledPolicy } from './model/compiled-policy-internals.js';
import { decision, type CorsDecision, type CorsHeader } from './model/cors-decision.js';
import {
  ACCESS_CONTROL_ALLOW_CREDENTIALS,
  ACCESS_CONTROL_ALLOW_HEADERS,
  ACCESS_CONTROL_ALLOW_METHODS,
  ACCESS_CONTROL_ALLOW_ORIGIN,
  ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
  ACCESS_CONTROL_MAX_AGE,
  CACHE_CONTROL,
} from './http/header-names.js';
import { normalizeRequestHeaders } from './http/request-headers.js';

/** `Access-Control-Max-Age` of an answer the browser must not keep. */
const NOT_CACHED = '0';
const UPPER_CASE = /[A-Z]/;

/**
 * The headers of an approved preflight. They approve the requested method and the requested header
 * names, never more: the browser's CORS-preflight cache keeps approved methods and header names
 * per origin and URL, not per method (https://fetch.spec.whatwg.org/#cors-preflight-cache), so an
 * approval of more than was asked for would let a later request with another method skip its own
 * preflight. Echoing `requestMethod` and `requestedHeaders` is safe only because the caller has
 * checked them: a token the policy allows, and a list of tokens it allows (echoed lower case,
 * without its empty elements).
 *
 * @param forbidCaching answer with `Access-Control-Max-Age: 0` whatever `maxAge` says (Chromium
 *   keeps an answer 5 seconds when the header is absent).
 */
export function approvedPreflightHeaders(
  policy: Pick<CompiledPolicy, 'credentials' | 'maxAgeValue' | 'preflightCacheControlValue'>,
  allowOrigin: string,
  requestMethod: string,
  requestedHeaders: string,
  privateNetwork: boolean,
  forbidCaching: boolean,
): CorsHeader[] {
  const headers: CorsHeader[] = [
    [ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin],
    [ACCESS_CONTROL_ALLOW_METHODS, requestMethod],
  ];
  if (policy.credentials) headers.push([ACCESS_CONTROL_ALLOW_CREDENTIALS, 'true']);
  const allowHeaders = approvedHeaderNames(requestedHeaders);
  if (allowHeaders !== '') headers.push([ACCESS_CONTROL_ALLOW_HEADERS, allowHeaders]);
  const maxAge = forbidCaching ? NOT_CACHED : policy.maxAgeValue;
  if (maxAge !== undefined) headers.push([ACCESS_CONTROL_MAX_AGE, maxAge]);
  if (privateNetwork) headers.push([ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, 'true']);
  if (policy.preflightCacheControlValue !== undefined)
    headers.push([CACHE_CONTROL, policy.preflightCacheControlValue]);
  return headers;
}

/**
 * An approved preflight's decision answered `Access-Control-Max-Age: 0` instead, for a URL where
 * the caller learned only after deciding that a kept approval would stand in for another route's.
 */
export function uncacheable(approved: CorsDecision): CorsDecision {
  const headers = approved.headers.filter(([name]) => name !== ACCESS_CONTROL_MAX_AGE);
  headers.push([ACCESS_CONTROL_MAX_AGE, NOT_CACHED]);
  return decision(approved.allowed, approved.reason, headers, approved.vary);
}

/** A checked request-headers list as it is echoed: lower case (as browsers send it), no empty elements. */
function approvedHeaderNames(requestedHeaders: string): string {
  const names = normalizeRequestHeaders(requestedHeaders);
  return UPPER_CASE.test(names) ? names.toLowerCase() : names;
}
