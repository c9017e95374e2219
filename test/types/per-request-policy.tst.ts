// Type tests of perRequestPolicy(): the functions it wraps, its settings, and what it gives.
import type { IncomingMessage } from 'node:http';
import { describe, expect, test } from 'tstyche';
import {
  perRequestPolicy,
  type CorsPolicyFunction,
  type CorsPolicyOptions,
  type PerRequestCorsPolicy,
  type PerRequestPolicySettings,
} from 'nestjs-cors';

interface TenantRequest extends IncomingMessage {
  readonly tenant: string;
}

describe('perRequestPolicy()', () => {
  test('wraps a function answering with options, a promise of them, or through a callback', () => {
    expect(perRequestPolicy).type.toBeCallableWith((request: IncomingMessage) => ({
      origin: request.headers.host === 'a.example.com' ? 'https://a.example' : false,
    }));
    expect(perRequestPolicy).type.toBeCallableWith(async (): Promise<CorsPolicyOptions> => ({
      origin: '*',
    }));
    expect(perRequestPolicy).type.toBeCallableWith(
      (
        _request: IncomingMessage,
        callback: (error: Error | null, options?: CorsPolicyOptions) => void,
      ) => callback(null, { origin: 'https://app.example.com' }),
    );
  });

  test('takes its settings: vary, cache, timeout', () => {
    const source = (request: IncomingMessage) => ({ origin: String(request.headers.origin) });
    expect(perRequestPolicy).type.toBeCallableWith(source, {});
    expect(perRequestPolicy).type.toBeCallableWith(source, {
      vary: ['Host', 'X-Tenant'],
      cache: { max: 1000, ttl: 60_000, staleIfError: 300_000 },
      timeout: 2_000,
    });
  });

  test('refuses settings it does not know or that are incomplete', () => {
    const source = () => ({ origin: '*' });
    expect(perRequestPolicy).type.not.toBeCallableWith(source, { vary: 'Host' });
    expect(perRequestPolicy).type.not.toBeCallableWith(source, { cache: { max: 1000 } });
    expect(perRequestPolicy).type.not.toBeCallableWith(source, { cache: true });
    expect(perRequestPolicy).type.not.toBeCallableWith(source, { timeout: '2s' });
    expect(perRequestPolicy).type.not.toBeCallableWith(source, { ttl: 60_000 });
  });

  test('refuses what is not a function', () => {
    expect(perRequestPolicy).type.not.toBeCallableWith();
    expect(perRequestPolicy).type.not.toBeCallableWith({ origin: '*' });
    expect(perRequestPolicy).type.not.toBeCallableWith('public');
  });

  test('gives a policy typed by the request its function reads', () => {
    const byTenant = perRequestPolicy((request: TenantRequest) => ({
      origin: `https://${request.tenant}.example.com`,
    }));
    expect(byTenant).type.toBe<PerRequestCorsPolicy<TenantRequest>>();
    expect(byTenant.settings).type.toBe<PerRequestPolicySettings>();
    expect(byTenant.source).type.toBe<CorsPolicyFunction<TenantRequest>>();
    expect(perRequestPolicy<TenantRequest>).type.not.toBeCallableWith((request: string) => ({
      origin: request,
    }));
  });
});
