import { AnswerCache, type AnswerCacheSettings } from '../answers/answer-cache.js';
import type { ProblemList } from '../cors-configuration-error.js';

/** A day: answers kept longer would outlive any change a user expects to see. */
const MAX_TTL = 86_400_000;
const MAX_ENTRIES = 1_000_000;

/**
 * Checks a cache option (`predicateCache`, or a per-request policy's `cache`): `{ ttl, max }`, whole
 * milliseconds from 1 to a day and whole entries from 1 to a million, so that the cache stays
 * bounded. Returns a fresh cache, or `undefined` when the option is absent or wrong.
 */
export function compileCacheOption<V>(
  value: unknown,
  option: string,
  problems: ProblemList,
): AnswerCache<V> | undefined {
  if (value === undefined) return undefined;
  const settings: Record<string, unknown> =
    value !== null && typeof value === 'object' ? { ...value } : {};
  const valid =
    Object.keys(settings).every((key) => key === 'ttl' || key === 'max') &&
    isWholeIn(settings.ttl, 1, MAX_TTL) &&
    isWholeIn(settings.max, 1, MAX_ENTRIES);
  if (valid) return new AnswerCache<V>(settings as unknown as AnswerCacheSettings);
  problems.add(
    'cache-invalid',
    option,
    value,
    'is not { ttl, max } with ttl in whole milliseconds from 1 to 86400000 and max a whole number from 1 to 1000000',
    `write ${option}: { ttl: 60_000, max: 10_000 }`,
  );
  return undefined;
}

function isWholeIn(value: unknown, low: number, high: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= low && value <= high;
}
