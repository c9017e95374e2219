// Type tests of CorsModule.forRoot() and forRootAsync(): every argument form app.enableCors() takes
// (Nest's own CorsOptions and CorsOptionsDelegate included), and wrong ones refused.
import type { IncomingMessage } from 'node:http';
import { Inject, type DynamicModule } from '@nestjs/common';
import type {
  CorsOptions,
  CorsOptionsDelegate,
} from '@nestjs/common/interfaces/external/cors-options.interface.js';
import { describe, expect, test } from 'tstyche';
import {
  CORS_MODULE_OPTIONS,
  CorsModule,
  perRequestPolicy,
  type CorsModuleArgument,
  type CorsModuleAsyncOptions,
  type CorsModuleOptions,
} from 'nestjs-cors';

/** What forRoot() takes. */
type ForRootArgument = NonNullable<Parameters<typeof CorsModule.forRoot>[0]>;

class ConfigService {
  get(key: string): string {
    return key;
  }
}

describe('CorsModule.forRoot()', () => {
  test('takes nothing: no origin allowed by default', () => {
    expect(CorsModule.forRoot).type.toBeCallableWith();
    expect(CorsModule.forRoot()).type.toBe<DynamicModule>();
  });

  test('takes options: the default policy, named policies and switches', () => {
    expect(CorsModule.forRoot).type.toBeCallableWith({
      origin: ['https://app.example.com', 'https://*.example.com'],
      credentials: true,
      policies: {
        public: { origin: '*' },
        partner: (request: IncomingMessage) => ({ origin: String(request.headers.host) }),
      },
      paths: { '/graphql': 'public', '/static': false },
      debug: true,
      enforce: true,
      report: { path: '/cors-report' },
    });
  });

  test('takes trials on the default, named policies and paths entries', () => {
    expect(CorsModule.forRoot).type.toBeCallableWith({
      origin: true,
      trial: { origin: ['https://app.example.com'] },
      policies: { partner: { origin: 'https://partner.example.org', trial: { maxAge: 600 } } },
      paths: { '/graphql': { origin: '*', trial: false } },
    });
    expect(CorsModule.forRoot).type.not.toBeCallableWith({ trial: 'strict' });
  });

  test('takes true, as app.enableCors(true)', () => {
    expect(CorsModule.forRoot).type.toBeCallableWith(true);
  });

  test('takes a per-request function, as app.enableCors() does', () => {
    expect(CorsModule.forRoot).type.toBeCallableWith(
      (request: IncomingMessage, callback: (error: Error | null, options?: CorsOptions) => void) =>
        callback(null, { origin: request.headers.host === 'a.example.com' }),
    );
    expect(CorsModule.forRoot).type.toBeCallableWith(async (request: IncomingMessage) => ({
      origin: request.headers.origin ?? false,
    }));
    expect(CorsModule.forRoot).type.toBeCallableWith(
      perRequestPolicy(() => ({ origin: '*' }), { vary: [] }),
    );
  });

  test("takes Nest's CorsOptions and CorsOptionsDelegate, as app.enableCors() types them", () => {
    expect<CorsOptions>().type.toBeAssignableTo<ForRootArgument>();
    expect<CorsOptionsDelegate<IncomingMessage>>().type.toBeAssignableTo<ForRootArgument>();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as users type it for enableCors()
    expect<CorsOptionsDelegate<any>>().type.toBeAssignableTo<ForRootArgument>();
    expect<CorsOptions>().type.toBeAssignableTo<CorsModuleOptions>();
  });

  test('names what it takes CorsModuleArgument', () => {
    expect<ForRootArgument>().type.toBe<CorsModuleArgument>();
  });

  test('refuses what enableCors() would not take either', () => {
    expect(CorsModule.forRoot).type.not.toBeCallableWith(false);
    expect(CorsModule.forRoot).type.not.toBeCallableWith(null);
    expect(CorsModule.forRoot).type.not.toBeCallableWith('https://app.example.com');
    expect(CorsModule.forRoot).type.not.toBeCallableWith(['https://app.example.com']);
    expect(CorsModule.forRoot).type.not.toBeCallableWith({ origin: 42 });
    expect(CorsModule.forRoot).type.not.toBeCallableWith({ origins: '*' });
    expect(CorsModule.forRoot).type.not.toBeCallableWith({ policies: { public: 'public' } });
    expect(CorsModule.forRoot).type.not.toBeCallableWith({ report: '/cors-report' });
    expect(CorsModule.forRoot).type.not.toBeCallableWith({ debug: 'yes' });
  });
});

describe('CorsModule.forRootAsync()', () => {
  test('takes a factory with what it injects', () => {
    expect(CorsModule.forRootAsync).type.toBeCallableWith({
      imports: [],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({ origin: config.get('CORS_ORIGINS').split(',') }),
    });
    expect(CorsModule.forRootAsync({ useFactory: () => ({}) })).type.toBe<DynamicModule>();
  });

  test('takes a factory giving any form forRoot() takes, or a promise of it', () => {
    expect(CorsModule.forRootAsync).type.toBeCallableWith({ useFactory: () => true as const });
    expect(CorsModule.forRootAsync).type.toBeCallableWith({
      useFactory: () => Promise.resolve({ origin: 'https://app.example.com' }),
    });
    expect(CorsModule.forRootAsync).type.toBeCallableWith({
      useFactory: (): CorsOptionsDelegate<IncomingMessage> => (_request, callback) =>
        callback(null, { origin: '*' }),
    });
    expect(CorsModule.forRootAsync).type.toBeCallableWith({
      useFactory: async (): Promise<CorsOptions> => ({ origin: true }),
    });
  });

  test('takes a class giving the options', () => {
    class CorsConfig {
      create(): CorsModuleOptions {
        return { origin: 'https://app.example.com' };
      }
    }
    expect(CorsModule.forRootAsync).type.toBeCallableWith({ useClass: CorsConfig });
  });

  test('names what it takes CorsModuleAsyncOptions', () => {
    expect<Parameters<typeof CorsModule.forRootAsync>[0]>().type.toBe<CorsModuleAsyncOptions>();
  });

  test('refuses a factory giving what forRoot() would refuse', () => {
    expect(CorsModule.forRootAsync).type.not.toBeCallableWith({ useFactory: () => false as const });
    expect(CorsModule.forRootAsync).type.not.toBeCallableWith({
      useFactory: () => ({ origin: 42 }),
    });
    expect(CorsModule.forRootAsync).type.not.toBeCallableWith({ origin: '*' });
  });
});

describe('CORS_MODULE_OPTIONS', () => {
  test('is an injection token', () => {
    expect(Inject).type.toBeCallableWith(CORS_MODULE_OPTIONS);
    expect(CORS_MODULE_OPTIONS).type.toBeAssignableTo<symbol>();
  });
});
