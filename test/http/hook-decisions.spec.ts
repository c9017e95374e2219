import { buildPolicy } from '../../lib/engine/build-policy';
import { decideActual, type CorsDecision } from '../../lib/engine';
import { hookDecisionFor, keepHookDecision } from '../../lib/http/hook-decisions';
import { PolicyHandle } from '../../lib/policy/policy-handle';

describe('hook decisions', () => {
  const one = new PolicyHandle('one', buildPolicy({ origin: 'https://a.example' }));
  const other = new PolicyHandle('other', buildPolicy({ origin: 'https://b.example' }));
  const decision = decideActual(one.fixedPolicy!, 'https://a.example') as CorsDecision;

  it("hands the hook's decision to the handle it was made with, and to no other", () => {
    const request = {};
    keepHookDecision(request, one, decision);
    expect(hookDecisionFor(request, one)).toBe(decision);
    expect(hookDecisionFor(request, other)).toBeUndefined();
  });

  it('has nothing for a request the hook did not decide', () => {
    expect(hookDecisionFor({}, one)).toBeUndefined();
  });
});
