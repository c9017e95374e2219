/** Calling a user's function however it answers (value, promise, callback), within a timeout. */
import type { MaybePromise } from './maybe-promise.js';

/** The Node-style callback that the `cors` package's functions, and Nest's `CorsOptions`, answer through. */
export type NodeCallback<V> = (error: Error | null, value?: V) => void;

/**
 * Calls a function written by the user, which may answer in any of the three ways Node code does:
 * by returning a value, by returning a promise, or through a callback `(error, value)`, the form
 * `app.enableCors()` takes.
 * - A function that declares one parameter cannot reach the callback: what it returns is its
 *   answer, whatever it is.
 * - Any other (two parameters, or none declared, as `(...args) => inner(...args)` wrappers have)
 *   answers through the callback (once; later calls are ignored), or by returning an answer
 *   (`isAnswer`) or a promise of one. Anything else it returns is not an answer:
 *   `(origin, callback) => setTimeout(() => callback(null, true))` returns a timer, as callback-style
 *   code does, and the callback's answer is awaited (within the caller's timeout).
 *
 * Synchronous when the answer is: a callback called before the function returns costs no promise.
 *
 * @param fromCallback turns what the callback was given into the answer.
 * @throws what the function throws, or the error it passed to the callback synchronously.
 */
export function callUserFunction<A, C, V, R>(
  fn: (first: A, callback: NodeCallback<V>, third: C) => unknown,
  first: A,
  third: C,
  isAnswer: (value: unknown) => boolean,
  fromCallback: (value: V | undefined) => R,
): MaybePromise<unknown> {
  if (fn.length === 1) return fn(first, ignoreCallback, third);
  let answered: { readonly error: unknown; readonly value: V | undefined } | undefined;
  let settle: NodeCallback<V> = (error, value) => {
    answered ??= { error, value };
  };
  const returned = fn(first, (error, value) => settle(error, value), third);
  if (answered !== undefined) {
    // What it returned besides is not the answer; a rejection of it must not end the process.
    if (isThenable(returned)) returned.then(undefined, ignoreCallback);
    if (answered.error !== null && answered.error !== undefined) throw asError(answered.error);
    return fromCallback(answered.value);
  }
  if (isAnswer(returned)) return returned;
  return new Promise<unknown>((resolve, reject) => {
    settle = (error, value) => {
      settle = ignoreCallback;
      if (error !== null && error !== undefined) reject(asError(error));
      else resolve(fromCallback(value));
    };
    if (isThenable(returned)) {
      // An async function that answers through the callback resolves to undefined: keep waiting.
      returned.then(
        (value) => {
          if (!isAnswer(value)) return;
          settle = ignoreCallback;
          resolve(value);
        },
        (error: unknown) => settle(asError(error ?? 'rejected without a reason'), undefined),
      );
    }
  });
}

/** What a callback was given as its error, as an `Error` however it was written. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function ignoreCallback(): void {
  // A function that did not declare the callback cannot have meant to call it.
}

/** The rejection of {@link withTimeout}: the function gave no answer in time. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * A promise of the same answer, or a rejection once `milliseconds` have passed without one: a
 * lookup that never settles must deny the request, not hold it (and its socket) forever.
 */
export function withTimeout<T>(
  answer: PromiseLike<T>,
  milliseconds: number,
  describe: () => string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(describe())), milliseconds);
    // The timer alone must not keep a process alive that has nothing else to do.
    timer.unref?.();
  });
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

/** Whether a value is a promise of any library (anything with a `then` method). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
