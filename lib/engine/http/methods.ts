/**
 * Methods whose names the Fetch standard upper-cases when a page writes them in any case, plus PATCH,
 * which Nest's own `RequestMethod` spells in upper case. A configuration may write these in any case.
 */
const STANDARD_METHODS: ReadonlySet<string> = new Set([
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
]);

/**
 * CORS-safelisted methods: a browser never lists them in a preflight's checks, so a preflight for one
 * of them passes the method check whatever the policy's `methods` say.
 */
export const SAFELISTED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST']);

/** Methods that Fetch forbids a page to use: allowing them is always a configuration mistake. */
export const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** The spelling a configured method is compared in: standard names upper-cased, others unchanged. */
export function normalizeConfiguredMethod(method: string): string {
  const upper = method.toUpperCase();
  return STANDARD_METHODS.has(upper) ? upper : method;
}

/** Nest's `app.enableCors()` default on Express, kept so that migrating users see no change. */
export const DEFAULT_METHODS: readonly string[] = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];
