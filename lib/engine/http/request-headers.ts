/** `Access-Control-Request-Headers`: bounded parsing and the rules a policy judges names by. */
import { isTokenChar } from './tokens.js';

/**
 * Bounds on `Access-Control-Request-Headers`. Browsers send a short, comma-separated list of
 * lower-case names; anything past these bounds is an attack or a bug, and is refused before any
 * per-name work is done, so one request costs at most a bounded amount of work.
 */
export const MAX_REQUEST_HEADERS_LENGTH = 4096;
export const MAX_REQUEST_HEADER_NAMES = 64;

/**
 * How a policy judges each requested header name:
 * - `any`: every syntactically valid name passes;
 * - `listed`: only names in `allowed`;
 * - `wildcard`: every name but `authorization`, unless `allowed` lists it.
 */
export type RequestHeaderRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'listed'; readonly allowed: ReadonlySet<string> }
  | { readonly kind: 'wildcard'; readonly allowed: ReadonlySet<string> };

const COMMA = 0x2c;
const SPACE = 0x20;
const TAB = 0x09;
const MAX_NAME_IN_REASON = 64;
/** A list element that is empty or only whitespace, at the start, between commas or at the end. */
const EMPTY_ELEMENT = /(?:^|,)[ \t]*(?:,|$)/;

/**
 * Checks an `Access-Control-Request-Headers` value in one left-to-right pass. As RFC 9110 section
 * 5.6.1 requires of a recipient, empty list elements and whitespace around elements are accepted
 * and ignored (`" , ,x-token"`, or lines a proxy joined with commas); the length bound keeps their
 * number reasonable.
 *
 * @returns `undefined` when every requested name passes `rule`, otherwise the reason for refusing.
 */
export function checkRequestHeaders(value: string, rule: RequestHeaderRule): string | undefined {
  if (value.length > MAX_REQUEST_HEADERS_LENGTH) return 'request-headers-too-long';
  const end = value.length;
  let names = 0;
  let i = 0;
  while (i < end) {
    const code = value.charCodeAt(i);
    if (code === COMMA || isOptionalWhitespace(code)) {
      i++;
      continue;
    }
    const start = i;
    while (i < end && isTokenChar(value.charCodeAt(i))) i++;
    if (i === start) return 'request-headers-malformed';
    const nameEnd = i;
    while (i < end && isOptionalWhitespace(value.charCodeAt(i))) i++;
    if (i < end && value.charCodeAt(i) !== COMMA) return 'request-headers-malformed';
    if (++names > MAX_REQUEST_HEADER_NAMES) return 'request-headers-too-many';
    if (rule.kind !== 'any') {
      const name = value.slice(start, nameEnd).toLowerCase();
      if (!allowsHeaderName(rule, name))
        return `header-not-allowed: ${name.slice(0, MAX_NAME_IN_REASON)}`;
    }
  }
  return undefined;
}

/** Whether `rule` allows one request header, named in lower case. */
export function allowsHeaderName(rule: RequestHeaderRule, lowerName: string): boolean {
  return (
    rule.kind === 'any' ||
    rule.allowed.has(lowerName) ||
    (rule.kind === 'wildcard' && lowerName !== 'authorization')
  );
}

/**
 * A request-headers list that {@link checkRequestHeaders} accepted, without its empty elements:
 * what an approved preflight echoes when the policy lists no headers. A list without empty
 * elements (every browser's) is echoed as it came.
 */
export function normalizeRequestHeaders(value: string): string {
  if (!EMPTY_ELEMENT.test(value)) return value;
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .join(', ');
}

function isOptionalWhitespace(code: number): boolean {
  return code === SPACE || code === TAB;
}
