/**
 * An origin as browsers serialize it in the `Origin` header: `scheme://host[:port]`, lower case,
 * with the scheme's default port left out.
 */
export interface SerializedOrigin {
  readonly scheme: string;
  readonly host: string;
  /** The port, or `undefined` when the origin uses its scheme's default. */
  readonly port: number | undefined;
}

/**
 * Longer than any origin a browser sends (a host is at most 253 characters); a bound on the work a
 * hostile `Origin` header can cause.
 */
export const MAX_ORIGIN_LENGTH = 512;
const MAX_HOST_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443 };

/** The port a scheme implies when none is written, if it has one. */
export function defaultPortOf(scheme: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(DEFAULT_PORTS, scheme)
    ? DEFAULT_PORTS[scheme]
    : undefined;
}

/**
 * Parses `value` as a serialized origin, strictly: anything a browser would not send (upper case,
 * a path, a trailing slash or dot, user info, an explicit default port, several origins joined by a
 * comma, `null`) is `undefined`. Runs in time linear in `value`, bounded by {@link MAX_ORIGIN_LENGTH}.
 */
export function parseSerializedOrigin(value: string): SerializedOrigin | undefined {
  const length = value.length;
  if (length === 0 || length > MAX_ORIGIN_LENGTH) return undefined;

  let i = 0;
  if (!isLowerAlpha(value.charCodeAt(0))) return undefined;
  while (i < length && isSchemeChar(value.charCodeAt(i))) i++;
  if (!value.startsWith('://', i)) return undefined;
  const scheme = value.slice(0, i);
  i += 3;

  const hostStart = i;
  if (value.charCodeAt(i) === 0x5b /* [ */) {
    i++;
    while (i < length && isIpv6Char(value.charCodeAt(i))) i++;
    if (i === hostStart + 1 || value.charCodeAt(i) !== 0x5d /* ] */) return undefined;
    i++;
  } else {
    let labelLength = 0;
    while (i < length) {
      const code = value.charCodeAt(i);
      if (code === 0x2e /* . */) {
        if (labelLength === 0) return undefined;
        labelLength = 0;
      } else if (isHostChar(code)) {
        if (++labelLength > MAX_LABEL_LENGTH) return undefined;
      } else {
        break;
      }
      i++;
    }
    // An empty last label is a trailing dot (or no host at all).
    if (labelLength === 0 || i - hostStart > MAX_HOST_LENGTH) return undefined;
  }
  const host = value.slice(hostStart, i);

  if (i === length) return { scheme, host, port: undefined };
  if (value.charCodeAt(i) !== 0x3a /* : */) return undefined;
  const port = parsePort(value, i + 1);
  if (port === undefined || port === defaultPortOf(scheme)) return undefined;
  return { scheme, host, port };
}

/** Parses the decimal port that runs from `start` to the end of `value`, in canonical form. */
export function parsePort(value: string, start: number): number | undefined {
  const digits = value.length - start;
  if (digits < 1 || digits > 5) return undefined;
  if (digits > 1 && value.charCodeAt(start) === 0x30 /* 0 */) return undefined;
  let port = 0;
  for (let i = start; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return undefined;
    port = port * 10 + (code - 0x30);
  }
  return port <= 65535 ? port : undefined;
}

function isLowerAlpha(code: number): boolean {
  return code >= 0x61 && code <= 0x7a;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isSchemeChar(code: number): boolean {
  return isLowerAlpha(code) || isDigit(code) || code === 0x2b || code === 0x2d || code === 0x2e;
}

/** Lower-case letters, digits, `-` and `_` (browsers accept `_` in host names). */
function isHostChar(code: number): boolean {
  return isLowerAlpha(code) || isDigit(code) || code === 0x2d || code === 0x5f;
}

function isIpv6Char(code: number): boolean {
  return isDigit(code) || (code >= 0x61 && code <= 0x66) || code === 0x3a || code === 0x2e;
}
