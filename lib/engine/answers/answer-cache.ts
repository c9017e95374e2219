import type { MaybePromise } from './maybe-promise.js';

/** How long answers are kept and how many, for {@link AnswerCache}. */
export interface AnswerCacheSettings {
  /** Milliseconds an answer is served from the cache. */
  readonly ttl: number;
  /** Answers kept at most; the oldest goes first. */
  readonly max: number;
}

interface CachedAnswer<V> {
  readonly value: V;
  readonly expires: number;
}

/**
 * Answers of a slow lookup (a database, a remote service) by key, kept for `ttl` milliseconds, with
 * one lookup in flight per key: a burst of requests for a key that is not cached yet waits for one
 * lookup instead of starting one each. A failed lookup is not kept, so the next request asks again.
 *
 * Bounded twice: at most `max` answers are kept (the oldest stored is dropped first), and the
 * lookups in flight are as many as the distinct keys of the requests waiting, each bounded by the
 * caller's timeout.
 */
export class AnswerCache<V> {
  private readonly answers = new Map<string, CachedAnswer<V>>();
  private readonly inFlight = new Map<string, Promise<V>>();

  constructor(
    private readonly settings: AnswerCacheSettings,
    // Monotonic: a wall clock set back must not keep answers longer.
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * The kept answer for `key`, else the lookup in flight for it, else a new `lookup()`. Synchronous
   * when the answer is kept or the lookup answers synchronously.
   *
   * @throws whatever `lookup` throws; a rejected lookup rejects every request that waited for it.
   */
  get(key: string, lookup: () => MaybePromise<V>): MaybePromise<V> {
    const kept = this.answers.get(key);
    if (kept !== undefined) {
      if (kept.expires > this.now()) return kept.value;
      this.answers.delete(key);
    }
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const answer = lookup();
    if (!(answer instanceof Promise)) {
      this.keep(key, answer);
      return answer;
    }
    const shared = answer
      .then((value) => {
        this.keep(key, value);
        return value;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, shared);
    return shared;
  }

  private keep(key: string, value: V): void {
    if (this.answers.size >= this.settings.max) {
      const oldest = this.answers.keys().next();
      if (oldest.done !== true) this.answers.delete(oldest.value);
    }
    this.answers.set(key, { value, expires: this.now() + this.settings.ttl });
  }
}
