// Type tests of what each entry exports: the root is what a Nest user writes, the engine is its
// own entry (nestjs-cors/engine), and the engine's deciders keep their types.
import { describe, expect, test } from 'tstyche';
import * as root from 'nestjs-cors';
import * as engine from 'nestjs-cors/engine';
import {
  compilePolicy,
  decideActual,
  decidePreflight,
  isPreflight,
  type CompiledCorsPolicy,
  type CorsDecision,
  type MaybePromise,
} from 'nestjs-cors/engine';

describe('nestjs-cors', () => {
  test('exports the module, the decorator, the service and the helpers', () => {
    expect(root).type.toHaveProperty('CorsModule');
    expect(root).type.toHaveProperty('Cors');
    expect(root).type.toHaveProperty('CorsPolicies');
    expect(root).type.toHaveProperty('perRequestPolicy');
    expect(root).type.toHaveProperty('corsTrusted');
    expect(root).type.toHaveProperty('CorsConfigurationError');
    expect(root).type.toHaveProperty('CORS_MODULE_OPTIONS');
  });

  test('exports no engine function', () => {
    expect(root).type.not.toHaveProperty('compilePolicy');
    expect(root).type.not.toHaveProperty('decideActual');
    expect(root).type.not.toHaveProperty('decidePreflight');
    expect(root).type.not.toHaveProperty('isPreflight');
  });

  test('CorsPolicies shows no member only the module may call', () => {
    expect<root.CorsPolicies>().type.not.toHaveProperty('attach');
    expect<root.CorsPolicies>().type.not.toHaveProperty('registryForAdapters');
  });
});

describe('nestjs-cors/engine', () => {
  test('compiles a policy, then decides with it', () => {
    const policy = compilePolicy({ origin: 'https://*.example.com', credentials: true });
    expect(policy).type.toBe<CompiledCorsPolicy<unknown>>();
    expect(decideActual(policy, 'https://app.example.com')).type.toBe<MaybePromise<CorsDecision>>();
    expect(
      decidePreflight(policy, { origin: 'https://app.example.com', method: 'PUT', headers: 'x-a' }),
    ).type.toBe<MaybePromise<CorsDecision>>();
    expect(isPreflight('OPTIONS', 'https://app.example.com', 'PUT')).type.toBe<boolean>();
  });

  test('refuses options that are no policy', () => {
    expect(compilePolicy).type.not.toBeCallableWith({ origin: 42 });
    expect(compilePolicy).type.not.toBeCallableWith({ origins: '*' });
    expect(decidePreflight).type.not.toBeCallableWith(compilePolicy(), {
      origin: 'https://a.example',
    });
  });

  test('shares the configuration error with the root entry', () => {
    expect(engine.CorsConfigurationError).type.toBe(root.CorsConfigurationError);
  });
});
