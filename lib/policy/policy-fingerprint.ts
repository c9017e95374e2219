const functionIds = new WeakMap<object, number>();
let nextFunctionId = 1;

/**
 * A key equal for policy options that mean the same policy: the same values, regexes with the same
 * source and flags, the same function object. Lets equal options written in two places, or answered
 * twice by a per-request policy, share one compiled policy.
 */
export function fingerprintOf(value: unknown): string {
  if (value instanceof RegExp) return `re:${value.toString()}`;
  if (typeof value === 'function') {
    let id = functionIds.get(value);
    if (id === undefined) {
      id = nextFunctionId++;
      functionIds.set(value, id);
    }
    return `fn:${id}`;
  }
  if (Array.isArray(value)) return `[${value.map(fingerprintOf).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${fingerprintOf(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
