import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import {
  Cors,
  CorsConfigurationError,
  CorsPolicies,
  type CorsPolicyConfiguration,
} from '../../lib';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import { attachRegistry } from '../../lib/nest/attached-registry';
import { QUIET, allows, codesOf, deferred, handleOf, refusal } from '../policy/policy-test-kit';

const A = 'https://a.example';
const B = 'https://b.example';
const C = 'https://c.example';
const D = 'https://d.example';

class Items {
  list() {}
  @Cors({ methods: ['PUT'] }) update() {}
  @Cors('public') catalog() {}
}

const FIRST: CorsPolicyConfiguration = { origin: A, policies: { public: { origin: '*' } } };
const SECOND: CorsPolicyConfiguration = { origin: B, policies: { public: { origin: '*' } } };
const THIRD: CorsPolicyConfiguration = { origin: C, policies: { public: { origin: '*' } } };

/** A service attached to a fresh registry, as CorsModule attaches it. */
function attached(configuration: CorsPolicyConfiguration = FIRST) {
  const registry = new CorsPolicyRegistry(configuration, QUIET);
  const policies = new CorsPolicies();
  attachRegistry(policies, registry);
  return { policies, registry };
}

/** Which of A, B, C, D the default policy allows now. */
function allowed(registry: CorsPolicyRegistry): string[] {
  return [A, B, C, D].filter((origin) => allows(registry.defaultHandle.fixedPolicy, origin));
}

let logged: jest.SpyInstance;

