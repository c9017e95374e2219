/** The validator of `origin`: every form, and the unsafe combinations with `credentials`. */
import type { OriginRule } from '../model/compiled-policy-internals.js';
import type { ProblemList } from '../errors/cors-configuration-error.js';
import type { CorsOriginPredicate } from '../model/cors-policy-options.js';
import { compileOriginMatcher, toFullMatch } from '../origin/origin-matcher.js';
import {
  isLoopbackHost,
  parseOriginPattern,
  type OriginPattern,
} from '../origin/origin-pattern.js';

/** The switches that change what the `origin` option may say. */
export interface OriginOptionContext {
  readonly credentials: boolean;
  readonly allowInsecure: boolean;
  readonly allowPermissiveRegex: boolean;
}

/**
 * Checks the `origin` option and compiles it into the rule requests are judged by.
 *
 * With credentials, an answer that any website can obtain is refused: `'*'` (which browsers reject
 * with credentials anyway, https://fetch.spec.whatwg.org/#cors-protocol-and-credentials), `true`,
 * and a regex that accepts origins nobody owns.
 */
export function compileOriginRule<TRequest>(
  origin: unknown,
  context: OriginOptionContext,
  problems: ProblemList,
): OriginRule<TRequest> {
  const { credentials } = context;
  if (origin === undefined || origin === false) return { kind: 'none' };
  if (origin === true) {
    if (credentials) {
      problems.add(
        'origin-reflect-with-credentials',
        'origin',
        true,
        'reflects every origin, and together with credentials: true that lets any website act as the signed-in user',
        'list the origins you trust, such as origin: ["https://app.example.com"]',
      );
    }
    return { kind: 'reflect' };
  }
  if (typeof origin === 'function')
    return { kind: 'predicate', predicate: origin as CorsOriginPredicate<TRequest> };
  if (origin === '*') {
    if (credentials) {
      problems.add(
        'origin-any-with-credentials',
        'origin',
        '*',
        'cannot be used with credentials: true; browsers refuse a credentialed response that allows "*"',
        'list the origins you trust, or set credentials: false',
      );
    }
    return { kind: 'any' };
  }
  const entries: readonly unknown[] = Array.isArray(origin) ? origin : [origin];
  const patterns: OriginPattern[] = [];
  const regexes: RegExp[] = [];
  entries.forEach((entry, index) => {
    const option = Array.isArray(origin) ? `origin[${index}]` : 'origin';
    if (entry instanceof RegExp) {
      if (credentials && !context.allowPermissiveRegex) checkRegex(entry, option, problems);
      regexes.push(entry);
    } else if (entry === '*') {
      problems.add(
        'origin-wildcard-among-others',
        option,
        entry,
        'allows every origin, which makes the other entries meaningless',
        'write origin: "*" alone, or remove "*"',
      );
    } else if (typeof entry === 'string') {
      const pattern = parseOriginPattern(entry, option, problems);
      if (pattern === undefined) return;
      if (
        credentials &&
        !context.allowInsecure &&
        pattern.scheme === 'http' &&
        !isLoopbackHost(pattern.host)
      ) {
        problems.add(
          'origin-insecure-with-credentials',
          option,
          entry,
          'is plain http on a network host, and with credentials: true anyone on the network path can impersonate it',
          `write "${entry.replace(/^http:/i, 'https:')}", or set dangerouslyAllowInsecureOriginsWithCredentials: true`,
        );
      }
      patterns.push(pattern);
    } else {
      problems.add(
        'origin-not-string-or-regexp',
        option,
        entry,
        'is not an origin string or a RegExp',
        'write an origin such as "https://app.example.com"',
      );
    }
  });
  return { kind: 'match', matcher: compileOriginMatcher(patterns, regexes) };
}

/**
 * Probes a regex, as it will be matched (in full), with origins that nobody owns: fresh random
 * names under `.invalid` (reserved, RFC 2606 section 2), on other schemes and ports. A regex that
 * accepts one of them accepts origins an attacker can have, which with credentials is the
 * reflect-any-origin hole (GHSA-qxrj-hx23-xp82, CVE-2024-25124). A predicate function cannot be
 * probed this way: it may look at more than the origin, and calling it at startup could have
 * effects, so it stays the user's responsibility.
 */
function checkRegex(regex: RegExp, option: string, problems: ProblemList): void {
  const anchored = toFullMatch(regex);
  const accepted = unownedOrigins().find((origin) => anchored.test(origin));
  if (accepted === undefined) return;
  problems.add(
    'origin-permissive-regex-with-credentials',
    option,
    regex,
    `accepts origins nobody owns, such as "${accepted}", and with credentials: true that lets any website act as the signed-in user`,
    'anchor it to your own domains, such as /^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/, or set dangerouslyAllowPermissiveRegexWithCredentials: true',
  );
}

function unownedOrigins(): string[] {
  const label = () => `x${Math.random().toString(36).slice(2, 10)}`;
  const [a, b] = [label(), label()];
  return [
    `https://${a}.invalid`,
    `http://${a}.invalid`,
    `https://${b}.${a}.invalid:8443`,
    `http://${a}.invalid:1`,
    `chrome-extension://${a}`,
  ];
}
