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

/**
 * Checks an `Access-Control-Request-Headers` value in one left-to-right pass.
 *
 * @returns `undefined` when every requested name passes `rule`, otherwise the reason for refusing.
 */
export function checkRequestHeaders(value: string, rule: RequestHeaderRule): string | undefined {
  if (value.length > MAX_REQUEST_HEADERS_LENGTH) return 'request-headers-too-long';
  const end = value.length;
  let names = 0;
  let i = 0;
  while (i < end) {
    while (i < end && isOptionalWhitespace(value.charCodeAt(i))) i++;
    if (i === end) {
      // Only whitespace (or nothing) after the last comma: a list may not end with an empty element.
      return names === 0 ? undefined : 'request-headers-malformed';
    }
    const start = i;
    while (i < end && isTokenChar(value.charCodeAt(i))) i++;
    if (i === start) return 'request-headers-malformed';
    const nameEnd = i;
    while (i < end && isOptionalWhitespace(value.charCodeAt(i))) i++;
    if (i < end) {
      if (value.charCodeAt(i) !== COMMA) return 'request-headers-malformed';
      i++;
      if (i === end) return 'request-headers-malformed';
    }
    if (++names > MAX_REQUEST_HEADER_NAMES) return 'request-headers-too-many';
    if (rule.kind !== 'any') {
      const name = value.slice(start, nameEnd).toLowerCase();
      const allowed =
        rule.allowed.has(name) || (rule.kind === 'wildcard' && name !== 'authorization');
      if (!allowed) return `header-not-allowed: ${name.slice(0, MAX_NAME_IN_REASON)}`;
    }
  }
  return undefined;
}

function isOptionalWhitespace(code: number): boolean {
  return code === SPACE || code === TAB;
}
