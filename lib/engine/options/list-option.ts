/** Reading an option given as one value, a list or a comma-separated string. */
import type { ProblemList } from '../errors/cors-configuration-error.js';

/**
 * Reads a list option: an array of strings, or the comma-separated string form that Nest's
 * `CorsOptions` accepts (`'GET,PUT'`).
 *
 * @returns the trimmed items, or `undefined` when the option is absent or is no list.
 */
export function readList(
  value: unknown,
  option: string,
  problems: ProblemList,
): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  if (Array.isArray(value)) {
    const list: string[] = [];
    value.forEach((item: unknown, index) => {
      if (typeof item === 'string') list.push(item.trim());
      else
        problems.add(
          'list-item-not-string',
          `${option}[${index}]`,
          item,
          'is not a string',
          'write a name such as "X-Request-Id"',
        );
    });
    return list;
  }
  problems.add(
    'not-a-list',
    option,
    value,
    'is not a list',
    `write an array of strings, such as ${option}: ["X-Request-Id"]`,
  );
  return undefined;
}
