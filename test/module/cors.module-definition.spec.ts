import 'reflect-metadata';
import { Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import {
  CORS_MODULE_OPTIONS,
  CorsModule,
  perRequestPolicy,
  type CorsModuleArgument,
  type CorsModuleOptions,
} from '../../lib';
import { toModuleOptions } from '../../lib/policy/cors-module-options';
import { startApp, type TestApp } from '../e2e/platforms';

// toModuleOptions, counted: what forRoot() or forRootAsync() was given is normalised once.
jest.mock('../../lib/policy/cors-module-options', () => {
  const actual = jest.requireActual<typeof import('../../lib/policy/cors-module-options')>(
    '../../lib/policy/cors-module-options',
  );
  return { ...actual, toModuleOptions: jest.fn(actual.toModuleOptions) };
});
const normalise = jest.mocked(toModuleOptions);

/** A provider of the application's own, reading the token as the README shows. */
@Injectable()
class ReadsCorsOptions {
  constructor(@Inject(CORS_MODULE_OPTIONS) readonly options: CorsModuleOptions) {}
}

function appModule(cors: DynamicModule) {
  @Module({ imports: [cors], providers: [ReadsCorsOptions] })
  class AppModule {}
  return AppModule;
}

const delegate = (_request: unknown, callback: (error: Error | null, options?: object) => void) =>
  callback(null, { origin: '*' });
const policy = perRequestPolicy(() => ({ origin: '*' }), { vary: [] });

/** Each form forRoot() takes, and the options the token gives for it. */
const FORMS: readonly (readonly [string, CorsModuleArgument | undefined, CorsModuleOptions])[] = [
  ['nothing', undefined, {}],
  ['options', { origin: 'https://app.example.com' }, { origin: 'https://app.example.com' }],
  ['true', true, { origin: '*' }],
  ['an options delegate', delegate, { defaultPolicy: delegate }],
  ['a perRequestPolicy()', policy, { defaultPolicy: policy }],
];

describe('CORS_MODULE_OPTIONS', () => {
  let app: TestApp | undefined;

  beforeEach(() => normalise.mockClear());

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function injected(cors: () => DynamicModule): Promise<CorsModuleOptions> {
    app = await startApp('express', appModule(cors()));
    return app.app.get(ReadsCorsOptions).options;
  }

  it.each(FORMS)('gives forRoot(%s) in its normal form, normalised once', async (_, arg, want) => {
    const options = await injected(() =>
      arg === undefined ? CorsModule.forRoot() : CorsModule.forRoot(arg),
    );
    expect(options).toEqual(want);
    expect(normalise).toHaveBeenCalledTimes(1);
  });

  it.each(FORMS.filter(([, arg]) => arg !== undefined))(
    'gives what a forRootAsync() factory returned (%s) in its normal form, normalised once',
    async (_, arg, want) => {
      const options = await injected(() =>
        CorsModule.forRootAsync({ useFactory: () => Promise.resolve(arg!) }),
      );
      expect(options).toEqual(want);
      expect(normalise).toHaveBeenCalledTimes(1);
    },
  );

  it('gives the same object to the application and to the module', async () => {
    const options = await injected(() => CorsModule.forRoot(true));
    expect(app!.app.get(CORS_MODULE_OPTIONS)).toBe(options);
  });
});
