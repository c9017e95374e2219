/** The handle a route reads its policy from, which the registry refills when policies are replaced. */
import type { CompiledCorsPolicy, MaybePromise } from '../engine/index.js';
import type { RequestPolicy } from './request-policy.js';
import { trialOf } from './trial-policy.js';

/** What a handle holds: one policy for every request, or a policy computed per request. */
export type PolicyValue = CompiledCorsPolicy<unknown> | RequestPolicy;

/**
 * Where a route finds its policy. Every route that resolves the same way (the module default, a
 * named policy, a controller's `@Cors()`...) shares one handle, and `CorsPolicies` replaces what
 * the handles hold when the configuration changes: routes, the platform's route table, the guard
 * and the interceptor keep their handles and see the new policy on the next request.
 */
export class PolicyHandle {
  /** Set when the policy is the same for every request: then a request costs one field read. */
  private fixed: CompiledCorsPolicy<unknown> | undefined;
  private perRequest: RequestPolicy | undefined;
  /**
   * Whether a request's policy may carry a trial to compare (see `trialOf`): the fixed policy has
   * one, or the policy is computed per request, whose answers may. Read on every request, so that
   * routes without a trial pay one field read for trials.
   */
  private mayTrial = false;

  constructor(
    /** Where the policy was declared, such as `ItemsController.update`, for logs and reports. */
    readonly label: string,
    value: PolicyValue,
  ) {
    this.set(value);
  }

  /** The policy for this request; a promise only when a per-request policy answers with one. */
  policyFor(request: object): MaybePromise<CompiledCorsPolicy<unknown>> {
    return this.fixed ?? this.perRequest!.policyFor(request);
  }

  /** The policy every request gets, or `undefined` when it is computed per request. */
  get fixedPolicy(): CompiledCorsPolicy<unknown> | undefined {
    return this.fixed;
  }

  /** Whether a request's policy may carry a trial: `false` means it never does. */
  get trialled(): boolean {
    return this.mayTrial;
  }

  /** Replaces the policy; only the registry calls it, for all handles at once. */
  set(value: PolicyValue): void {
    const perRequest = isRequestPolicy(value);
    this.fixed = perRequest ? undefined : value;
    this.perRequest = perRequest ? value : undefined;
    this.mayTrial = perRequest || trialOf(value) !== undefined;
  }
}

function isRequestPolicy(value: PolicyValue): value is RequestPolicy {
  return typeof (value as Partial<RequestPolicy>).policyFor === 'function';
}

/**
 * Where a route finds its CORS policy, or `null` when `@Cors(false)` switched CORS off for it. A
 * handle, not the policy itself: the policy may be computed per request, and may be replaced at
 * run time.
 */
export type RoutePolicy = PolicyHandle | null;
