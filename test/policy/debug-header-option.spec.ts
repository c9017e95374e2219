import 'reflect-metadata';
import { CorsConfigurationError, type CorsModuleOptions } from '../../lib';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';

const QUIET = { error: () => undefined, warn: () => undefined, reportError: () => undefined };

function registry(options: CorsModuleOptions): CorsPolicyRegistry {
  return new CorsPolicyRegistry(options, QUIET);
}

function refusal(run: () => unknown): CorsConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigurationError);
    return error as CorsConfigurationError;
  }
  throw new Error('expected a CorsConfigurationError, and nothing was thrown');
}

const APP = 'https://app.example.com';

describe('the debugHeader switch, at startup', () => {
  it.each([
    ['debug alone', { debug: true }],
    ['false', { debug: true, debugHeader: false }],
    ['false without debug', { debugHeader: false }],
    ['"even-in-production"', { debug: true, debugHeader: 'even-in-production' }],
  ] as const)('accepts %s, and keeps it out of the default policy', (_name, switches) => {
    const policies = registry({ origin: APP, ...switches });
    expect(policies.configuration).toEqual({ origin: APP });
  });

  it.each([
    [true, /remove it: debug: true sends the header outside production/],
    [
      'yes',
      /write debugHeader: false to keep the header off, or debugHeader: "even-in-production"/,
    ],
    ['even in production', /write debugHeader: false/],
    [1, /write debugHeader: false/],
    [null, /write debugHeader: false/],
  ])('refuses %p, naming the option, the value and the fix', (value, fix) => {
    const error = refusal(() =>
      registry({ origin: APP, debug: true, debugHeader: value } as unknown as CorsModuleOptions),
    );
    expect(error.problems).toEqual([
      expect.objectContaining({ code: 'module-options-invalid', option: 'debugHeader', value }),
    ]);
    expect(error.problems[0]!.problem).toMatch(/neither false nor "even-in-production"/);
    expect(error.problems[0]!.fix).toMatch(fix);
    expect(error.message).toContain('debugHeader');
    expect(error.message).toContain(JSON.stringify(value));
  });

  it('refuses "even-in-production" without debug: true, which it would do nothing without', () => {
    for (const debug of [undefined, false]) {
      const error = refusal(() =>
        registry({ origin: APP, debug, debugHeader: 'even-in-production' }),
      );
      expect(error.problems.map((p) => [p.option, p.problem, p.fix])).toEqual([
        [
          'debugHeader',
          'has no effect without debug: true',
          'add debug: true, or remove debugHeader',
        ],
      ]);
    }
  });

  it('is a switch of the module: refused in a replacement', () => {
    const policies = registry({ origin: APP, debug: true, debugHeader: 'even-in-production' });
    const error = refusal(() =>
      policies.replace({ origin: APP, debugHeader: false } as CorsModuleOptions),
    );
    expect(error.problems.map((p) => [p.code, p.option])).toEqual([
      ['unknown-option', 'debugHeader'],
    ]);
  });
});