beforeEach(() => {
  logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('CorsPolicies', () => {
  it('reads and replaces the configuration of the registry it is attached to', () => {
    const { policies, registry } = attached();
    expect(policies.current()).toEqual(FIRST);
    expect(policies.current()).toBe(registry.configuration);
    const update = handleOf(registry, Items, 'update');

    policies.replace(SECOND);

    expect(policies.current()).toEqual(SECOND);
    expect(allowed(registry)).toEqual([B]);
    expect(allows(update.fixedPolicy, B)).toBe(true);
  });

  it('keeps the configuration in force when a replacement is invalid', () => {
    const { policies, registry } = attached();
    handleOf(registry, Items, 'catalog');
    expect(() => policies.replace({ origin: 'https://b.example/' })).toThrow(
      CorsConfigurationError,
    );
    expect(codesOf(() => policies.replace({ origin: B }))).toEqual(['policy-name-unknown']);
    expect(policies.current()).toEqual(FIRST);
    expect(allowed(registry)).toEqual([A]);
  });

  it.each([
    ['42', 42],
    ['true', true],
    ['[]', []],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['undefined', undefined],
  ])('refuses %s as a configuration, and keeps the policies in force', (_what, value) => {
    const { policies, registry } = attached();
    const error = refusal(() => policies.replace(value as never));
    expect(error.problems.map((p) => [p.code, p.option])).toEqual([
      ['module-options-invalid', 'configuration'],
    ]);
    expect(policies.current()).toEqual(FIRST);
    expect(allowed(registry)).toEqual([A]);
  });

  it('refuses a promise, asking whether an await is missing', () => {
    const { policies, registry } = attached();
    const error = refusal(() => policies.replace(Promise.resolve(SECOND) as never));
    expect(error.message).toContain('did you forget `await`?');
    expect(allowed(registry)).toEqual([A]);
  });

  it('says clearly that it is not ready before CorsModule attaches it', () => {
    const policies = new CorsPolicies();
    const notReady = /CorsPolicies is not ready: .*onModuleInit\(\)/;
    expect(() => policies.current()).toThrow(notReady);
    expect(() => policies.replace(FIRST)).toThrow(notReady);
  });

  describe('watch()', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });

    it('applies the first read before its promise resolves, then one read per interval', async () => {
      const { policies, registry } = attached();
      const load = jest
        .fn<Promise<CorsPolicyConfiguration>, []>()
        .mockResolvedValueOnce(SECOND)
        .mockResolvedValueOnce(THIRD)
        .mockResolvedValue(FIRST);

      await expect(policies.watch(load, { interval: 1000 })).resolves.toBeUndefined();
      expect(load).toHaveBeenCalledTimes(1);
      expect(allowed(registry)).toEqual([B]);

      await jest.advanceTimersByTimeAsync(999);
      expect(load).toHaveBeenCalledTimes(1);
      expect(allowed(registry)).toEqual([B]);

      await jest.advanceTimersByTimeAsync(1);
      expect(load).toHaveBeenCalledTimes(2);
      expect(allowed(registry)).toEqual([C]);

      await jest.advanceTimersByTimeAsync(1000);
      expect(load).toHaveBeenCalledTimes(3);
      expect(allowed(registry)).toEqual([A]);
      expect(logged).not.toHaveBeenCalled();
      policies.stop();
    });

    it('refuses what a loader gives that is not a plain object, and keeps the policies', async () => {
      const { policies, registry } = attached();
      const load = jest.fn<unknown, []>().mockReturnValueOnce([]).mockReturnValue(42);
      const first = policies.watch(load as never, { interval: 1000 });
      const error = await first.then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(CorsConfigurationError);
      expect((error as CorsConfigurationError).where).toBe('CorsPolicies.watch() read');
      expect((error as CorsConfigurationError).message).toContain('is an array');
      expect(policies.current()).toEqual(FIRST);
      await jest.advanceTimersByTimeAsync(1000);
      expect(logged).toHaveBeenCalledTimes(2);
      expect(logged.mock.calls[1]![1]).toContain('is a number');
      expect(allowed(registry)).toEqual([A]);
      policies.stop();
    });

    it('takes a loader that answers synchronously', async () => {
      const { policies, registry } = attached();
      await policies.watch(() => SECOND, { interval: 1000 });
      expect(allowed(registry)).toEqual([B]);
      policies.stop();
    });

    it('keeps the last good configuration when a read fails, and logs it', async () => {
      const { policies, registry } = attached();
      const failure = new Error('settings store down');
      const load = jest
        .fn<Promise<CorsPolicyConfiguration>, []>()
        .mockResolvedValueOnce(SECOND)
        .mockRejectedValueOnce(failure)
        .mockResolvedValueOnce({ origin: 'not an origin' })
        .mockResolvedValue(THIRD);
      await policies.watch(load, { interval: 1000 });

      await jest.advanceTimersByTimeAsync(1000);
      expect(load).toHaveBeenCalledTimes(2);
      expect(allowed(registry)).toEqual([B]);
      expect(logged).toHaveBeenCalledTimes(1);
      expect(logged).toHaveBeenCalledWith(
        'Reading the CORS policies failed; the policies in force stay.',
        failure.stack,
      );

      // An invalid configuration is a failed read too.
      await jest.advanceTimersByTimeAsync(1000);
      expect(allowed(registry)).toEqual([B]);
      expect(logged).toHaveBeenCalledTimes(2);
      expect(logged.mock.calls[1]![1]).toContain('CorsConfigurationError');

      // And the reads go on.
      await jest.advanceTimersByTimeAsync(1000);
      expect(allowed(registry)).toEqual([C]);
      expect(logged).toHaveBeenCalledTimes(2);
      policies.stop();
    });

    it('rejects when the first read fails, logs it, and goes on reading', async () => {
      const { policies, registry } = attached();
      const load = jest
        .fn<Promise<CorsPolicyConfiguration>, []>()
        .mockRejectedValueOnce('not an Error')
        .mockResolvedValue(SECOND);
      await expect(policies.watch(load, { interval: 1000 })).rejects.toBe('not an Error');
      expect(logged).toHaveBeenCalledWith(
        'Reading the CORS policies failed; the policies in force stay.',
        'not an Error',
      );
      expect(allowed(registry)).toEqual([A]);
      await jest.advanceTimersByTimeAsync(1000);
      expect(allowed(registry)).toEqual([B]);
      policies.stop();
    });

    it('does not start a read while one is in flight, until its timeout', async () => {
      const { policies, registry } = attached();
      const slow = deferred<CorsPolicyConfiguration>();
      const load = jest
        .fn<Promise<CorsPolicyConfiguration>, []>()
        .mockResolvedValueOnce(SECOND)
        .mockReturnValueOnce(slow.promise)
        .mockResolvedValue(FIRST);
      await policies.watch(load, { interval: 1000 });

      await jest.advanceTimersByTimeAsync(1000);
      expect(load).toHaveBeenCalledTimes(2);
      await jest.advanceTimersByTimeAsync(500);
      expect(load).toHaveBeenCalledTimes(2);
      expect(allowed(registry)).toEqual([B]);

      slow.resolve(THIRD);
      await jest.advanceTimersByTimeAsync(0);
      expect(allowed(registry)).toEqual([C]);
      expect(load).toHaveBeenCalledTimes(2);
      await jest.advanceTimersByTimeAsync(500);
      expect(load).toHaveBeenCalledTimes(3);
      expect(allowed(registry)).toEqual([A]);
      expect(logged).not.toHaveBeenCalled();
      policies.stop();
    });

    describe('a read that never settles', () => {
      it('is dropped at its timeout and logged, and the next read starts on schedule', async () => {
        const { policies, registry } = attached();
        const never = new Promise<CorsPolicyConfiguration>(() => undefined);
        const load = jest
          .fn<Promise<CorsPolicyConfiguration>, []>()
          .mockResolvedValueOnce(SECOND)
          .mockReturnValueOnce(never)
          .mockResolvedValue(THIRD);
        await policies.watch(load, { interval: 5000, timeout: 2000 });

        await jest.advanceTimersByTimeAsync(5000);
        expect(load).toHaveBeenCalledTimes(2);
        await jest.advanceTimersByTimeAsync(1999);
        expect(logged).not.toHaveBeenCalled();
        await jest.advanceTimersByTimeAsync(1);
        expect(logged).toHaveBeenCalledTimes(1);
        expect(logged.mock.calls[0]![0]).toBe(
          'Reading the CORS policies failed; the policies in force stay.',
        );
        expect(logged.mock.calls[0]![1]).toContain('did not settle within 2000 ms');
        expect(allowed(registry)).toEqual([B]);

        await jest.advanceTimersByTimeAsync(3000);
        expect(load).toHaveBeenCalledTimes(3);
        expect(allowed(registry)).toEqual([C]);
        policies.stop();
      });

      it('times out after the interval by default (at most 10 s), before the next read', async () => {
        const { policies, registry } = attached();
        const load = jest
          .fn<Promise<CorsPolicyConfiguration>, []>()
          .mockResolvedValueOnce(SECOND)
          .mockReturnValueOnce(new Promise(() => undefined))
          .mockResolvedValue(THIRD);
        await policies.watch(load, { interval: 1000 });
        await jest.advanceTimersByTimeAsync(2000);
        expect(load).toHaveBeenCalledTimes(3);
        expect(logged).toHaveBeenCalledTimes(1);
        expect(logged.mock.calls[0]![1]).toContain('did not settle within 1000 ms');
        expect(allowed(registry)).toEqual([C]);
        policies.stop();

        const hung = jest.fn(() => new Promise<CorsPolicyConfiguration>(() => undefined));
        const first = policies.watch(hung, { interval: 60_000 });
        const outcome = expect(first).rejects.toThrow('did not settle within 10000 ms');
        await jest.advanceTimersByTimeAsync(10_000);
        await outcome;
        policies.stop();
      });

      it('never applies its late answer, over a newer one or at all', async () => {
        const { policies, registry } = attached();
        const late = deferred<CorsPolicyConfiguration>();
        const later = deferred<CorsPolicyConfiguration>();
        const load = jest
          .fn<Promise<CorsPolicyConfiguration>, []>()
          .mockReturnValueOnce(late.promise)
          .mockReturnValueOnce(later.promise)
          .mockResolvedValue(FIRST);
        const first = policies.watch(load, { interval: 1000, timeout: 500 });
        const outcome = expect(first).rejects.toThrow('did not settle within 500 ms');
        await jest.advanceTimersByTimeAsync(500);
        await outcome;

        await jest.advanceTimersByTimeAsync(500);
        expect(load).toHaveBeenCalledTimes(2);
        later.resolve(THIRD);
        await jest.advanceTimersByTimeAsync(0);
        expect(allowed(registry)).toEqual([C]);
        // The first read answers now, long after its timeout: dropped, though it is valid.
        late.resolve(SECOND);
        await jest.advanceTimersByTimeAsync(0);
        expect(allowed(registry)).toEqual([C]);
        policies.stop();
      });
    });

    it.each([999, 0, -1000, 1000.5, 86_400_001, Number.NaN, Infinity])(
      'refuses an interval of %p, and starts nothing',
      (interval) => {
        const { policies } = attached();
        const load = jest.fn(() => SECOND);
        const error = (() => {
          try {
            void policies.watch(load, { interval });
          } catch (thrown) {
            return thrown as CorsConfigurationError;
          }
          throw new Error('expected a CorsConfigurationError');
        })();
        expect(error).toBeInstanceOf(CorsConfigurationError);
        expect(error.where).toBe('CorsPolicies.watch()');
        expect(error.problems.map((p) => [p.code, p.option])).toEqual([
          ['timeout-out-of-range', 'interval'],
        ]);
        expect(load).not.toHaveBeenCalled();
        expect(jest.getTimerCount()).toBe(0);
      },
    );

    it.each([
      [99, 1000],
      [1001, 1000],
      [0, 1000],
      [1.5, 1000],
      [Number.NaN, 1000],
      ['500', 1000],
    ])('refuses a timeout of %p (interval %p), and starts nothing', (timeout, interval) => {
      const { policies } = attached();
      const load = jest.fn(() => SECOND);
      const error = refusal(() => policies.watch(load, { interval, timeout: timeout as number }));
      expect(error.where).toBe('CorsPolicies.watch()');
      expect(error.problems.map((p) => [p.code, p.option])).toEqual([
        ['timeout-out-of-range', 'timeout'],
      ]);
      expect(load).not.toHaveBeenCalled();
      expect(jest.getTimerCount()).toBe(0);
    });

    it('refuses a loader that is not a function, and missing options, without a TypeError', () => {
      const { policies } = attached();
      expect(
        refusal(() => policies.watch(SECOND as never, { interval: 1000 })).problems.map(
          (p) => p.option,
        ),
      ).toEqual(['load']);
      expect(
        refusal(() => policies.watch(() => SECOND, undefined as never)).problems.map(
          (p) => p.option,
        ),
      ).toEqual(['interval']);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('accepts the bounds of the timeout', async () => {
      const { policies } = attached();
      for (const timeout of [100, 1000]) {
        await policies.watch(() => SECOND, { interval: 1000, timeout });
        expect(jest.getTimerCount()).toBe(1);
      }
      policies.stop();
    });

    it('accepts the bounds of the interval', async () => {
      const { policies } = attached();
      for (const interval of [1000, 86_400_000]) {
        await policies.watch(() => SECOND, { interval });
        expect(jest.getTimerCount()).toBe(1);
      }
      policies.stop();
    });

    it('stops reading on stop() and on application shutdown', async () => {
      const { policies } = attached();
      const load = jest.fn(async () => SECOND);
      await policies.watch(load, { interval: 1000 });
      expect(jest.getTimerCount()).toBe(1);
      policies.stop();
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(5000);
      expect(load).toHaveBeenCalledTimes(1);
      policies.stop();

      await policies.watch(load, { interval: 1000 });
      policies.onApplicationShutdown();
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(5000);
      expect(load).toHaveBeenCalledTimes(2);
    });

    it('drops a read that outlived stop() or a newer watch(), so that it undoes nothing', async () => {
      const { policies, registry } = attached();
      const slow = deferred<CorsPolicyConfiguration>();
      const first = policies.watch(() => slow.promise, { interval: 1000 });
      policies.stop();
      policies.replace(THIRD);
      slow.resolve(SECOND);
      await first;
      expect(allowed(registry)).toEqual([C]);

      const older = deferred<CorsPolicyConfiguration>();
      const pending = policies.watch(() => older.promise, { interval: 1000 });
      await policies.watch(async () => FIRST, { interval: 1000 });
      older.resolve(SECOND);
      await pending;
      expect(allowed(registry)).toEqual([A]);
      policies.stop();
    });

    it('replaces an earlier watch instead of adding one', async () => {
      const { policies, registry } = attached();
      const first = jest.fn(async () => SECOND);
      const second = jest.fn(async () => THIRD);
      await policies.watch(first, { interval: 1000 });
      await policies.watch(second, { interval: 1000 });
      expect(jest.getTimerCount()).toBe(1);
      await jest.advanceTimersByTimeAsync(3000);
      expect(first).toHaveBeenCalledTimes(1);
      expect(second).toHaveBeenCalledTimes(4);
      expect(allowed(registry)).toEqual([C]);
      policies.stop();
    });

    it('does not keep the process alive for its timer', async () => {
      jest.useRealTimers();
      const { policies } = attached();
      await policies.watch(() => SECOND, { interval: 60_000 });
      const timer = (policies as unknown as { timer: NodeJS.Timeout }).timer;
      expect(timer.hasRef()).toBe(false);
      policies.stop();
    });
  });
});
