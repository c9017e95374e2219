import {
  callUserFunction,
  isThenable,
  withTimeout,
  type NodeCallback,
} from '../../../lib/engine/answers/user-function';

type UserFunction = (first: string, callback: NodeCallback<number>, third: unknown) => unknown;

/** Marks what came through the callback, so that a test sees which way the answer took. */
const fromCallback = (value: number | undefined) => `callback:${String(value)}`;

/** What counts as an answer when returned by a function that declares the callback. */
const isAnswer = (value: unknown) => typeof value === 'number';

function call(fn: UserFunction, first = 'first', third: unknown = 'third') {
  return callUserFunction(fn, first, third, isAnswer, fromCallback);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a promise is still pending after the timers and microtasks queued so far have run. */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await sleep(0);
  return !settled;
}

describe('callUserFunction', () => {
  describe('answers by return value', () => {
    it('returns what a one-parameter function returns, and passes it the first and third arguments', () => {
      const seen: unknown[] = [];
      const fn = function (this: unknown, first: string) {
        // eslint-disable-next-line prefer-rest-params
        seen.push(first, typeof arguments[1], arguments[2]);
        return 7;
      };
      const third = { request: true };
      const answer = call(fn, 'origin', third);
      expect(answer).toBe(7);
      expect(seen).toEqual(['origin', 'function', third]);
    });

    it('returns whatever a one-parameter function returns, answer or not', () => {
      const timer = { unref: () => undefined };
      expect(call((_first: string) => timer)).toBe(timer);
      expect(call((_first: string) => 'text')).toBe('text');
    });

    it('returns, synchronously, an answer returned by a function that declares the callback', () => {
      const fromCallbackSpy = jest.fn(fromCallback);
      const answer = callUserFunction(
        (_first: string, _callback: NodeCallback<number>) => 0,
        'o',
        undefined,
        isAnswer,
        fromCallbackSpy,
      );
      expect(answer).toBe(0);
      expect(fromCallbackSpy).not.toHaveBeenCalled();
    });

    it('awaits the callback when a function that declares it returns something else (a timer)', async () => {
      const answer = call((_first, callback) => setTimeout(() => callback(null, 3), 5));
      expect(answer).toBeInstanceOf(Promise);
      await expect(answer).resolves.toBe('callback:3');
    });

    it('prefers a callback called synchronously to what the function returns', () => {
      expect(
        call((_first, callback) => {
          callback(null, 1);
          return 2;
        }),
      ).toBe('callback:1');
    });

    it('passes the callback second and the third argument third', () => {
      const seen: unknown[] = [];
      const third = { request: 1 };
      const answer = call(
        (first, callback, thirdArg) => {
          seen.push(first, typeof callback, thirdArg);
          callback(null, 1);
        },
        'origin',
        third,
      );
      expect(answer).toBe('callback:1');
      expect(seen).toEqual(['origin', 'function', third]);
    });
  });

  describe('answers by promise', () => {
    it('returns the promise a one-parameter function returns, as it is', async () => {
      const promise = Promise.resolve(3);
      const answer = call((_first: string) => promise);
      expect(answer).toBe(promise);
      await expect(answer).resolves.toBe(3);
    });

    it('returns the promise of an async function', async () => {
      const answer = call(async (first: string) => first.length, 'abcd');
      expect(answer).toBeInstanceOf(Promise);
      await expect(answer).resolves.toBe(4);
    });

    it('lets a rejected promise reject', async () => {
      const error = new Error('rejected');
      await expect(call(() => Promise.reject(error))).rejects.toBe(error);
    });

    it('resolves to the answer of an async function that declares the callback', async () => {
      const answer = call(async (_first, _callback) => {
        await sleep(1);
        return 4;
      });
      expect(answer).toBeInstanceOf(Promise);
      await expect(answer).resolves.toBe(4);
    });

    it('rejects when an async function that declares the callback rejects', async () => {
      const error = new Error('async rejected');
      await expect(
        call(async (_first, _callback) => {
          await sleep(1);
          throw error;
        }),
      ).rejects.toBe(error);
    });

    it('awaits the callback of an async function that resolves to undefined', async () => {
      const answer = call(async (_first, callback) => {
        await sleep(1);
        setTimeout(() => callback(null, 5), 5);
      });
      expect(answer).toBeInstanceOf(Promise);
      await expect(answer).resolves.toBe('callback:5');
    });

    it('takes the callback answer of an async function that calls it before resolving', async () => {
      const answer = call(async (_first, callback) => {
        await sleep(1);
        callback(null, 6);
      });
      await expect(answer).resolves.toBe('callback:6');
    });

    it('keeps waiting while an async function that declares the callback has resolved to no answer', async () => {
      const answer = call(async (_first, _callback) => undefined) as Promise<unknown>;
      expect(await isPending(answer)).toBe(true);
    });
  });

  describe('answers through the callback', () => {
    it('stays synchronous when the callback is called before the function returns', () => {
      const answer = call((_first, callback) => callback(null, 5));
      expect(answer).not.toBeInstanceOf(Promise);
      expect(isThenable(answer)).toBe(false);
      expect(answer).toBe('callback:5');
    });

    it('gives fromCallback undefined when the callback is called with no value', () => {
      expect(call((_first, callback) => callback(null))).toBe('callback:undefined');
    });

    it('returns a promise when the callback is called later', async () => {
      const answer = call((_first, callback) => {
        setTimeout(() => callback(null, 6), 5);
      });
      expect(answer).toBeInstanceOf(Promise);
      await expect(answer).resolves.toBe('callback:6');
    });

    it('throws the error passed to the callback synchronously', () => {
      const error = new Error('sync callback error');
      expect(() => call((_first, callback) => callback(error))).toThrow(error);
    });

    it('lets a function that throws throw', () => {
      const error = new Error('thrown');
      expect(() =>
        call((_first, _callback) => {
          throw error;
        }),
      ).toThrow(error);
    });

    it('rejects with the error passed to the callback later', async () => {
      const error = new Error('async callback error');
      const answer = call((_first, callback) => {
        setTimeout(() => callback(error), 5);
      });
      expect(answer).toBeInstanceOf(Promise);
      await expect(answer).rejects.toBe(error);
    });

    it('keeps the first of two synchronous calls: a value then an error', () => {
      const answer = call((_first, callback) => {
        callback(null, 1);
        callback(new Error('second'));
        callback(null, 2);
      });
      expect(answer).toBe('callback:1');
    });

    it('keeps the first of two synchronous calls: an error then a value', () => {
      const error = new Error('first');
      expect(() =>
        call((_first, callback) => {
          callback(error);
          callback(null, 2);
        }),
      ).toThrow(error);
    });

    it('keeps the first of two later calls', async () => {
      const fromCallbackSpy = jest.fn(fromCallback);
      const answer = callUserFunction(
        (_first: string, callback: NodeCallback<number>) => {
          setTimeout(() => {
            callback(null, 1);
            callback(null, 2);
            callback(new Error('third'));
          }, 5);
        },
        'o',
        undefined,
        isAnswer,
        fromCallbackSpy,
      );
      await expect(answer).resolves.toBe('callback:1');
      // Give any later call a chance to land.
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(fromCallbackSpy).toHaveBeenCalledTimes(1);
      expect(fromCallbackSpy).toHaveBeenCalledWith(1);
    });

    it('keeps the first answer when a returned promise and the callback both answer', async () => {
      const byPromise = call(async (_first, callback) => {
        setTimeout(() => callback(null, 2), 5);
        await sleep(1);
        return 1;
      });
      await expect(byPromise).resolves.toBe(1);
      const byCallback = call(async (_first, callback) => {
        callback(null, 2);
        await sleep(1);
        return 1;
      });
      // Called before the first await: synchronous, like any callback called before returning.
      expect(byCallback).toBe('callback:2');
    });

    it('keeps the first of two later calls: an error then a value', async () => {
      const error = new Error('first');
      const answer = call((_first, callback) => {
        setTimeout(() => {
          callback(error);
          callback(null, 2);
        }, 5);
      });
      await expect(answer).rejects.toBe(error);
    });
  });

  describe('a function that declares fewer than two parameters', () => {
    it('is never waited for, even when it reaches the callback through arguments', async () => {
      const fromCallbackSpy = jest.fn(fromCallback);
      let reached: unknown;
      const fn = function (_first: string) {
        // eslint-disable-next-line prefer-rest-params
        reached = arguments[1];
        setTimeout(() => (reached as NodeCallback<number>)(null, 9), 1);
        return undefined;
      };
      expect(fn.length).toBe(1);
      const answer = callUserFunction(fn, 'o', undefined, isAnswer, fromCallbackSpy);
      expect(answer).toBeUndefined();
      expect(typeof reached).toBe('function');
      // Calling it directly does nothing and does not throw.
      expect(() => (reached as NodeCallback<number>)(null, 10)).not.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(fromCallbackSpy).not.toHaveBeenCalled();
    });

    it('with no parameters declared answers by an answer it returns, else through the callback, as a wrapper does', async () => {
      expect(call(() => 7)).toBe(7);
      const wrapper = (...args: unknown[]) => {
        const callback = args[1] as NodeCallback<number>;
        setTimeout(() => callback(null, 5), 1);
      };
      expect(wrapper.length).toBe(0);
      const answer = call(wrapper);
      expect(answer).toBeInstanceOf(Promise);
      await expect(answer).resolves.toBe('callback:5');
    });
  });
});

