/**
 * A value now, or a promise of it. The engine answers synchronously, and only an origin predicate
 * that returns a promise makes an answer wait: synchronous answers never pay for a microtask.
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Applies `next` to a value now, or once its promise settles. `onError` receives a rejection; it is
 * never called for a synchronous value.
 */
export function whenSettled<T, U>(
  value: MaybePromise<T>,
  next: (settled: T) => U,
  onError?: (error: unknown) => U,
): MaybePromise<U> {
  return value instanceof Promise ? value.then(next, onError) : next(value);
}
