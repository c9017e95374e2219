import 'reflect-metadata';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import { UniformNoOriginVary, uniformNoOriginVary } from '../../lib/policy/no-origin-vary';
import { QUIET } from './policy-test-kit';

describe('uniformNoOriginVary', () => {
  const registry = (origin: string) =>
    new CorsPolicyRegistry({ origin, policies: { open: { origin: '*' } } }, QUIET);

  it('is the shared Vary when every policy answers a request without Origin with it alone', () => {
    const policies = registry('https://a.example');
    expect(uniformNoOriginVary([policies.defaultHandle], policies)).toBe('Origin');
  });

  it('is undefined when the policies disagree, CORS switched off included', () => {
    const policies = registry('https://a.example');
    expect(uniformNoOriginVary([null], policies)).toBeUndefined();
  });

  it("is undefined when a '*' policy answers a request without Origin with a header", () => {
    const policies = new CorsPolicyRegistry({ origin: '*' }, QUIET);
    expect(uniformNoOriginVary([policies.defaultHandle], policies)).toBeUndefined();
  });
});

describe('UniformNoOriginVary', () => {
  it('recomputes its value when the policies are replaced, and only then', () => {
    const policies = new CorsPolicyRegistry({ origin: 'https://a.example' }, QUIET);
    const vary = new UniformNoOriginVary([policies.defaultHandle], policies);
    expect(vary.value).toBe('Origin');
    policies.replace({ origin: '*' });
    expect(vary.value).toBeUndefined();
    policies.replace({ origin: 'https://b.example' });
    expect(vary.value).toBe('Origin');
  });

  it('keeps its value when a replace is refused', () => {
    const policies = new CorsPolicyRegistry({ origin: 'https://a.example' }, QUIET);
    const vary = new UniformNoOriginVary([policies.defaultHandle], policies);
    expect(() => policies.replace({ origin: 'https://a.example/' })).toThrow();
    expect(vary.value).toBe('Origin');
  });
});
