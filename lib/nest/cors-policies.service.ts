/** `CorsPolicies`: read, replace and watch the policies in force at run time. */
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { CORS_LOGGER_CONTEXT } from './logger-context.js';
import type { CorsPolicyConfiguration } from '../policy/cors-module-options.js';
import { ProblemList, TimeoutError } from '../engine/index.js';
import type { CorsPolicyRegistry } from '../policy/cors-policy-registry.js';
import { readsAsThenable } from '../policy/plain-configuration.js';
import type { CorsTrialCounts } from '../policy/trial-recorder.js';
import { attachedRegistry, registryOf } from './attached-registry.js';

/** How {@link CorsPolicies.watch} re-reads the policies. */
export interface CorsPoliciesWatchOptions {
  /** Milliseconds between two reads, 1000 to 86400000. */
  readonly interval: number;
  /**
   * Milliseconds a read may take, 100 to `interval`: a read that has not settled by then is logged
   * as failed and dropped (its answer, should it come later, is never applied), and the next read
   * starts on schedule. Default: the smaller of `interval` and 10000.
   */
  readonly timeout?: number;
}

/** How long a read may take when `watch()` is not told: long for a database, short for a revocation. */
const DEFAULT_READ_TIMEOUT = 10_000;
const MIN_READ_TIMEOUT = 100;

/**
 * The application's CORS policies at run time: read them, replace them, or have them re-read from
 * where the application keeps them (a database, Redis, a config service). A replacement is checked
 * first, then takes effect for every route at once, preflights included, from the next request on;
 * an invalid one is refused and the policies in force stay. Injectable anywhere once `CorsModule`
 * is imported.
 *
 * Several instances of an application each hold their own policies: give them one source with
 * {@link CorsPolicies.watch}, and each converges on it within an interval.
 *
 * @example
 * ```ts
 * @Controller('admin/cors')
 * export class CorsAdminController {
 *   constructor(private readonly policies: CorsPolicies) {}
 *
 *   @Post('origins')
 *   addOrigin(@Body('origin') origin: string) {
 *     const current = this.policies.current();
 *     const origins = Array.isArray(current.origin) ? current.origin : [];
 *     this.policies.replace({ ...current, origin: [...origins, origin] });
 *   }
 * }
 * ```
 */
@Injectable()
export class CorsPolicies implements OnApplicationShutdown {
  private readonly logger = new Logger(CORS_LOGGER_CONTEXT);
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Counts watch() and stop() calls: a read started under an older count is stale. */
  private watching = 0;

  /** The configuration in force: the default policy's fields (or `defaultPolicy`) and `policies`. */
  current(): CorsPolicyConfiguration {
    return this.ready().configuration;
  }

  /**
   * Makes `configuration` the policies of every route, from the next request on. It replaces the
   * default and every named policy; `@Cors()` metadata stays and applies over the new ones.
   *
   * @throws CorsConfigurationError when the configuration is invalid or lacks a named policy that a
   *   `@Cors('name')` uses; the policies in force then stay.
   */
  replace(configuration: CorsPolicyConfiguration): void {
    this.ready().replace(configuration);
  }

  /**
   * Since start, the requests that a policy's `trial` would have answered differently, per route:
   * in all, per kind of difference, and the (origin, difference) pairs seen most. Bounded whatever
   * the traffic: 10,000 routes, 10 origins each (the heavy hitters, approximately). Counts survive
   * `replace()`: a route's count is of every trial it had.
   */
  trialCounts(): CorsTrialCounts {
    return this.ready().trials.counts();
  }

  /** What a `watch()` read gave, checked and applied as {@link CorsPolicies.replace} does. */
  private replaceFromWatch(configuration: CorsPolicyConfiguration): void {
    this.ready().replace(configuration, WATCH_PLACE, 'watch');
  }

