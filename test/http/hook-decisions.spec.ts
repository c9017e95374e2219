import { buildPolicy } from '../../lib/engine/build-policy';
import { decideActual, type CompiledCorsPolicy, type CorsDecision } from '../../lib/engine';
import {
  hookDecisionFor,
  hookDecisionOrOwn,
  keepHookDecision,
} from '../../lib/http/hook-decisions';
import { PolicyHandle } from '../../lib/policy/policy-handle';
import type { RequestPolicy } from '../../lib/policy/request-policy';
import type { IncomingMessage } from 'node:http';

const A = 'https://a.example';

describe('hook decisions', () => {
  const compiledA = buildPolicy({ origin: A });
  const compiledB = buildPolicy({ origin: 'https://b.example' });
  const decision = decideActual(compiledA, A) as CorsDecision;
  const raw = () => ({ method: 'GET', headers: { origin: A } }) as unknown as IncomingMessage;
  /** Names the callback each decision went to: the hook's ("reused") or one made now. */
  const seen: [string, CorsDecision, CompiledCorsPolicy<unknown>][] = [];
  const reused = (d: CorsDecision, p: CompiledCorsPolicy<unknown>) => seen.push(['reused', d, p]);
  const decided = (d: CorsDecision, p: CompiledCorsPolicy<unknown>) => seen.push(['decided', d, p]);
  beforeEach(() => (seen.length = 0));

  it("hands the hook's decision to the policy it was made with, and to no other", () => {
    const request = {};
    keepHookDecision(request, compiledA, decision);
    expect(hookDecisionFor(request, compiledA)).toBe(decision);
    expect(hookDecisionFor(request, compiledB)).toBeUndefined();
  });

  it('has nothing for a request the hook did not decide', () => {
    expect(hookDecisionFor({}, compiledA)).toBeUndefined();
  });

  it("reuses the hook's decision where the handle gives the same compiled policy", () => {
    const request = raw();
    keepHookDecision(request, compiledA, decision);
    void hookDecisionOrOwn(new PolicyHandle('a', compiledA), request, request, reused, decided, 0);
    expect(seen).toEqual([['reused', decision, compiledA]]);
  });

  it('decides again with the new policy when the handle was replaced since the hook', () => {
    const request = raw();
    const handle = new PolicyHandle('a', compiledA);
    keepHookDecision(request, compiledA, decision);
    handle.set(compiledB); // CorsPolicies.replace() between the hook and the guard
    void hookDecisionOrOwn(handle, request, request, reused, decided, 0);
    expect(seen).toEqual([['decided', expect.objectContaining({ allowed: false }), compiledB]]);
  });

  it('decides where the hook kept nothing', () => {
    const request = raw();
    void hookDecisionOrOwn(new PolicyHandle('a', compiledA), request, request, reused, decided, 0);
    expect(seen).toEqual([['decided', expect.objectContaining({ allowed: true }), compiledA]]);
  });

  it('compares with the answer a per-request policy kept for the request', async () => {
    const request = raw();
    const asked: object[] = [];
    const answer = Promise.resolve(compiledA);
    const perRequest = {
      policyFor: (r: object) => (asked.push(r), answer),
    } as unknown as RequestPolicy;
    keepHookDecision(request, compiledA, decision);
    const platformRequest = {};
    const handle = new PolicyHandle('per request', perRequest);
    await hookDecisionOrOwn(handle, platformRequest, request, reused, decided, 0);
    expect(seen).toEqual([['reused', decision, compiledA]]);
    expect(asked).toEqual([platformRequest]);
  });
});
