/**
 * Notes on where a policy means less here than it did to `app.enableCors()`, logged as warnings
 * at startup and for each new per-request answer.
 */
import type { CorsPolicyOptions } from '../engine/index.js';
import { MODULE_OPTIONS_PLACE } from './cors-module-options.js';

/**
 * The notes on a module configuration, each naming its policy: the default, used where `@Cors()`
 * says nothing, and each named policy. A policy computed per request (`undefined` here) is noted
 * answer by answer instead.
 */
export function configurationDifferences(
  defaults: CorsPolicyOptions<unknown> | undefined,
  named: Iterable<readonly [name: string, options: CorsPolicyOptions<unknown> | undefined]>,
): string[] {
  const notes: string[] = [];
  if (defaults !== undefined) {
    const meaning = 'cross-origin requests are allowed only where @Cors() allows them';
    for (const note of differencesFromEnableCors(defaults, meaning))
      notes.push(`${MODULE_OPTIONS_PLACE}: the default policy ${note}.`);
  }
  for (const [name, options] of named) {
    if (options === undefined) continue;
    for (const note of differencesFromEnableCors(options))
      notes.push(`${MODULE_OPTIONS_PLACE} policies.${name} ${note}.`);
  }
  return notes;
}

/**
 * Where a complete policy (the default, a named one, or a per-request answer) means less here than
 * the same options meant to `app.enableCors()`, which is stricter by design and would otherwise
 * surprise someone moving over: each difference as a sentence naming the value and the fix.
 *
 * @param meaningOfNone what no origin means where the policy is used.
 *
 * Differences that are refused outright (no scheme, `null`, credentials with `*`) are
 * configuration errors instead.
 */
export function differencesFromEnableCors(
  options: CorsPolicyOptions<unknown>,
  meaningOfNone = 'no origin is allowed',
): string[] {
  const notes: string[] = [];
  if (options.origin === undefined) {
    notes.push(
      `has no origin, so ${meaningOfNone}; app.enableCors() allowed every origin ("*") when origin was left out. Write origin: "*" to keep that, list the origins you trust, or write origin: false to say that none is meant`,
    );
  }
  const origins = Array.isArray(options.origin) ? options.origin : [options.origin];
  origins.forEach((entry, index) => {
    if (!(entry instanceof RegExp) || isAnchored(entry)) return;
    const option = Array.isArray(options.origin) ? `origin[${index}]` : 'origin';
    notes.push(
      `${option} ${entry.toString()} must match the whole origin here; app.enableCors() accepted a match anywhere in it (so an attacker's https://example.com.evil.invalid could pass). Anchor it, such as /^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/`,
    );
  });
  return notes;
}

/** Whether a regex already matches whole strings only, so that full matching changes nothing. */
function isAnchored(regex: RegExp): boolean {
  const source = regex.source;
  return (
    source.startsWith('^') &&
    source.endsWith('$') &&
    !source.endsWith('\\$') &&
    !regex.flags.includes('m') &&
    !hasTopLevelAlternative(source)
  );
}

/** Whether `a|b` splits the whole pattern, which makes `^a|b$` anchored on one side only. */
function hasTopLevelAlternative(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') i++;
    else if (inClass) inClass = char !== ']';
    else if (char === '[') inClass = true;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === '|' && depth === 0) return true;
  }
  return false;
}
