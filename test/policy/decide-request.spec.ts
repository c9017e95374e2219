import { buildPolicy } from '../../lib/engine/build-policy';
import type { CompiledCorsPolicy, CorsDecision } from '../../lib/engine';
import {
  decideActualRequest,
  decidePreflightRequest,
  theDecision,
} from '../../lib/policy/decide-request';
import { PolicyHandle } from '../../lib/policy/policy-handle';
import type { RequestPolicy } from '../../lib/policy/request-policy';

const APP = 'https://app.example.com';
const request = (headers: Record<string, string> = {}) => ({ method: 'GET', headers });

describe('decideActualRequest and decidePreflightRequest', () => {
  const compiled = buildPolicy({ origin: APP, optionsSuccessStatus: 200 });
  const fixed = new PolicyHandle('fixed', compiled);

  it('decides an actual request synchronously with a fixed policy, and hands on the policy', () => {
    const seen: [CorsDecision, CompiledCorsPolicy<unknown>, string][] = [];
    const result = decideActualRequest(
      fixed,
      request(),
      request(),
      APP,
      (decision, policy, context: string) => seen.push([decision, policy, context]),
      'context',
    );
    expect(result).toBe(1);
    expect(seen[0]![0].allowed).toBe(true);
    expect(seen[0]![1]).toBe(compiled);
    expect(seen[0]![2]).toBe('context');
  });

  it('decides a preflight through its own entry point', () => {
    const decision = decidePreflightRequest(
      fixed,
      request(),
      request(),
      { origin: APP, method: 'PUT' },
      theDecision,
      undefined,
    ) as CorsDecision;
    expect(decision.headers).toContainEqual(['Access-Control-Allow-Methods', expect.any(String)]);
  });

  it('waits for a per-request policy, computed from the platform request', async () => {
    const platformRequest = request();
    const asked: object[] = [];
    const perRequest = {
      policyFor: (r: object) => {
        asked.push(r);
        return Promise.resolve(compiled);
      },
    } as unknown as RequestPolicy;
    const result = decideActualRequest(
      new PolicyHandle('per request', perRequest),
      platformRequest,
      request(),
      'https://evil.example',
      (decision, policy) => [decision.allowed, policy] as const,
      undefined,
    );
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toEqual([false, compiled]);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toBe(platformRequest);
  });

  it('gives an origin predicate the raw request it is handed', async () => {
    const raw = request();
    const judged: unknown[] = [];
    const handle = new PolicyHandle(
      'predicate',
      buildPolicy({
        origin: (_origin: string, _callback: unknown, r: unknown) => {
          judged.push(r);
          return true;
        },
      }),
    );
    await decideActualRequest(handle, request(), raw, APP, theDecision, undefined);
    expect(judged).toHaveLength(1);
    expect(judged[0]).toBe(raw);
  });
});
