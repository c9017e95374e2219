/** The cache settings (`predicateCache`, a per-request policy's `cache`): checked, then a cache. */
import { AnswerCache, type AnswerCacheSettings } from '../answers/answer-cache.js';
import { PredicateAnswers } from '../answers/predicate-answers.js';
import type { ProblemList } from '../errors/cors-configuration-error.js';
import { checkVaryNames } from './vary-option.js';

/** A day: answers kept longer would outlive any change a user expects to see. */
const MAX_TTL = 86_400_000;
const MAX_ENTRIES = 1_000_000;
/** A day past `ttl`: a source that has failed for longer is down, and its last answer too old. */
const MAX_STALE_IF_ERROR = 86_400_000;

/**
 * Checks a cache option (`predicateCache`, or a per-request policy's `cache`): `{ ttl, max,
 * staleIfError? }`, whole milliseconds from 1 to a day, whole entries from 1 to a million, and
 * whole milliseconds from 0 to a day, so that the cache and the age of what it serves stay bounded.
 * Returns a fresh cache, or `undefined` when the option is absent or wrong.
 */
export function compileCacheOption<V>(
  value: unknown,
  option: string,
  problems: ProblemList,
): AnswerCache<V> | undefined {
  if (value === undefined) return undefined;
  const settings = settingsOf(value);
  if (!hasValidBounds(settings, ['ttl', 'max', 'staleIfError'])) {
    problems.add(
      'cache-invalid',
      option,
      value,
      'is not { ttl, max, staleIfError? } with ttl in whole milliseconds from 1 to 86400000 and max a whole number from 1 to 1000000',
      `write ${option}: { ttl: 60_000, max: 10_000 }`,
    );
    return undefined;
  }
  if (!hasValidStaleIfError(settings, option, problems)) return undefined;
  return new AnswerCache<V>(settings as unknown as AnswerCacheSettings);
}

/** What `predicateCache` comes to: its answers, and the request headers they are keyed by. */
export interface CompiledPredicateCache {
  readonly answers: PredicateAnswers;
  /** The `vary` names as written, for the `Vary` of the policy's answers. */
  readonly vary: readonly string[];
}

/**
 * Checks `predicateCache`: `{ ttl, max, vary? }`, bounded as {@link compileCacheOption} says, with
 * `vary` the request headers (tokens, at most 16) the predicate's answer depends on besides the
 * origin. A predicate that declares the request parameter (`(origin, callback, req)`) reads more
 * than the origin, so without `vary` its answers, kept by origin alone, would be served across
 * tenants: refused. `vary: []` says that it reads nothing that changes its answer.
 *
 * @param predicate the policy's `origin`, when it is a function.
 */
export function compilePredicateCacheOption(
  value: unknown,
  predicate: unknown,
  problems: ProblemList,
): CompiledPredicateCache | undefined {
  if (value === undefined) return undefined;
  const option = 'predicateCache';
  const settings = settingsOf(value);
  if (!hasValidBounds(settings, ['ttl', 'max', 'staleIfError', 'vary'])) {
    problems.add(
      'cache-invalid',
      option,
      value,
      'is not { ttl, max, staleIfError?, vary? } with ttl in whole milliseconds from 1 to 86400000 and max a whole number from 1 to 1000000',
      `write ${option}: { ttl: 60_000, max: 10_000 }`,
    );
    return undefined;
  }
  if (!hasValidStaleIfError(settings, option, problems)) return undefined;
  const vary = settings.vary;
  if (
    vary !== undefined &&
    !checkVaryNames(vary, `${option}.vary`, 'the predicate reads', problems)
  )
    return undefined;
  if (vary === undefined && typeof predicate === 'function' && predicate.length >= 3) {
    problems.add(
      'cache-without-vary',
      option,
      value,
      'keeps answers by origin alone, and the origin predicate declares the request parameter ((origin, callback, req)): an answer it gave for one host or tenant would be served to another',
      `name the request headers it reads: ${option}: { ttl: ${String(settings.ttl)}, max: ${String(settings.max)}, vary: ["Host"] } (or vary: [] if its answer depends on the origin alone)`,
    );
    return undefined;
  }
  const names = (vary ?? []) as readonly string[];
  return {
    answers: new PredicateAnswers(settings as unknown as AnswerCacheSettings, names),
    vary: names,
  };
}

function settingsOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
}

function hasValidBounds(settings: Record<string, unknown>, keys: readonly string[]): boolean {
  return (
    Object.keys(settings).every((key) => keys.includes(key)) &&
    isWholeIn(settings.ttl, 1, MAX_TTL) &&
    isWholeIn(settings.max, 1, MAX_ENTRIES)
  );
}

/**
 * `staleIfError`, when written: how long past `ttl` the last good answer may stand in for a failed
 * lookup, bounded so that an answer days old is never served.
 */
function hasValidStaleIfError(
  settings: Record<string, unknown>,
  option: string,
  problems: ProblemList,
): boolean {
  const stale = settings.staleIfError;
  if (stale === undefined || isWholeIn(stale, 0, MAX_STALE_IF_ERROR)) return true;
  problems.add(
    'cache-invalid',
    `${option}.staleIfError`,
    stale,
    'is not a whole number of milliseconds from 0 to 86400000 (how long past ttl the last good answer may be served while asking again fails)',
    `write ${option}: { ttl: ${String(settings.ttl)}, max: ${String(settings.max)}, staleIfError: 300_000 } to serve it for 5 minutes more, or leave staleIfError out to deny when asking fails`,
  );
  return false;
}

function isWholeIn(value: unknown, low: number, high: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= low && value <= high;
}