describe('withTimeout', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('rejects with the described message once the time has passed, not before', async () => {
    jest.useFakeTimers();
    const describeTimeout = jest.fn(() => 'no answer within 50 ms');
    let outcome: unknown = 'pending';
    const result = withTimeout(new Promise<number>(() => undefined), 50, describeTimeout).then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = error),
    );
    await jest.advanceTimersByTimeAsync(49);
    expect(outcome).toBe('pending');
    expect(describeTimeout).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    await result;
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toBe('no answer within 50 ms');
    expect(describeTimeout).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('gives the answer that comes first, and clears its timer', async () => {
    jest.useFakeTimers();
    const describeTimeout = jest.fn(() => 'timed out');
    const answer = new Promise<string>((resolve) => setTimeout(() => resolve('in time'), 10));
    const result = withTimeout(answer, 1000, describeTimeout);
    expect(jest.getTimerCount()).toBe(2);
    await jest.advanceTimersByTimeAsync(10);
    await expect(result).resolves.toBe('in time');
    expect(jest.getTimerCount()).toBe(0);
    expect(describeTimeout).not.toHaveBeenCalled();
  });

  it('passes on a rejection that comes first, and clears its timer', async () => {
    jest.useFakeTimers();
    const error = new Error('answer failed');
    const result = withTimeout(Promise.reject(error), 1000, () => 'timed out');
    await expect(result).rejects.toBe(error);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('accepts any thenable', async () => {
    const thenable: PromiseLike<number> = {
      then: (onFulfilled) => Promise.resolve(onFulfilled!(8)),
    };
    await expect(withTimeout(thenable, 1000, () => 'timed out')).resolves.toBe(8);
  });

  it('does not let its timer keep the process alive', async () => {
    const spy = jest.spyOn(globalThis, 'setTimeout');
    let resolve!: (value: number) => void;
    const result = withTimeout(
      new Promise<number>((res) => (resolve = res)),
      60_000,
      () => 'timed out',
    );
    expect(spy).toHaveBeenCalledTimes(1);
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    resolve(1);
    await expect(result).resolves.toBe(1);
  });

  it('with real timers: rejects after a short time', async () => {
    const started = Date.now();
    await expect(
      withTimeout(new Promise(() => undefined), 20, () => 'gave up after 20 ms'),
    ).rejects.toThrow('gave up after 20 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });
});

describe('isThenable', () => {
  it.each([
    ['a promise', Promise.resolve(1), true],
    ['an object with then', { then: () => undefined }, true],
    ['a function with then', Object.assign(() => undefined, { then: () => undefined }), true],
    ['null', null, false],
    ['undefined', undefined, false],
    ['a boolean', true, false],
    ['a string', 'then', false],
    ['an object without then', {}, false],
    ['an object whose then is not a function', { then: 1 }, false],
  ])('%s → %s', (_what, value, expected) => {
    expect(isThenable(value)).toBe(expected);
  });
});
