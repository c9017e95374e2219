/** Matching an origin against a policy's list of exact origins, patterns and regexes. */
import type { OriginPattern } from './origin-pattern.js';
import type { SerializedOrigin } from './serialized-origin.js';

/**
 * Configured origins in the form cheapest to test: exact origins in a set (constant time whatever
 * their number, and never merged into one pattern), then subdomain and port patterns, then regexes.
 */
export interface OriginMatcher {
  readonly exact: ReadonlySet<string>;
  readonly patterns: readonly Exclude<OriginPattern, { kind: 'exact' }>[];
  readonly regexes: readonly RegExp[];
}

/** Builds a matcher from parsed patterns and user regexes. */
export function compileOriginMatcher(
  patterns: readonly OriginPattern[],
  regexes: readonly RegExp[],
): OriginMatcher {
  const exact = new Set<string>();
  const others: Exclude<OriginPattern, { kind: 'exact' }>[] = [];
  for (const pattern of patterns) {
    if (pattern.kind === 'exact') exact.add(pattern.origin);
    else others.push(pattern);
  }
  return Object.freeze({
    exact,
    patterns: Object.freeze(others),
    regexes: Object.freeze(regexes.map(toFullMatch)),
  });
}

/**
 * Whether a well-formed origin matches. `origin` is the raw header, `parsed` its parse: the caller
 * has already refused anything that is not a serialized origin.
 */
export function matchOrigin(
  matcher: OriginMatcher,
  origin: string,
  parsed: SerializedOrigin,
): boolean {
  if (matcher.exact.has(origin)) return true;
  for (const pattern of matcher.patterns) {
    if (parsed.scheme !== pattern.scheme) continue;
    if (pattern.kind === 'any-port') {
      if (parsed.host === pattern.host) return true;
    } else if (
      parsed.port === pattern.port &&
      parsed.host.length > pattern.host.length + 1 &&
      parsed.host.endsWith(pattern.host) &&
      parsed.host.charCodeAt(parsed.host.length - pattern.host.length - 1) === 0x2e /* . */
    ) {
      return true;
    }
  }
  for (const regex of matcher.regexes) {
    if (regex.test(origin)) return true;
  }
  return false;
}

/**
 * Rewrites a user's regex so that it must match the whole origin. Without this, `/example\.com$/`
 * also matches `https://evil-example.com`. The `g` and `y` flags are dropped because they make
 * `test()` stateful (alternating allow and deny); `m` because it lets `^`/`$` match inside a value.
 */
export function toFullMatch(regex: RegExp): RegExp {
  const flags = regex.flags.replace(/[gym]/g, '');
  return new RegExp(`^(?:${regex.source})$`, flags);
}
