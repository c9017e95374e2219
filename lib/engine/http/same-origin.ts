/**
 * Whether a request comes from a page of the server's own origin, which CORS never restricts.
 * `Sec-Fetch-Site` says so directly where the browser sends it; otherwise the host and port of
 * `Origin` are compared with `Host`. Without `Origin` a request is not cross-origin at all.
 */
export function isSameOrigin(
  origin: string | undefined,
  host: string | undefined,
  secFetchSite: string | undefined,
): boolean {
  if (origin === undefined) return true;
  if (secFetchSite !== undefined) return secFetchSite === 'same-origin' || secFetchSite === 'none';
  if (host === undefined) return false;
  const authorityStart = origin.indexOf('://');
  return (
    authorityStart !== -1 && origin.slice(authorityStart + 3).toLowerCase() === host.toLowerCase()
  );
}
