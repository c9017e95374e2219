import { AnswerCache } from '../../../lib/engine/answers/answer-cache';

/** A clock the test moves by hand. */
function manualClock(start = 1_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}

/** A promise with its resolve and reject, for lookups the test settles by hand. */
function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** An answer that must be a promise, typed as one. */
function promised<T>(answer: T | Promise<T>): Promise<T> {
  expect(answer).toBeInstanceOf(Promise);
  return answer as Promise<T>;
}

describe('AnswerCache', () => {
  describe('ttl', () => {
    it('serves a kept answer within ttl without calling the lookup again', () => {
      const clock = manualClock();
      const cache = new AnswerCache<string>({ ttl: 100, max: 10 }, clock.now);
      let calls = 0;
      const lookup = () => `answer ${++calls}`;
      expect(cache.get('k', lookup)).toBe('answer 1');
      clock.advance(99);
      expect(cache.get('k', lookup)).toBe('answer 1');
      expect(calls).toBe(1);
    });

    it('asks again once ttl has passed', () => {
      const clock = manualClock();
      const cache = new AnswerCache<string>({ ttl: 100, max: 10 }, clock.now);
      let calls = 0;
      const lookup = () => `answer ${++calls}`;
      expect(cache.get('k', lookup)).toBe('answer 1');
      clock.advance(100);
      expect(cache.get('k', lookup)).toBe('answer 2');
      expect(calls).toBe(2);
      // The fresh answer is kept for a new ttl, counted from when it was stored.
      clock.advance(99);
      expect(cache.get('k', lookup)).toBe('answer 2');
      expect(calls).toBe(2);
    });

    it('counts ttl from when an asynchronous answer arrived, not from when it was asked', async () => {
      const clock = manualClock();
      const cache = new AnswerCache<string>({ ttl: 100, max: 10 }, clock.now);
      const pending = deferred<string>();
      const first = cache.get('k', () => pending.promise);
      clock.advance(500);
      pending.resolve('late');
      await expect(first).resolves.toBe('late');
      clock.advance(99);
      const lookup = jest.fn(() => 'again');
      expect(cache.get('k', lookup)).toBe('late');
      expect(lookup).not.toHaveBeenCalled();
    });
  });

  describe('max', () => {
    it('drops the oldest answer when full', () => {
      const cache = new AnswerCache<string>({ ttl: 60_000, max: 2 }, manualClock().now);
      const calls: string[] = [];
      const lookup = (key: string) => () => {
        calls.push(key);
        return key.toUpperCase();
      };
      expect(cache.get('a', lookup('a'))).toBe('A');
      expect(cache.get('b', lookup('b'))).toBe('B');
      expect(cache.get('c', lookup('c'))).toBe('C'); // evicts a
      expect(calls).toEqual(['a', 'b', 'c']);
      // b and c are still kept.
      expect(cache.get('b', lookup('b'))).toBe('B');
      expect(cache.get('c', lookup('c'))).toBe('C');
      expect(calls).toEqual(['a', 'b', 'c']);
      // a was dropped: asked again.
      expect(cache.get('a', lookup('a'))).toBe('A');
      expect(calls).toEqual(['a', 'b', 'c', 'a']);
    });

    it('never keeps more than max answers', () => {
      const cache = new AnswerCache<number>({ ttl: 60_000, max: 3 }, manualClock().now);
      for (let i = 0; i < 10; i++) expect(cache.get(`k${i}`, () => i)).toBe(i);
      const lookup = jest.fn(() => -1);
      // Only the three newest are kept.
      expect(cache.get('k9', lookup)).toBe(9);
      expect(cache.get('k8', lookup)).toBe(8);
      expect(cache.get('k7', lookup)).toBe(7);
      expect(lookup).not.toHaveBeenCalled();
      expect(cache.get('k6', lookup)).toBe(-1);
      expect(lookup).toHaveBeenCalledTimes(1);
    });
  });

  describe('one lookup in flight per key', () => {
    it('shares one lookup among concurrent gets for a key', async () => {
      const cache = new AnswerCache<string>({ ttl: 60_000, max: 10 }, manualClock().now);
      let calls = 0;
      const pending = deferred<string>();
      const lookup = () => {
        calls++;
        return pending.promise;
      };
      const gets = Array.from({ length: 20 }, () => promised(cache.get('k', lookup)));
      expect(calls).toBe(1);
      pending.resolve('shared');
      await expect(Promise.all(gets)).resolves.toEqual(Array(20).fill('shared'));
      expect(calls).toBe(1);
      // Kept afterwards, and served synchronously.
      expect(cache.get('k', lookup)).toBe('shared');
      expect(calls).toBe(1);
    });

    it('shares one lookup with real timers too', async () => {
      const cache = new AnswerCache<number>({ ttl: 60_000, max: 10 });
      let calls = 0;
      const lookup = () =>
        new Promise<number>((resolve) => {
          calls++;
          setTimeout(() => resolve(42), 10);
        });
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => promised(cache.get('k', lookup))),
      );
      expect(answers).toEqual(Array(10).fill(42));
      expect(calls).toBe(1);
    });

    it('starts a separate lookup for each distinct key', async () => {
      const cache = new AnswerCache<string>({ ttl: 60_000, max: 10 }, manualClock().now);
      const calls: string[] = [];
      const lookup = (key: string) => async () => {
        calls.push(key);
        return `value of ${key}`;
      };
      const results = await Promise.all([
        promised(cache.get('a', lookup('a'))),
        promised(cache.get('b', lookup('b'))),
        promised(cache.get('a', lookup('a'))),
        promised(cache.get('b', lookup('b'))),
      ]);
      expect(results).toEqual(['value of a', 'value of b', 'value of a', 'value of b']);
      expect(calls).toEqual(['a', 'b']);
    });
  });

  describe('failures', () => {
    it('rejects every waiter of a rejected lookup, keeps nothing, and asks again next time', async () => {
      const cache = new AnswerCache<string>({ ttl: 60_000, max: 10 }, manualClock().now);
      let calls = 0;
      const failing = deferred<string>();
      const lookup = () => {
        calls++;
        return failing.promise;
      };
      const waiters = Array.from({ length: 5 }, () => promised(cache.get('k', lookup)));
      expect(calls).toBe(1);
      const error = new Error('lookup failed');
      failing.reject(error);
      const settled = await Promise.allSettled(waiters);
      expect(settled).toEqual(Array(5).fill({ status: 'rejected', reason: error }));

      const next = jest.fn(async () => 'recovered');
      await expect(cache.get('k', next)).resolves.toBe('recovered');
      expect(next).toHaveBeenCalledTimes(1);
      // The successful answer is kept.
      expect(cache.get('k', next)).toBe('recovered');
      expect(next).toHaveBeenCalledTimes(1);
    });

    it('keeps a synchronous answer, and returns it synchronously', () => {
      const cache = new AnswerCache<boolean>({ ttl: 60_000, max: 10 }, manualClock().now);
      const lookup = jest.fn(() => false);
      const first = cache.get('k', lookup);
      expect(first).toBe(false);
      expect(first).not.toBeInstanceOf(Promise);
      expect(cache.get('k', lookup)).toBe(false);
      expect(lookup).toHaveBeenCalledTimes(1);
    });

    it('lets a throwing lookup throw, keeps nothing, and asks again next time', () => {
      const cache = new AnswerCache<string>({ ttl: 60_000, max: 10 }, manualClock().now);
      const error = new Error('sync failure');
      expect(() =>
        cache.get('k', () => {
          throw error;
        }),
      ).toThrow(error);
      const next = jest.fn(() => 'fine');
      expect(cache.get('k', next)).toBe('fine');
      expect(next).toHaveBeenCalledTimes(1);
    });
  });
});