  /**
   * Reads the policies with `load` now and then every `interval` milliseconds, replacing them when
   * a read succeeds. A read that fails, gives an invalid configuration (anything but a plain
   * object included), or does not settle within `timeout`, is logged and the policies in force
   * stay. One read at a time: the next starts on schedule, and a read that timed out is dropped,
   * so that its late answer never undoes a newer one. Stops on application shutdown, or with
   * {@link CorsPolicies.stop}.
   *
   * @returns a promise of the first read's outcome, rejected if it failed or timed out (the reads
   *   go on).
   * @throws CorsConfigurationError when `load` is not a function or an option is out of range.
   *
   * @example
   * ```ts
   * await policies.watch(() => settings.read('cors'), { interval: 30_000, timeout: 5_000 });
   * ```
   */
  watch(
    load: () => Promise<CorsPolicyConfiguration> | CorsPolicyConfiguration,
    options: CorsPoliciesWatchOptions,
  ): Promise<void> {
    const { interval, timeout } = checkWatchArguments(load, options);
    this.stop();
    const watching = this.watching;
    /** The read in flight, if any: only its answer may be applied. */
    let current: { readonly drop: () => void } | undefined;
    const read = (): Promise<void> => {
      let drop!: () => void;
      const dropped = new Promise<never>((_resolve, reject) => {
        drop = () => reject(timedOut(timeout));
      });
      const attempt = { drop };
      current = attempt;
      const deadline = setTimeout(drop, timeout);
      deadline.unref?.();
      // Boxed, so that a value whose `then` cannot even be read reaches replace(), which names it.
      const answer = new Promise<{ readonly value: unknown }>((settle) => {
        const value: unknown = load();
        settle(
          readsAsThenable(value)
            ? new Promise<unknown>((resolve, reject) => {
                (value as PromiseLike<unknown>).then(resolve, reject);
              }).then((settled) => ({ value: settled }))
            : { value },
        );
      });
      return Promise.race([answer, dropped])
        .then(({ value }) => {
          // A read that outlived stop(), or a newer watch(), must not undo what came after it.
          if (current === attempt && watching === this.watching)
            this.replaceFromWatch(value as CorsPolicyConfiguration);
        })
        .finally(() => {
          clearTimeout(deadline);
          if (current === attempt) current = undefined;
        });
    };
    this.timer = setInterval(() => {
      // timeout <= interval, so a read still in flight has used all its time: its answer, once
      // dropped, is never applied, however late it comes.
      current?.drop();
      read().catch((error: unknown) => this.reportFailedRead(error));
    }, interval);
    // Watching alone must not keep a process alive that has nothing else to do.
    this.timer.unref?.();
    return read().catch((error: unknown) => {
      this.reportFailedRead(error);
      throw error;
    });
  }

  /** Stops {@link CorsPolicies.watch}. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.watching++;
  }

  /** Stops {@link CorsPolicies.watch} when the application shuts down (Nest calls it). */
  onApplicationShutdown(): void {
    this.stop();
  }

  private reportFailedRead(error: unknown): void {
    const events = attachedRegistry(this)?.events;
    if (events?.listening === true) {
      events.emit({ kind: 'watch-read-failed', timedOut: error instanceof TimeoutError, error });
    }
    this.logger.error(
      'Reading the CORS policies failed; the policies in force stay.',
      error instanceof Error ? error.stack : String(error),
    );
  }

  private ready(): CorsPolicyRegistry {
    return registryOf(this);
  }
}

/** Where a configuration read by `watch()` is named in errors. */
const WATCH_PLACE = 'CorsPolicies.watch() read';

/** The options of `watch()`, checked, with the default timeout filled in. */
function checkWatchArguments(
  load: unknown,
  options: unknown,
): { interval: number; timeout: number } {
  const problems = new ProblemList();
  if (typeof load !== 'function') {
    problems.add(
      'module-options-invalid',
      'load',
      load,
      'is not a function',
      'give a function that returns the configuration or a promise of it: watch(() => settings.read("cors"), { interval: 30_000 })',
    );
  }
  const { interval, timeout } = (
    typeof options === 'object' && options !== null ? options : {}
  ) as Partial<CorsPoliciesWatchOptions>;
  const validInterval =
    typeof interval === 'number' &&
    Number.isInteger(interval) &&
    interval >= 1000 &&
    interval <= 86_400_000;
  if (!validInterval) {
    problems.add(
      'timeout-out-of-range',
      'interval',
      interval,
      'is not a whole number of milliseconds from 1000 to 86400000',
      'write a value such as { interval: 30_000 }',
    );
  }
  const upper = validInterval ? interval : 86_400_000;
  if (
    timeout !== undefined &&
    !(Number.isInteger(timeout) && timeout >= MIN_READ_TIMEOUT && timeout <= upper)
  ) {
    problems.add(
      'timeout-out-of-range',
      'timeout',
      timeout,
      `is not a whole number of milliseconds from ${MIN_READ_TIMEOUT} to the interval (${upper})`,
      'write a value such as { interval: 30_000, timeout: 5_000 }, or leave it out',
    );
  }
  problems.throwIfAny('CorsPolicies.watch()');
  return { interval: interval!, timeout: timeout ?? Math.min(interval!, DEFAULT_READ_TIMEOUT) };
}

function timedOut(timeout: number): Error {
  return new TimeoutError(
    `CorsPolicies.watch(): the read did not settle within ${timeout} ms; it is dropped, and the next read starts on schedule`,
  );
}
