/** Answers of a slow lookup kept by key: `lru-cache` under the engine's synchronous contract. */
import { LRUCache } from 'lru-cache';
import type { MaybePromise } from './maybe-promise.js';

/** How long answers are kept and how many, for {@link AnswerCache}. */
export interface AnswerCacheSettings {
  /** Milliseconds an answer is served from the cache. */
  readonly ttl: number;
  /** Answers kept at most; the least recently used goes first. */
  readonly max: number;
  /**
   * Milliseconds past `ttl` during which the last good answer is served when asking again fails
   * (throws, rejects, times out), as HTTP's `stale-if-error`; each request asks again meanwhile.
   * 0 (the default): a failed lookup fails the request. At most a day.
   */
  readonly staleIfError?: number;
}

/** Called with the error of a failed lookup that the last good answer was served for. */
export type StaleServed = (error: unknown) => void;

/** An answer in a box, so that `undefined` is kept too (lru-cache reads it as "absent"). */
interface Kept<V> {
  readonly value: V;
  /** When it arrived, on the cache's clock: it is served while younger than `ttl`. */
  readonly arrived: number;
}

/** What `fetch` hands the fetch method: the lookup, already started, and whom to tell. */
interface Refresh<V> {
  readonly answer: Promise<V>;
  readonly onStaleServed: StaleServed | undefined;
}

/** Every answer counts 1 towards `maxSize`, which is `max`. */
const ONE = (): number => 1;

/**
 * Answers of a slow lookup (a database, a remote service) by key, kept for `ttl` milliseconds, with
 * one lookup in flight per key: a burst of requests for a key that is not cached yet waits for one
 * lookup instead of starting one each. A failed lookup is not kept, so the next request asks again;
 * with `staleIfError`, it is answered with the last good answer while that is recent enough.
 *
 * Bounded twice: at most `max` answers are kept (the least recently used is dropped first), and
 * the lookups in flight are as many as the distinct keys of the requests waiting, each bounded by
 * the caller's timeout.
 *
 * `lru-cache` keeps the answers in LRU order and shares the lookups in flight (`fetch`); how old
 * an answer may be is decided here, from when it arrived, so lru-cache is given no `ttl`. An
 * answer too old to serve stays kept until it is asked for again or evicted (for a failed refresh
 * to fall back on): the `max` bound holds either way. Its `fetch` always answers with a promise, a
 * hit included, so kept answers are read with `get` and a synchronous lookup's answer is kept with
 * `set`: a kept answer, or one looked up synchronously, costs no promise.
 */
export class AnswerCache<V> {
  /** Whether a failed lookup may be answered with the last good answer (`staleIfError` > 0). */
  readonly servesStale: boolean;
  private readonly answers: LRUCache<string, Kept<V>, Refresh<V> | undefined>;
  /** The last lookup's state, read on a miss only (one object, reused). */
  private readonly probe: LRUCache.Status<string, Kept<V>, Refresh<V> | undefined> = {};
  /** Milliseconds after its arrival that an answer is served. */
  private readonly ttl: number;
  /** Milliseconds after its arrival that an answer is no longer served, even on a failure. */
  private readonly servedFor: number;

  constructor(
    settings: AnswerCacheSettings,
    // Monotonic: a wall clock set back must not keep answers longer.
    private readonly now: () => number = () => performance.now(),
  ) {
    const staleIfError = settings.staleIfError ?? 0;
    this.servesStale = staleIfError > 0;
    this.ttl = settings.ttl;
    this.servedFor = settings.ttl + staleIfError;
    this.answers = new LRUCache<string, Kept<V>, Refresh<V> | undefined>({
      // Bounded by maxSize rather than max: lru-cache allocates its index arrays for all `max`
      // entries up front (about 40 MB at a million), but grows them with the entries under maxSize.
      maxSize: settings.max,
      sizeCalculation: ONE,
      // A lookup in flight whose key is evicted still answers the requests that wait for it.
      ignoreFetchAbort: true,
      // Called only by miss() with a lookup: a fetch without one joins the lookup in flight.
      fetchMethod: (_key, stale, { context }) =>
        (context as Refresh<V>).answer.then(
          (value) => ({ value, arrived: this.now() }),
          (error: unknown) => {
            // Too old, or nothing before it: the failure is the answer, and nothing stays kept.
            if (!this.isServable(stale)) throw error;
            (context as Refresh<V>).onStaleServed?.(error);
            // Kept again as it was, still too old: the next request asks again.
            return stale;
          },
        ),
    });
  }

  /**
   * The kept answer for `key` if younger than `ttl`, else the lookup in flight for it, else a new
   * `lookup()`. Synchronous when the answer is kept or the lookup answers synchronously.
   *
   * @param onStaleServed told of a failure that the last good answer was served for.
   * @throws whatever `lookup` throws; a rejected lookup rejects every request that waited for it.
   */
  get(key: string, lookup: () => MaybePromise<V>, onStaleServed?: StaleServed): MaybePromise<V> {
    const kept = this.answers.get(key);
    if (kept !== undefined && this.now() - kept.arrived < this.ttl) return kept.value;
    return this.miss(key, lookup, onStaleServed);
  }

  private miss(
    key: string,
    lookup: () => MaybePromise<V>,
    onStaleServed: StaleServed | undefined,
  ): MaybePromise<V> {
    const probe = this.probe;
    probe.get = undefined;
    this.answers.get(key, { status: probe });
    if (probe.get === 'fetching') return this.fetched(this.answers.fetch(key));
    let answer: MaybePromise<V>;
    try {
      answer = lookup();
    } catch (error) {
      return this.lastGood(key, error, onStaleServed);
    }
    if (answer instanceof Promise)
      return this.fetched(
        // forceRefresh: lru-cache, which knows no ttl, would answer with the kept answer.
        this.answers.fetch(key, { forceRefresh: true, context: { answer, onStaleServed } }),
      );
    this.answers.set(key, { value: answer, arrived: this.now() });
    return answer;
  }

  /** The answer a fetch settled with, out of its box. */
  private fetched(answer: Promise<Kept<V> | undefined>): Promise<V> {
    // With ignoreFetchAbort and a fetch method that always answers or throws, never undefined.
    return answer.then((kept) => (kept as Kept<V>).value);
  }

  /** A synchronous lookup threw: the last good answer if it may still be served, else the error. */
  private lastGood(key: string, error: unknown, onStaleServed: StaleServed | undefined): V {
    const stale = this.answers.peek(key);
    if (!this.isServable(stale)) {
      this.answers.delete(key);
      throw error;
    }
    onStaleServed?.(error);
    return stale.value;
  }

  private isServable(stale: Kept<V> | undefined): stale is Kept<V> {
    return this.servesStale && stale !== undefined && this.now() - stale.arrived < this.servedFor;
  }
}
