import { CorsConfigurationError, ProblemList } from '../engine/index.js';
import { describeValue } from '../engine/cors-configuration-error.js';

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

/** Whether `value` has a `then` method: a promise, or something that acts as one. */
export function isThenable(value: unknown): boolean {
  return (
    ((typeof value === 'object' && value !== null) || typeof value === 'function') &&
    attempt(() => typeof (value as { then?: unknown }).then === 'function', false)
  );
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
    isThenable(value)
      ? 'did you forget `await`? Give the configuration the promise resolves to'
      : typeof value === 'function'
        ? 'a per-request policy goes in an object: write { defaultPolicy: perRequestPolicy(fn) }'
        : 'give an object such as { origin: "https://app.example.com" }, or current() with your changes',
  );
  problems.throwIfAny(place);
}

/**
 * Runs `check` on a configuration, and reports anything it throws other than a
 * `CorsConfigurationError` as one: a getter or a proxy trap of the configuration that throws must
 * not reach the caller as a `TypeError` it cannot tell from a bug.
 */
export function readingConfiguration<T>(configuration: unknown, place: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof CorsConfigurationError) throw error;
    const problems = new ProblemList();
    problems.add(
      'module-options-invalid',
      'configuration',
      describable(configuration),
      `could not be read: ${error instanceof Error ? error.message : String(error)}`,
      'give plain data: object literals or JSON.parse() output, without getters or proxies that throw',
    );
    return problems.throwIfAny(place) as never;
  }
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
