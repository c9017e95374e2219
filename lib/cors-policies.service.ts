import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { CORS_LOGGER_CONTEXT } from './cors.constants.js';
import type { CorsPolicyConfiguration } from './cors-module-options.js';
import { ProblemList } from './engine/index.js';
import type { CorsPolicyRegistry } from './policy/cors-policy-registry.js';

/** How {@link CorsPolicies.watch} re-reads the policies. */
export interface CorsPoliciesWatchOptions {
  /** Milliseconds between two reads, 1000 to 86400000. */
  readonly interval: number;
}

/**
 * The application's CORS policies at run time: read them, replace them, or have them re-read from
 * where the application keeps them (a database, Redis, a config service). A replacement is checked
 * first, then takes effect for every route at once, preflights included, from the next request on;
 * an invalid one is refused and the policies in force stay. Injectable anywhere once `CorsModule`
 * is imported.
 *
 * Several instances of an application each hold their own policies: give them one source with
 * {@link watch}, and each converges on it within an interval.
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
  private registry: CorsPolicyRegistry | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Counts watch() and stop() calls: a read started under an older count is stale. */
  private watching = 0;

  /** @internal Called once by `CorsModule` when it has compiled the policies. */
  attach(registry: CorsPolicyRegistry): void {
    this.registry = registry;
  }

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
   * Reads the policies with `load` now and then every `interval` milliseconds, replacing them when
   * a read succeeds. A read that fails, or gives an invalid configuration, is logged and the
   * policies in force stay. One read at a time: a slow read delays the next. Stops on application
   * shutdown, or with {@link stop}.
   *
   * @returns a promise of the first read's outcome, rejected if it failed (the reads go on).
   *
   * @example
   * ```ts
   * await policies.watch(() => settings.read('cors'), { interval: 30_000 });
   * ```
   */
  watch(
    load: () => Promise<CorsPolicyConfiguration> | CorsPolicyConfiguration,
    { interval }: CorsPoliciesWatchOptions,
  ): Promise<void> {
    if (!(Number.isInteger(interval) && interval >= 1000 && interval <= 86_400_000)) {
      const problems = new ProblemList();
      problems.add(
        'timeout-out-of-range',
        'interval',
        interval,
        'is not a whole number of milliseconds from 1000 to 86400000',
        'write a value such as { interval: 30_000 }',
      );
      problems.throwIfAny('CorsPolicies.watch()');
    }
    this.stop();
    const watching = this.watching;
    let reading = false;
    const read = async (): Promise<void> => {
      if (reading) return;
      reading = true;
      try {
        const configuration = await load();
        // A read that outlived stop(), or a newer watch(), must not undo what came after it.
        if (watching === this.watching) this.replace(configuration);
      } finally {
        reading = false;
      }
    };
    this.timer = setInterval(() => {
      read().catch((error: unknown) => this.reportFailedRead(error));
    }, interval);
    // Watching alone must not keep a process alive that has nothing else to do.
    this.timer.unref?.();
    return read().catch((error: unknown) => {
      this.reportFailedRead(error);
      throw error;
    });
  }

  /** Stops {@link watch}. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.watching++;
  }

  /** @internal */
  onApplicationShutdown(): void {
    this.stop();
  }

  private reportFailedRead(error: unknown): void {
    this.logger.error(
      'Reading the CORS policies failed; the policies in force stay.',
      error instanceof Error ? error.stack : String(error),
    );
  }

  /** @internal The compiled policies, for the WebSocket adapters. */
  registryForAdapters(): CorsPolicyRegistry {
    return this.ready();
  }

  private ready(): CorsPolicyRegistry {
    if (this.registry === undefined) {
      throw new Error(
        'CorsPolicies is not ready: CorsModule compiles the policies while the application initializes. Use it from onModuleInit() or later.',
      );
    }
    return this.registry;
  }
}
