/** Whether a request comes from the server's own origin (`Sec-Fetch-Site`, else scheme, host and port). */
import type { RequestAuthority } from './request-authority.js';

/** The port a URL of each scheme has when it names none, which a serialized origin then omits. */
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

/**
 * Whether a request comes from a page of the server's own origin, which CORS never restricts.
 * `Sec-Fetch-Site` says so directly where the browser sends it (every current browser does).
 * Otherwise the request's `Origin` is compared with the origin the request was addressed to, as
 * its platform reads it ({@link RequestAuthority}): scheme, host and port must all be equal
 * (https://html.spec.whatwg.org/multipage/browsers.html#same-origin), a default port being the
 * same as none. Behind a proxy that rewrites `Host` or terminates TLS, that origin is right only
 * when the proxy forwards the original host and scheme and the application trusts it; otherwise
 * a same-origin request is judged as cross-origin, which refuses rather than allows. Without
 * `Origin` a request is not cross-origin at all.
 */
export function isSameOrigin(
  origin: string | undefined,
  addressed: RequestAuthority | undefined,
  secFetchSite: string | undefined,
): boolean {
  if (origin === undefined) return true;
  if (secFetchSite !== undefined) return secFetchSite === 'same-origin' || secFetchSite === 'none';
  if (addressed === undefined || addressed.host === '') return false;
  const separator = origin.indexOf('://');
  if (separator === -1) return false;
  const scheme = origin.slice(0, separator).toLowerCase();
  if (scheme !== addressed.scheme) return false;
  return (
    withoutDefaultPort(origin.slice(separator + 3).toLowerCase(), scheme) ===
    withoutDefaultPort(addressed.host, scheme)
  );
}

function withoutDefaultPort(host: string, scheme: string): string {
  const port = DEFAULT_PORTS[scheme];
  return port !== undefined && host.endsWith(`:${port}`) ? host.slice(0, -(port.length + 1)) : host;
}
