/** What an actual request carries that its policy would have refused in a preflight (for `enforce`). */
import { internalsOf } from './model/compiled-policy-internals.js';
import type { CompiledCorsPolicy } from './model/compiled-policy.js';
import type { CorsReason } from './model/cors-decision.js';
import { allowsMethod } from './decide-preflight.js';
import { isForbiddenRequestHeader } from './http/header-names.js';
import { allowsHeaderName } from './http/request-headers.js';

/** The request headers of an actual request, names in lower case, as Node gives them. */
export type CarriedHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * CORS-safelisted request headers a page may set without a preflight
 * (https://fetch.spec.whatwg.org/#cors-safelisted-request-header); `Content-Type` only with the
 * three types a form can send.
 */
const SAFELISTED_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-language',
  'content-language',
  'range',
]);
const SAFELISTED_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);
/**
 * Headers that browsers, proxies and CDNs add on their own: no page set them. Kept a list, so that
 * one header more is one line more.
 */
const ADDED_ON_THE_WAY: ReadonlySet<string> = new Set([
  // Browsers: the client, revalidation, priority, a disabled cache.
  'user-agent',
  'cache-control',
  'pragma',
  'priority',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  // Browsers: client hints without the `Sec-CH-` prefix (https://wicg.github.io/client-hints-infrastructure/);
  // the prefixed ones are forbidden request headers.
  'save-data',
  'device-memory',
  'dpr',
  'viewport-width',
  'rtt',
  'downlink',
  'ect',
  // Proxies and CDNs: forwarding (`X-Forwarded-*` by prefix, below), loop detection.
  'forwarded',
  'x-real-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'cdn-loop',
  // Request ids and tracing: W3C Trace Context and Baggage, Zipkin B3 (`X-B3-*` by prefix, below),
  // AWS load balancers, Google Cloud.
  'x-request-id',
  'traceparent',
  'tracestate',
  'baggage',
  'b3',
  'x-amzn-trace-id',
  'x-cloud-trace-context',
]);
/** Prefixes of header families that proxies add: forwarding, and Zipkin's B3 tracing. */
const ADDED_ON_THE_WAY_PREFIXES: readonly string[] = ['x-forwarded-', 'x-b3-'];
const MAX_NAME_IN_REASON = 64;

/**
 * What an actual request carries that its policy would have refused in a preflight: a method the
 * policy does not allow, or a header a page must have set (neither safelisted nor one that
 * browsers or proxies add) that it does not allow. A browser sends such a request only where a
 * cached approval of another handler of the same URL stood in for this handler's preflight.
 * Judged by the rules a preflight is judged by.
 *
 * @param checkHeaders whether to look at the headers too, or only at the method.
 * @returns the reason for refusing, or `undefined` when the policy approves what was sent.
 */
export function refusedContent(
  compiled: CompiledCorsPolicy<never>,
  method: string,
  headers: CarriedHeaders,
  checkHeaders: boolean,
): CorsReason | undefined {
  const policy = internalsOf(compiled);
  if (!allowsMethod(policy.methodRule, method)) return 'method-not-allowed';
  const rule = policy.headerRule;
  if (!checkHeaders || rule.kind === 'any') return undefined;
  for (const name in headers) {
    if (name.startsWith(':') || !setByPage(name, headers[name])) continue;
    if (!allowsHeaderName(rule, name))
      return `header-not-allowed: ${name.slice(0, MAX_NAME_IN_REASON)}`;
  }
  return undefined;
}

/** Whether a request header (lower-case name) is one only a page's script can have set. */
function setByPage(name: string, value: string | string[] | undefined): boolean {
  if (name === 'content-type')
    return typeof value !== 'string' || !SAFELISTED_CONTENT_TYPES.has(essenceOf(value));
  return !(
    SAFELISTED_HEADERS.has(name) ||
    ADDED_ON_THE_WAY.has(name) ||
    hasAddedPrefix(name) ||
    isForbiddenRequestHeader(name)
  );
}

function hasAddedPrefix(name: string): boolean {
  for (const prefix of ADDED_ON_THE_WAY_PREFIXES) if (name.startsWith(prefix)) return true;
  return false;
}

/** A media type without its parameters, lower case: `text/plain;charset=UTF-8` is `text/plain`. */
function essenceOf(value: string): string {
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}
