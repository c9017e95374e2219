/**
 * Decides which hosts a subdomain wildcard must not cover, from the Public Suffix List that `tldts`
 * ships (its ICANN section, such as `co.jp`, and its private one, such as `github.io`).
 */
import { getPublicSuffix } from 'tldts';

const LOOKUP = {
  allowPrivateDomains: true,
  // The host is already a lower-case ASCII host name, checked by the origin parser.
  extractHostname: false,
  validateHostname: false,
  detectIp: false,
  // The list names Amazon's services (`s3.amazonaws.com`, ...) rather than the domain, yet a
  // wildcard over the domain reaches every customer's bucket under them.
  extraSuffixes: { private: ['amazonaws.com'] },
} as const;

/**
 * Whether every subdomain of `host` may belong to someone else, so that a `*.host` pattern would
 * allow strangers: `host` is a public suffix, such as `com`, `co.jp`, `s3.amazonaws.com` or
 * `github.io` (a single label counts, since the list's default rule makes any top-level label one).
 */
export function isPublicSuffix(host: string): boolean {
  const suffix = getPublicSuffix(host, LOOKUP);
  // No answer means the list could not place the host: deny rather than guess.
  return suffix === null || suffix === host;
}
