/**
 * The log of trial differences, rate-limited: a line per (route, origin, difference) at most once
 * an interval, and at most a fixed number of lines an interval in all, whatever the traffic
 * (origins are chosen by clients, so every request of an attack could be a new key).
 */
import { LRUCache } from 'lru-cache';

/** How often one key is logged at most, in milliseconds. */
export const TRIAL_LOG_INTERVAL = 60_000;
/** Lines logged at most per interval, over every key; the rest are counted in one line. */
export const TRIAL_LOG_LINES = 100;
/** Keys remembered at most: beyond them the least recent is forgotten (and may log again). */
const KEYS_REMEMBERED = 1_000;

/**
 * Logs a message per key at most once every {@link TRIAL_LOG_INTERVAL}, and {@link
 * TRIAL_LOG_LINES} messages an interval at most; the lines it held back are counted, and the
 * count logged when the next interval opens.
 */
export class TrialLog {
  private readonly logged: LRUCache<string, true>;
  private windowStart = -Infinity;
  private linesInWindow = 0;
  private heldBack = 0;

  constructor(
    private readonly write: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.logged = new LRUCache<string, true>({
      max: KEYS_REMEMBERED,
      ttl: TRIAL_LOG_INTERVAL,
      ttlAutopurge: false,
      // Read the clock at each check: the log is written on trial differences alone, never hot.
      ttlResolution: 0,
      perf: { now },
    });
  }

  /** Logs `message()` unless `key` was logged within the interval or the interval's lines are spent. */
  record(key: string, message: () => string): void {
    if (this.logged.has(key)) return;
    const now = this.now();
    if (now - this.windowStart >= TRIAL_LOG_INTERVAL) {
      if (this.heldBack > 0) {
        this.write(
          `${this.heldBack} more trial differences were not logged in the last ${TRIAL_LOG_INTERVAL / 1000} s (at most ${TRIAL_LOG_LINES} lines a minute); CorsEvents and the report count them all.`,
        );
      }
      this.windowStart = now;
      this.linesInWindow = 0;
      this.heldBack = 0;
    }
    if (this.linesInWindow >= TRIAL_LOG_LINES) {
      this.heldBack++;
      return;
    }
    this.linesInWindow++;
    this.logged.set(key, true);
    this.write(message());
  }
}
