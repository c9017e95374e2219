/** What a configuration given at run time must be (plain data), and how messages describe what it is not. */
import { CorsConfigurationError, ProblemList } from '../engine/index.js';
import { isThenable } from '../engine/answers/user-function.js';
import { describeValue } from '../engine/errors/cors-configuration-error.js';

/**
 * Whether `value` is plain data: an object literal, `JSON.parse()` output or `Object.create(null)`.
 * Judged by its prototype chain rather than by identity with this realm's `Object.prototype`, so
 * that an object made in another realm (a `vm` context, a worker's structured clone) passes too.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  return attempt(() => {
    const prototype: unknown = Object.getPrototypeOf(value);
    return (
      prototype === null ||
      (Object.getPrototypeOf(prototype) === null &&
        Object.prototype.toString.call(value) === '[object Object]')
    );
  }, false);
}

/**
 * The engine's {@link isThenable}, for a value a caller handed us to inspect rather than to await:
 * where even reading its `then` throws (a getter, a revoked proxy), it is not a thenable, so that
 * the value reaches the check that names it instead of failing with the getter's error. The engine
 * lets that error through, as the error of the user function whose answer it reads.
 */
export function readsAsThenable(value: unknown): boolean {
  return attempt(() => isThenable(value), false);
}

/** What `value` is, for a message: `a Promise`, `a Map`, `an array`, `the number 42`. */
export function kindOf(value: unknown): string {
  return attempt(() => describeKind(value), 'an object that cannot be read');
}

function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object') return `a ${typeof value}`;
  if (isThenable(value)) return 'a Promise';
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)
    ?.constructor?.name;
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object that is not plain';
}

/**
 * Whether `value` is an object that is not plain but carries its data in fields of its own: a
 * class instance such as a TypeORM entity or `plainToInstance()` output, which a spread turns
 * into plain data. A `Map`, a `Date` or a promise keeps its data elsewhere: a spread loses it.
 */
export function isInstanceWithFields(value: unknown): boolean {
  return attempt(
    () =>
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      !isThenable(value) &&
      !isPlainObject(value) &&
      Object.keys(value).length > 0,
    false,
  );
}

/**
 * Refuses a configuration given at run time that is not a plain object, before anything reads it:
 * `42`, `[]`, a `Map` or a forgotten `await` would otherwise read as a configuration without
 * policies, which denies every origin.
 */
export function checkConfigurationValue(value: unknown, place: string): void {
  if (isPlainObject(value)) return;
  const problems = new ProblemList();
  problems.add(
    'module-options-invalid',
    'configuration',
    describable(value),
    `is ${kindOf(value)}, not a plain object of policies`,
    readsAsThenable(value)
      ? 'did you forget `await`? Give the configuration the promise resolves to'
      : typeof value === 'function'
        ? 'a per-request policy goes in an object: write { defaultPolicy: perRequestPolicy(fn) }'
        : isInstanceWithFields(value)
          ? 'copy its fields into a plain object: give { ...configuration }, e.g. replace({ ...config }) (a class instance, such as an entity or plainToInstance() output, is not read as policies)'
          : 'give an object such as { origin: "https://app.example.com" }, or current() with your changes',
  );
  problems.throwIfAny(place);
}

/**
 * Runs `check` on a configuration, and reports an error it throws as the configuration being
 * unreadable only when reading the configuration does throw: a getter or a proxy trap of the
 * configuration must not reach the caller as a `TypeError` it cannot tell from a bug, and a bug
 * of ours must not be blamed on the configuration. So on an error other than a
 * `CorsConfigurationError`, the configuration is read once more, by itself (every own property,
 * through plain objects, arrays and class instances alike): if that throws, its error is what is
 * reported; if not, the error came from elsewhere and is thrown as it is.
 */
export function readingConfiguration<T>(configuration: unknown, place: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof CorsConfigurationError) throw error;
    const unreadable = readFailure(configuration);
    if (unreadable === undefined) throw error;
    const problems = new ProblemList();
    problems.add(
      'module-options-invalid',
      'configuration',
      describable(configuration),
      `could not be read: ${unreadable.error instanceof Error ? unreadable.error.message : String(unreadable.error)}`,
      'give plain data: object literals or JSON.parse() output, without getters or proxies that throw',
    );
    return problems.throwIfAny(place) as never;
  }
}

/** How many values {@link readFailure} reads at most: it runs on a configuration, not on a heap. */
const READ_BUDGET = 10_000;

/**
 * Reads `value` as our checks do, every own property of every object reached (getters run,
 * proxies trapped), and returns what the first read that threw threw. Nothing else it does can
 * throw: what it reports comes from reading the configuration alone.
 */
function readFailure(value: unknown): { readonly error: unknown } | undefined {
  const seen = new Set<object>();
  const pending: unknown[] = [value];
  try {
    while (pending.length > 0 && seen.size < READ_BUDGET) {
      const next = pending.pop();
      if ((typeof next !== 'object' && typeof next !== 'function') || next === null) continue;
      if (seen.has(next)) continue;
      seen.add(next);
      Object.getPrototypeOf(next);
      Array.isArray(next);
      for (const key of Reflect.ownKeys(next)) pending.push(Reflect.get(next, key));
    }
  } catch (error) {
    return { error };
  }
  return undefined;
}

/** `value` itself if a message can show it, else a stand-in (a revoked proxy throws at a look). */
function describable(value: unknown): unknown {
  return attempt(() => {
    describeValue(value);
    return value;
  }, '[unreadable]');
}

function attempt<T>(run: () => T, otherwise: T): T {
  try {
    return run();
  } catch {
    return otherwise;
  }
}
