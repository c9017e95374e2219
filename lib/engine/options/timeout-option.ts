/** The validator of a predicate's `timeout`. */
import type { CorsProblemCode, ProblemList } from '../errors/cors-configuration-error.js';

/** The default time a user function has to answer: long for a lookup, short for a held request. */
export const DEFAULT_TIMEOUT = 2000;

/**
 * Checks a timeout (`predicateTimeout`, a per-request policy's `timeout`): whole milliseconds from
 * 1 to 60000. Returns it, or {@link DEFAULT_TIMEOUT} when absent or wrong.
 */
export function compileTimeout(
  value: unknown,
  option: string,
  code: CorsProblemCode,
  problems: ProblemList,
): number {
  const valid =
    value === undefined ||
    (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 60_000);
  if (valid) return value ?? DEFAULT_TIMEOUT;
  problems.add(
    code,
    option,
    value,
    'is not a whole number of milliseconds from 1 to 60000',
    `write a value such as ${option}: ${DEFAULT_TIMEOUT}`,
  );
  return DEFAULT_TIMEOUT;
}
