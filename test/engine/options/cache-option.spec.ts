import {
  CorsConfigurationError,
  ProblemList,
  type CorsConfigurationProblem,
} from '../../../lib/engine/errors/cors-configuration-error';
import {
  compileCacheOption,
  compilePredicateCacheOption,
} from '../../../lib/engine/options/cache-option';

/** The problems `check` adds, as the thrown error lists them; `[]` when it adds none. */
function problemsOf(check: (problems: ProblemList) => unknown): CorsConfigurationProblem[] {
  const problems = new ProblemList();
  check(problems);
  try {
    problems.throwIfAny(undefined);
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigurationError);
    return [...(error as CorsConfigurationError).problems];
  }
  return [];
}

const cacheProblems = (value: unknown) =>
  problemsOf((problems) => compileCacheOption(value, 'cache', problems));
const predicateCacheProblems = (value: unknown) =>
  problemsOf((problems) =>
    compilePredicateCacheOption(value, (origin: string) => !!origin, problems),
  );

describe('cache options: staleIfError', () => {
  it.each([0, 1, 300_000, 86_400_000])('accepts staleIfError: %j', (staleIfError) => {
    expect(cacheProblems({ ttl: 60_000, max: 10, staleIfError })).toEqual([]);
    expect(predicateCacheProblems({ ttl: 60_000, max: 10, staleIfError, vary: [] })).toEqual([]);
  });

  it('returns a cache that serves the last good answer for a failed lookup', async () => {
    const cache = compileCacheOption<string>(
      { ttl: 1, max: 10, staleIfError: 60_000 },
      'cache',
      new ProblemList(),
    );
    expect(cache?.get('k', () => 'good')).toBe('good');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(cache?.get('k', () => Promise.reject(new Error('down')))).resolves.toBe('good');
  });

  it.each([-1, 1.5, 86_400_001, '300000', null, Infinity, Number.NaN])(
    'refuses staleIfError: %p, naming the option, the value and the fix',
    (staleIfError) => {
      for (const [problems, option] of [
        [cacheProblems({ ttl: 60_000, max: 10, staleIfError }), 'cache'],
        [predicateCacheProblems({ ttl: 60_000, max: 10, staleIfError }), 'predicateCache'],
      ] as const) {
        expect(problems).toHaveLength(1);
        const problem = problems[0]!;
        expect(problem.code).toBe('cache-invalid');
        expect(problem.option).toBe(`${option}.staleIfError`);
        expect(problem.value).toBe(staleIfError);
        expect(problem.problem).toContain('0 to 86400000');
        expect(problem.fix).toContain(`${option}: { ttl: 60000, max: 10, staleIfError: 300_000 }`);
        expect(problem.fix).toContain('leave staleIfError out');
      }
    },
  );

  it('still refuses settings it does not know, and bad ttl or max, as before', () => {
    expect(cacheProblems({ ttl: 1000, max: 10, stale: 5 }).map((p) => p.code)).toEqual([
      'cache-invalid',
    ]);
    expect(cacheProblems({ ttl: 0, max: 10, staleIfError: 1000 }).map((p) => p.option)).toEqual([
      'cache',
    ]);
    expect(cacheProblems({ ttl: 1000, max: 10, vary: [] }).map((p) => p.code)).toEqual([
      'cache-invalid',
    ]);
  });
});
