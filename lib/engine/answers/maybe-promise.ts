/**
 * A value now, or a promise of it. The engine answers synchronously, and only an origin predicate
 * that returns a promise makes an answer wait: synchronous answers never pay for a microtask.
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Calls `next(settled, a, b)` now, or once the promise settles; `onError` receives a rejection. The
 * values `next` needs are passed along rather than captured, so that a synchronous value, the
 * common case on every request, costs no closure.
 */
export function whenSettled<T, A, B, U>(
  value: MaybePromise<T>,
  next: (settled: T, a: A, b: B) => U,
  a: A,
  b: B,
  onError?: (error: unknown) => U,
): MaybePromise<U> {
  return value instanceof Promise
    ? value.then((settled) => next(settled, a, b), onError)
    : next(value, a, b);
}
