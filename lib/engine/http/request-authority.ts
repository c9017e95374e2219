/** The scheme and host a request was addressed to, read from the platform's request object. */
import type { IncomingMessage } from 'node:http';

/**
 * What a request was addressed to, as the HTTP platform serving it says: the scheme and the host
 * (with its port, if one was given) of the URL the client asked for.
 */
export interface RequestAuthority {
  /** `http` or `https`, lower case. */
  readonly scheme: string;
  /** `host[:port]` as the client sent it, lower case; `''` when the request names none. */
  readonly host: string;
  /** {@link host} without the port: what Nest matches `@Controller({ host })` against. */
  readonly hostname: string;
}

/**
 * The request objects this reads: Express's `req` and Fastify's `request` (their own `protocol`,
 * `host` and `hostname` getters), node:http2's compatibility request (`scheme`, `authority`), or a
 * plain `IncomingMessage` (`Host`, and the socket's encryption).
 */
interface AddressedRequest {
  readonly protocol?: unknown;
  readonly host?: unknown;
  readonly hostname?: unknown;
  readonly scheme?: unknown;
  readonly authority?: unknown;
  readonly raw?: unknown;
  readonly headers?: IncomingMessage['headers'];
  readonly socket?: { readonly encrypted?: unknown } | null;
}

/**
 * The request's scheme and host as its platform reads them. Express and Fastify know what a URL
 * alone does not: the HTTP/2 `:authority` pseudo-header (there is no `Host` header on HTTP/2), and,
 * with the application's trust-proxy setting, `X-Forwarded-Host` and `X-Forwarded-Proto` from a
 * trusted proxy (and only from one). Nest picks a host-bound controller by the platform's
 * `hostname`, so reading anything else would give a request another handler's policy.
 *
 * Only where no platform request is at hand (WebSocket handshakes, which engine.io and ws receive
 * as Node requests) is the request read directly: `:authority` or `Host`, and the connection's
 * scheme; no forwarding header is trusted there.
 */
export function requestAuthorityOf(request: object): RequestAuthority {
  const addressed = request as AddressedRequest;
  // Express's req and Fastify's request: the platform's own answer, trust proxy included.
  if (typeof addressed.protocol === 'string') {
    const host = typeof addressed.host === 'string' ? addressed.host : '';
    const hostname = typeof addressed.hostname === 'string' ? addressed.hostname : hostnameOf(host);
    return authority(addressed.protocol, host, hostname);
  }
  // node:http2's compatibility request (HTTP/2 has no Host header).
  if (typeof addressed.authority === 'string' && typeof addressed.scheme === 'string')
    return authority(addressed.scheme, addressed.authority, hostnameOf(addressed.authority));
  const headers = addressed.headers ?? {};
  const host = firstValue(headers.host) ?? firstValue(headers[':authority']) ?? '';
  const scheme = addressed.socket?.encrypted === true ? 'https' : 'http';
  return authority(scheme, host, hostnameOf(host));
}

/**
 * What a cache keyed by `Host` (`vary: ['Host']`) keys a request on: every reading of its host that
 * a user's function may have made. HTTP/2 has no `Host` header (`:authority` instead), and behind a
 * trusted proxy `req.hostname` is the forwarded host while `Host` names the proxy's upstream; keyed
 * by one of them alone, a kept answer for one tenant would be served to another. Header values
 * cannot contain a newline, so no request can forge another's key.
 */
export function hostKeyOf(request: object): string {
  const headers = (request as AddressedRequest).headers ?? {};
  return `${requestAuthorityOf(request).host}\n${keyPart(headers.host)}\n${keyPart(headers[':authority'])}`;
}

/** One header's value as a part of a cache key: `\u0000` for an absent one, which no value is. */
export function keyPart(value: string | string[] | undefined): string {
  return value === undefined ? '\u0000' : String(value);
}

function authority(scheme: string, host: string, hostname: string): RequestAuthority {
  return {
    scheme: scheme.toLowerCase(),
    host: host.toLowerCase(),
    hostname: hostname.toLowerCase(),
  };
}

/** `host[:port]` without the port; an IPv6 literal keeps its brackets. */
function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
