/**
 * Appends `names` (a comma-separated list) to an existing `Vary` value, keeping what is there and
 * adding only the names it lacks. `Vary: *` already covers everything, so it is left alone.
 *
 * @returns the new value, or `undefined` when nothing needs to change.
 */
export function appendVary(existing: string | undefined, names: string): string | undefined {
  if (names === '') return undefined;
  if (existing === undefined || existing.trim() === '') return names;
  const present = new Set(existing.split(',').map((name) => name.trim().toLowerCase()));
  if (present.has('*')) return undefined;
  const missing = names.split(', ').filter((name) => !present.has(name.toLowerCase()));
  return missing.length === 0 ? undefined : `${existing}, ${missing.join(', ')}`;
}
