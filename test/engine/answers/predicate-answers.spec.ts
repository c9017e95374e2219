import { compilePolicy, decideActual, type CorsDecision } from '../../../lib/engine';

const A = 'https://a.example';

/** An origin predicate that answers as `state.failing` says: true, or a rejection. */
function tenantDatabase() {
  const state = { failing: false, calls: 0 };
  const predicate = async (origin: string) => {
    state.calls++;
    if (state.failing) throw new Error('tenant database down');
    return origin === A;
  };
  return { state, predicate };
}

const decided = (decision: CorsDecision | Promise<CorsDecision>) => Promise.resolve(decision);

describe('predicateCache.staleIfError through the engine', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('allows with the last good answer while the predicate fails, reports each failure, and denies past the bound', async () => {
    jest.useFakeTimers();
    const { state, predicate } = tenantDatabase();
    const reportError = jest.fn();
    const policy = compilePolicy(
      { origin: predicate, predicateCache: { ttl: 1_000, max: 10, staleIfError: 5_000 } },
      { reportError },
    );
    await expect(decided(decideActual(policy, A))).resolves.toMatchObject({ allowed: true });

    state.failing = true;
    jest.advanceTimersByTime(1_000);
    await expect(decided(decideActual(policy, A))).resolves.toMatchObject({ allowed: true });
    expect(reportError).toHaveBeenCalledTimes(1);
    expect(reportError).toHaveBeenCalledWith(
      new Error('tenant database down'),
      A,
      'stale-answer-served',
    );
    // Asked again at the next request: the failure is retried, not kept.
    await expect(decided(decideActual(policy, A))).resolves.toMatchObject({ allowed: true });
    expect(state.calls).toBe(3);

    // 6 s after the good answer arrived: too old to stand in.
    jest.advanceTimersByTime(5_000);
    await expect(decided(decideActual(policy, A))).resolves.toMatchObject({
      allowed: false,
      reason: 'origin-predicate-failed',
    });
    expect(reportError).toHaveBeenCalledTimes(3);
    expect(reportError).toHaveBeenLastCalledWith(new Error('tenant database down'), A, 'denied');
  });

  it('denies a failed refresh without staleIfError, as before', async () => {
    jest.useFakeTimers();
    const { state, predicate } = tenantDatabase();
    const reportError = jest.fn();
    const policy = compilePolicy(
      { origin: predicate, predicateCache: { ttl: 1_000, max: 10 } },
      { reportError },
    );
    await expect(decided(decideActual(policy, A))).resolves.toMatchObject({ allowed: true });
    state.failing = true;
    jest.advanceTimersByTime(1_000);
    await expect(decided(decideActual(policy, A))).resolves.toMatchObject({
      allowed: false,
      reason: 'origin-predicate-failed',
    });
    expect(reportError).toHaveBeenCalledTimes(1);
    expect(reportError).toHaveBeenCalledWith(new Error('tenant database down'), A, 'denied');
  });
});
