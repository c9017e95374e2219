import type { CompiledPolicy } from './compiled-policy-internals.js';
import type { CorsHeader } from './cors-decision.js';
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

/**
 * The headers of an approved preflight. Echoing `requestMethod` and `requestedHeaders` is safe only
 * because the caller has checked them: a token, and a list of tokens (echoed without its empty
 * elements).
 */
export function approvedPreflightHeaders(
  policy: Pick<
    CompiledPolicy,
    | 'credentials'
    | 'allowMethodsValue'
    | 'allowHeadersValue'
    | 'maxAgeValue'
    | 'preflightCacheControlValue'
  >,
  allowOrigin: string,
  requestMethod: string,
  requestedHeaders: string,
  privateNetwork: boolean,
): CorsHeader[] {
  const headers: CorsHeader[] = [
    [ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin],
    [ACCESS_CONTROL_ALLOW_METHODS, policy.allowMethodsValue ?? requestMethod],
  ];
  if (policy.credentials) headers.push([ACCESS_CONTROL_ALLOW_CREDENTIALS, 'true']);
  const allowHeaders = policy.allowHeadersValue ?? normalizeRequestHeaders(requestedHeaders);
  if (allowHeaders !== '') headers.push([ACCESS_CONTROL_ALLOW_HEADERS, allowHeaders]);
  if (policy.maxAgeValue !== undefined) headers.push([ACCESS_CONTROL_MAX_AGE, policy.maxAgeValue]);
  if (privateNetwork) headers.push([ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, 'true']);
  if (policy.preflightCacheControlValue !== undefined)
    headers.push([CACHE_CONTROL, policy.preflightCacheControlValue]);
  return headers;
}
