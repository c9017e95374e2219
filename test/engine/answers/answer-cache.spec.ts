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

    it("expires an answer stored at the clock's 0 too (fake timers start there)", () => {
      const clock = manualClock(0);
      const cache = new AnswerCache<string>({ ttl: 100, max: 10 }, clock.now);
      let calls = 0;
      const lookup = () => `answer ${++calls}`;
      expect(cache.get('k', lookup)).toBe('answer 1');
      clock.advance(100);
      expect(cache.get('k', lookup)).toBe('answer 2');
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
    it('drops the least recently used answer when full (here the oldest: none was read again)', () => {
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

    it('drops the least recently used answer, not the oldest stored: a read keeps an answer', () => {
      const cache = new AnswerCache<string>({ ttl: 60_000, max: 2 }, manualClock().now);
      const calls: string[] = [];
      const lookup = (key: string) => () => {
        calls.push(key);
        return key.toUpperCase();
      };
      expect(cache.get('a', lookup('a'))).toBe('A');
      expect(cache.get('b', lookup('b'))).toBe('B');
      // a is read again: b is now the least recently used.
      expect(cache.get('a', lookup('a'))).toBe('A');
      expect(cache.get('c', lookup('c'))).toBe('C'); // evicts b, not a
      expect(calls).toEqual(['a', 'b', 'c']);
      expect(cache.get('a', lookup('a'))).toBe('A');
      expect(cache.get('c', lookup('c'))).toBe('C');
      expect(calls).toEqual(['a', 'b', 'c']);
      expect(cache.get('b', lookup('b'))).toBe('B');
      expect(calls).toEqual(['a', 'b', 'c', 'b']);
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

    it('allocates nothing in proportion to max up front: memory grows with the answers kept', () => {
      // Every predicateCache and per-request cache is one AnswerCache, up to a million entries
      // each. Constructing one allocates no garbage to speak of, and a GC in between only lowers
      // the reading, so the bound cannot fail spuriously; caches that preallocate for max use
      // about 40 MB each.
      const used = () => {
        const memory = process.memoryUsage();
        return memory.heapUsed + memory.arrayBuffers;
      };
      const before = used();
      const caches = Array.from(
        { length: 3 },
        () => new AnswerCache<boolean>({ ttl: 1_000, max: 1_000_000, staleIfError: 1_000 }),
      );
      expect(used() - before).toBeLessThan(4 * 1024 * 1024);
      // Still usable, and bounded as asked.
      expect(caches.map((cache) => cache.get('k', () => true))).toEqual([true, true, true]);
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

  describe('a lookup in flight whose key is evicted', () => {
    it('still answers the requests that wait for it, and asks again afterwards', async () => {
      const cache = new AnswerCache<string>({ ttl: 60_000, max: 1 }, manualClock().now);
      const pending = deferred<string>();
      const waiting = [promised(cache.get('a', () => pending.promise))];
      // A flood of other keys (an attacker's origins) pushes a out while its lookup runs.
      for (let i = 0; i < 5; i++) expect(cache.get(`other${i}`, () => 'x')).toBe('x');
      pending.resolve('A');
      await expect(Promise.all(waiting)).resolves.toEqual(['A']);
      // Not kept: it was evicted; the next request asks again.
      const again = jest.fn(() => 'A again');
      expect(cache.get('a', again)).toBe('A again');
      expect(again).toHaveBeenCalledTimes(1);
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

  describe('staleIfError: the last good answer while asking again fails', () => {
    /** A cache with ttl 100 and staleIfError 1000 holding 'good' for k, stored at the clock's start. */
    function withGoodAnswer(staleIfError = 1_000) {
      const clock = manualClock();
      const cache = new AnswerCache<string>({ ttl: 100, max: 10, staleIfError }, clock.now);
      expect(cache.get('k', () => 'good')).toBe('good');
      const served = jest.fn();
      return { clock, cache, served };
    }

    it('serves it for a rejected refresh, to every waiter, tells of the failure, and asks again next time', async () => {
      const { clock, cache, served } = withGoodAnswer();
      clock.advance(500);
      const failing = deferred<string>();
      const lookup = jest.fn(() => failing.promise);
      const waiters = Array.from({ length: 3 }, () => promised(cache.get('k', lookup, served)));
      // One refresh in flight, shared.
      expect(lookup).toHaveBeenCalledTimes(1);
      const error = new Error('tenant database down');
      failing.reject(error);
      await expect(Promise.all(waiters)).resolves.toEqual(['good', 'good', 'good']);
      expect(served).toHaveBeenCalledTimes(1);
      expect(served).toHaveBeenCalledWith(error);
      // Still expired: the next request asks again, and a good answer is kept anew.
      const recovered = jest.fn(async () => 'fresh');
      await expect(cache.get('k', recovered)).resolves.toBe('fresh');
      expect(cache.get('k', recovered)).toBe('fresh');
      expect(recovered).toHaveBeenCalledTimes(1);
    });

    it('serves it synchronously for a lookup that throws', () => {
      const { clock, cache, served } = withGoodAnswer();
      clock.advance(500);
      const error = new Error('sync failure');
      const answer = cache.get(
        'k',
        () => {
          throw error;
        },
        served,
      );
      expect(answer).toBe('good');
      expect(served).toHaveBeenCalledWith(error);
    });

    it('refuses it once ttl + staleIfError have passed since it arrived', async () => {
      const { clock, cache, served } = withGoodAnswer();
      const error = new Error('still down');
      // 1099 ms after it arrived: still served.
      clock.advance(1_099);
      await expect(cache.get('k', () => Promise.reject(error), served)).resolves.toBe('good');
      // 1100 ms: too old, the failure is the answer.
      clock.advance(1);
      await expect(cache.get('k', () => Promise.reject(error), served)).rejects.toBe(error);
      expect(() =>
        cache.get(
          'k',
          () => {
            throw error;
          },
          served,
        ),
      ).toThrow(error);
      expect(served).toHaveBeenCalledTimes(1);
    });

    it('judges the age when the refresh fails, not when it started', async () => {
      const { clock, cache, served } = withGoodAnswer();
      clock.advance(1_000);
      const failing = deferred<string>();
      const answer = promised(cache.get('k', () => failing.promise, served));
      // The lookup outlives the bound (a slow timeout), then fails.
      clock.advance(200);
      failing.reject(new Error('timeout'));
      await expect(answer).rejects.toThrow('timeout');
      expect(served).not.toHaveBeenCalled();
    });

    it('is off by default: a failed refresh fails, and nothing stale is kept', async () => {
      const clock = manualClock();
      const cache = new AnswerCache<string>({ ttl: 100, max: 10 }, clock.now);
      const served = jest.fn();
      expect(cache.get('k', () => 'good')).toBe('good');
      clock.advance(150);
      const error = new Error('down');
      await expect(cache.get('k', () => Promise.reject(error), served)).rejects.toBe(error);
      expect(() =>
        cache.get(
          'k',
          () => {
            throw error;
          },
          served,
        ),
      ).toThrow(error);
      expect(served).not.toHaveBeenCalled();
    });

    it('never stands in for a key that had no answer', async () => {
      const { cache, served } = withGoodAnswer();
      const error = new Error('down');
      await expect(cache.get('other', () => Promise.reject(error), served)).rejects.toBe(error);
      expect(served).not.toHaveBeenCalled();
    });

    it('does not serve a stale answer while asking again succeeds: requests wait for the fresh one', async () => {
      const { clock, cache } = withGoodAnswer();
      clock.advance(150);
      const pending = deferred<string>();
      const answer = promised(cache.get('k', () => pending.promise));
      pending.resolve('fresh');
      await expect(answer).resolves.toBe('fresh');
    });
  });
});
