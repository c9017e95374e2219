/** Fingerprints of policy options, so that equal options share one compiled policy. */
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

/**
 * A key equal for policy options that mean the same policy: the same values, regexes with the same
 * source and flags, the same function object. Lets equal options written in two places, or answered
 * twice by a per-request policy, share one compiled policy.
 */
export function fingerprintOf(value: unknown, enclosing: Set<object> = new Set()): string {
  if (value instanceof RegExp) return `re:${value.toString()}`;
  if (typeof value === 'function') return `fn:${idOf(value)}`;
  // Not JSON: JSON.stringify() throws on a bigint. `1n` is not `1`: it is junk the check names.
  if (typeof value === 'bigint') return `${value}n`;
  // Numbers by String(), not JSON: JSON writes NaN and Infinity as null, which would make them
  // equal to `null`. A symbol is junk the check names, each one itself.
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'symbol') return `sym:${String(value)}`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  // A value that contains itself is never equal to another: it is junk the check then refuses.
  if (enclosing.has(value)) return `cycle:${idOf(value)}`;
  enclosing.add(value);
  try {
    if (Array.isArray(value)) {
      // Indexed, not map(): map() skips holes, which would make `[,]` equal to `[]`.
      const items: string[] = [];
      for (let index = 0; index < value.length; index++)
        items.push(index in value ? fingerprintOf(value[index], enclosing) : 'hole');
      return `[${items.join(',')}]`;
    }
    // An instance of a class is not the plain object with its fields: the check tells them apart
    // (it refuses the instance), so they must not share a compiled answer.
    const prototype: unknown = Object.getPrototypeOf(value);
    const kind =
      prototype === Object.prototype || prototype === null ? '' : `${idOf(prototype as object)}`;
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `${kind}{${entries.map(([k, v]) => `${JSON.stringify(k)}:${fingerprintOf(v, enclosing)}`).join(',')}}`;
  } finally {
    enclosing.delete(value);
  }
}

/** A number for `value` alone, the same every time it is asked. */
function idOf(value: object): number {
  let id = objectIds.get(value);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(value, id);
  }
  return id;
}
