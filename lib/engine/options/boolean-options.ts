/** The validator of the boolean options. */
import type { ProblemList } from '../errors/cors-configuration-error.js';

/** Reads a switch, `false` when absent; anything but a boolean is a problem. */
export function readBoolean(value: unknown, name: string, problems: ProblemList): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  problems.add(
    'not-boolean',
    name,
    value,
    'is not a boolean',
    `write ${name}: true or ${name}: false`,
  );
  return false;
}
