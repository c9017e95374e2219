/**
 * The origins seen most, in bounded memory whatever the traffic (origins are chosen by clients):
 * what the refusal and trial counts keep per route.
 */

/** Origins kept per counter: the heavy hitters, approximately (see {@link TopOrigins}). */
export const TOP_ORIGINS = 10;
/**
 * Longest origin kept as it is; a longer one (a valid origin has at most 261 characters, and no
 * page is served from one that long) is cut, so that a key stays small.
 */
export const MAX_ORIGIN_KEY = 256;

/**
 * The `k` keys seen most, by the Space-Saving algorithm (Metwally, Agrawal and El Abbadi, 2005):
 * `k` counters; a key not counted takes the smallest counter over and adds one to it. Every key
 * seen more than `total / k` times is kept, and a kept count is never below the truth (it is at
 * most the smallest counter above it). Memory: `k` entries, whatever comes. Keys are origins, cut
 * at 256 characters, or whatever the caller builds from one.
 */
export class TopOrigins {
  private readonly counts = new Map<string, number>();

  /** @param longestKey where a longer key is cut: an origin's bound, or more for a key built on one. */
  constructor(private readonly longestKey: number = MAX_ORIGIN_KEY) {}

  add(origin: string): void {
    const key = origin.length > this.longestKey ? origin.slice(0, this.longestKey) : origin;
    const current = this.counts.get(key);
    if (current !== undefined) {
      this.counts.set(key, current + 1);
      return;
    }
    if (this.counts.size < TOP_ORIGINS) {
      this.counts.set(key, 1);
      return;
    }
    let smallest: string | undefined;
    let smallestCount = Infinity;
    for (const [origin, count] of this.counts) {
      if (count < smallestCount) {
        smallest = origin;
        smallestCount = count;
      }
    }
    this.counts.delete(smallest!);
    this.counts.set(key, smallestCount + 1);
  }

  /** The keys with their counts, most first (ties by key). */
  list(): { readonly key: string; readonly count: number }[] {
    return [...this.counts]
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  }

  get size(): number {
    return this.counts.size;
  }
}
