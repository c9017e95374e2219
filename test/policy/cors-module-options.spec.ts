import { CorsConfigurationError, perRequestPolicy, type CorsModuleOptions } from '../../lib';
import { toModuleOptions } from '../../lib/policy/cors-module-options';

function refusal(argument: unknown): CorsConfigurationError {
  try {
    toModuleOptions(argument);
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigurationError);
    return error as CorsConfigurationError;
  }
  throw new Error(`expected ${String(argument)} to be refused`);
}

describe('toModuleOptions', () => {
  it('reads true as every origin, as app.enableCors(true) does', () => {
    expect(toModuleOptions(true)).toEqual({ origin: '*' });
  });

  it('reads a function as the default policy, per request', () => {
    const delegate = (_req: unknown, callback: (error: Error | null, options?: object) => void) =>
      callback(null, { origin: '*' });
    expect(toModuleOptions(delegate)).toEqual({ defaultPolicy: delegate });
    const bare = (_req: unknown) => ({ origin: '*' });
    expect(toModuleOptions(bare).defaultPolicy).toBe(bare);
  });

  it('reads what perRequestPolicy() made as the default policy', () => {
    const policy = perRequestPolicy(() => ({ origin: '*' }), { vary: ['Host'] });
    const options = toModuleOptions(policy);
    expect(options).toEqual({ defaultPolicy: policy });
    expect(options.defaultPolicy).toBe(policy);
  });

  it('reads undefined as no options', () => {
    expect(toModuleOptions(undefined)).toEqual({});
  });

  it('gives options back as they are', () => {
    const options: CorsModuleOptions = { origin: 'https://app.example.com', debug: true };
    expect(toModuleOptions(options)).toBe(options);
    expect(toModuleOptions({})).toEqual({});
  });

  it.each([null, 1, 0, 'x', '', [], [{ origin: '*' }], Symbol('cors'), 10n])(
    'refuses %p',
    (argument) => {
      const error = refusal(argument);
      expect(error.where).toBe('CorsModule options');
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatchObject({
        code: 'module-options-invalid',
        option: 'CorsModule.forRoot()',
        value: argument,
      });
      expect(error.problems[0]!.fix).not.toContain('@Cors(false)');
    },
  );

  it('refuses false, saying how to switch CORS off', () => {
    const error = refusal(false);
    expect(error.problems.map((p) => p.code)).toEqual(['module-options-invalid']);
    expect(error.problems[0]!.fix).toContain('@Cors(false)');
    expect(error.problems[0]!.fix).toContain('leave CorsModule out');
    expect(error.message).toContain('CorsModule.forRoot(): false');
  });
});
