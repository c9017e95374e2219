/**
 * Second-level labels that registries under a two-letter country code commonly hand out to the
 * public (`co.uk`, `com.au`, `gov.br`, ...). Not the full Public Suffix List, which changes weekly and
 * would be a runtime dependency: a heuristic that catches the mistakes people actually make.
 */
const PUBLIC_SECOND_LEVEL_LABELS: ReadonlySet<string> = new Set([
  'ac',
  'co',
  'com',
  'edu',
  'gob',
  'go',
  'gov',
  'gv',
  'info',
  'ltd',
  'me',
  'mil',
  'ne',
  'net',
  'nic',
  'nom',
  'or',
  'org',
  'plc',
  'sch',
]);

/** Hosting platforms where every subdomain belongs to a different customer. */
const MULTI_TENANT_SUFFIXES: ReadonlySet<string> = new Set([
  'amazonaws.com',
  'appspot.com',
  'azurewebsites.net',
  'blogspot.com',
  'cloudfront.net',
  'firebaseapp.com',
  'fly.dev',
  'github.io',
  'gitlab.io',
  'glitch.me',
  'herokuapp.com',
  'netlify.app',
  'ngrok-free.app',
  'ngrok.io',
  'onrender.com',
  'pages.dev',
  'vercel.app',
  'web.app',
  'workers.dev',
]);

/**
 * Whether every subdomain of `host` may belong to someone else, so that a `*.host` pattern would
 * allow strangers: a top-level domain, a country-code second level such as `co.uk`, or a well-known
 * multi-tenant hosting domain.
 */
export function isPublicSuffix(host: string): boolean {
  const labels = host.split('.');
  if (labels.length === 1) return true;
  if (MULTI_TENANT_SUFFIXES.has(host)) return true;
  return (
    labels.length === 2 && labels[1]!.length === 2 && PUBLIC_SECOND_LEVEL_LABELS.has(labels[0]!)
  );
}
