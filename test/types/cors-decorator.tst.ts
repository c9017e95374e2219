// Type tests of @Cors(...): every form the README documents, and wrong ones refused by the compiler.
import type { IncomingMessage } from 'node:http';
import { describe, expect, test } from 'tstyche';
import {
  Cors,
  perRequestPolicy,
  type CorsPolicyMetadata,
  type CorsPolicyOptions,
} from 'nestjs-cors';

describe('@Cors(...)', () => {
  test('takes a policy', () => {
    expect(Cors).type.toBeCallableWith({ origin: 'https://app.example.com', credentials: true });
    expect(Cors).type.toBeCallableWith({
      origin: ['https://app.example.com', /^https:\/\/[a-z]+\.example\.com$/],
      methods: ['GET', 'PUT'],
      allowedHeaders: 'Content-Type, X-Token',
      exposedHeaders: ['X-Request-Id'],
      maxAge: 600,
    });
    expect(Cors).type.toBeCallableWith({});
  });

  test('takes an origin predicate, answering by its return value or by the callback', () => {
    expect(Cors).type.toBeCallableWith({ origin: (origin: string) => origin.endsWith('.example') });
    expect(Cors).type.toBeCallableWith({
      origin: (origin: string, callback: (error: Error | null, allow?: boolean) => void) =>
        callback(null, origin === 'https://app.example.com'),
    });
    expect(Cors).type.toBeCallableWith({
      origin: async (_origin: string, _callback: unknown, request: IncomingMessage) =>
        request.headers.host === 'api.example.com',
    });
  });

  test('takes the name of a policy of CorsModule.forRoot({ policies })', () => {
    expect(Cors).type.toBeCallableWith('public');
  });

  test('takes false, for no CORS on a route', () => {
    expect(Cors).type.toBeCallableWith(false);
  });

  test('takes a function computing the policy per request, as enableCors() does', () => {
    expect(Cors).type.toBeCallableWith((request: IncomingMessage) => ({
      origin: request.headers.host === 'a.example.com' ? 'https://a.example' : false,
    }));
    expect(Cors).type.toBeCallableWith(
      (
        _request: IncomingMessage,
        callback: (error: Error | null, options?: CorsPolicyOptions) => void,
      ) => callback(null, { origin: '*' }),
    );
    expect(Cors).type.toBeCallableWith(async () => ({ origin: 'https://app.example.com' }));
  });

  test('takes what perRequestPolicy() made', () => {
    expect(Cors).type.toBeCallableWith(
      perRequestPolicy((request: IncomingMessage) => ({ origin: String(request.headers.origin) }), {
        vary: ['Host'],
        cache: { max: 100, ttl: 60_000 },
      }),
    );
  });

  test('takes a trial, or false to drop an inherited one', () => {
    expect(Cors).type.toBeCallableWith({
      origin: true,
      trial: { origin: ['https://app.example.com'], credentials: false },
    });
    expect(Cors).type.toBeCallableWith({ trial: false });
    expect(Cors).type.toBeCallableWith(async () => ({ origin: '*', trial: { origin: false } }));
  });

  test('refuses a trial that is no policy, or nests a trial', () => {
    expect(Cors).type.not.toBeCallableWith({ trial: true });
    expect(Cors).type.not.toBeCallableWith({ trial: 'strict' });
    expect(Cors).type.not.toBeCallableWith({ trial: { origin: 42 } });
    expect(Cors).type.not.toBeCallableWith({ trial: { trial: { origin: '*' } } });
  });

  test('gives a decorator for a class and for a method', () => {
    expect(Cors('public')).type.toBeAssignableTo<ClassDecorator>();
    expect(Cors('public')).type.toBeAssignableTo<MethodDecorator>();
  });

  test('refuses what is no policy', () => {
    expect(Cors).type.not.toBeCallableWith();
    expect(Cors).type.not.toBeCallableWith(true);
    expect(Cors).type.not.toBeCallableWith(42);
    expect(Cors).type.not.toBeCallableWith(null);
    expect(Cors).type.not.toBeCallableWith(['public']);
    expect(Cors).type.not.toBeCallableWith({ origin: 42 });
    expect(Cors).type.not.toBeCallableWith({ origin: [true] });
    expect(Cors).type.not.toBeCallableWith({ credentials: 'yes' });
    expect(Cors).type.not.toBeCallableWith({ maxAge: '600' });
    // A misspelt option is an excess property of an object literal.
    expect(Cors).type.not.toBeCallableWith({ origins: ['https://app.example.com'] });
  });

  test('names what it takes CorsPolicyMetadata', () => {
    expect<Parameters<typeof Cors>[0]>().type.toBe<CorsPolicyMetadata>();
  });
});
