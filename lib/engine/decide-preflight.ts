/** The decision for a preflight: recognise one, and answer it (approve, or refuse with the reason). */
import {
  internalsOf,
  type CompiledPolicy,
  type MethodRule,
} from './model/compiled-policy-internals.js';
import type { CompiledCorsPolicy } from './model/compiled-policy.js';
import { decision, type CorsDecision, type CorsReason } from './model/cors-decision.js';
import { SAFELISTED_METHODS } from './http/methods.js';
import { checkRequestHeaders } from './http/request-headers.js';
import { isToken } from './http/tokens.js';
import { judgeOrigin, type OriginVerdict } from './judge-origin.js';
import { whenSettled, type MaybePromise } from './answers/maybe-promise.js';
import { approvedPreflightHeaders } from './preflight-headers.js';

/** The request headers that make a preflight, as received. */
export interface PreflightRequest {
  /** `Origin`. */
  readonly origin: string;
  /** `Access-Control-Request-Method`. */
  readonly method: string;
  /** `Access-Control-Request-Headers`, if sent. */
  readonly headers?: string | undefined;
  /** `Access-Control-Request-Private-Network`, if sent. */
  readonly privateNetwork?: string | undefined;
  /**
   * Answer an approval with `Access-Control-Max-Age: 0`, whatever `maxAge` says: for a URL whose
   * handlers answer some origin differently by method. The browser's preflight cache keeps what one
   * answer approved for the whole URL, where it would stand in for another handler's own answer.
   */
  readonly forbidCaching?: boolean | undefined;
}

/**
 * Whether a request is a CORS preflight: an `OPTIONS` request with both `Origin` and
 * `Access-Control-Request-Method` (https://fetch.spec.whatwg.org/#cors-preflight-request). Any
 * other `OPTIONS` request belongs to the application.
 */
export function isPreflight(
  method: string | undefined,
  origin: string | undefined,
  requestMethod: string | undefined,
): boolean {
  return preflightMethodOf(method, origin, requestMethod) !== undefined;
}

/**
 * The method a preflight asks for (its `Access-Control-Request-Method`), or `undefined` when the
 * request is no preflight (see {@link isPreflight}).
 */
export function preflightMethodOf(
  method: string | undefined,
  origin: string | undefined,
  requestMethod: string | undefined,
): string | undefined {
  return method === 'OPTIONS' && origin !== undefined ? requestMethod : undefined;
}

/**
 * Decides the answer to a preflight. Whether approved or denied, the answer's status is the
 * policy's `optionsSuccessStatus`; a denial simply carries no approving header, which the browser
 * reads as a refusal.
 *
 * @param request passed to an origin predicate, if the policy has one.
 * @returns the decision; a promise only when the policy's origin predicate returns one.
 *
 * @example
 * ```ts
 * const policy = compilePolicy({ origin: 'https://app.example.com', methods: ['PUT'], allowedHeaders: ['X-Token'] });
 * decidePreflight(policy, { origin: 'https://app.example.com', method: 'PUT', headers: 'x-token' }).allowed; // true
 * decidePreflight(policy, { origin: 'https://app.example.com', method: 'PUT', headers: 'x-other' }).reason;
 * // 'header-not-allowed: x-other'
 * ```
 */
export function decidePreflight<TRequest>(
  compiled: CompiledCorsPolicy<TRequest>,
  preflight: PreflightRequest,
  request?: TRequest,
): MaybePromise<CorsDecision> {
  const policy = internalsOf(compiled);
  return whenSettled(
    judgeOrigin(policy, preflight.origin, request as TRequest),
    preflightDecision,
    policy,
    preflight,
  );
}

function preflightDecision<TRequest>(
  verdict: OriginVerdict,
  policy: CompiledPolicy<TRequest>,
  preflight: PreflightRequest,
): CorsDecision {
  if (verdict !== 'allowed') return deny(policy, verdict);

  const method = preflight.method;
  if (!isToken(method)) return deny(policy, 'method-malformed');
  const askedForPrivateNetwork = preflight.privateNetwork === 'true';
  const forbidCaching = preflight.forbidCaching === true;
  const requestedHeaders = preflight.headers ?? '';
  // An approval kept from an earlier preflight that asked exactly this: checked then.
  if (!askedForPrivateNetwork) {
    const kept = policy.approvedPreflights.find(
      preflight.origin,
      method,
      requestedHeaders,
      forbidCaching,
    );
    if (kept !== undefined) return kept;
  }

  if (!allowsMethod(policy.methodRule, method)) return deny(policy, 'method-not-allowed');

  const headerRefusal = checkRequestHeaders(requestedHeaders, policy.headerRule);
  if (headerRefusal !== undefined) return deny(policy, headerRefusal as CorsReason);

  if (askedForPrivateNetwork && !policy.privateNetworkAccess)
    return deny(policy, 'private-network-not-allowed');

  if (!askedForPrivateNetwork)
    return policy.approvedPreflights.approve(
      preflight.origin,
      method,
      requestedHeaders,
      forbidCaching,
    );
  const allowOrigin = policy.originRule.kind === 'any' ? '*' : preflight.origin;
  return decision(
    true,
    'allowed',
    approvedPreflightHeaders(policy, allowOrigin, method, requestedHeaders, true, forbidCaching),
    policy.preflightVary,
  );
}

/** Whether a method passes `rule`, as a preflight's requested method or an actual request's. */
export function allowsMethod(rule: MethodRule, method: string): boolean {
  // GET, HEAD and POST are CORS-safelisted methods, which pass without being listed
  // (https://fetch.spec.whatwg.org/#cors-safelisted-method, and step 6 of the CORS-preflight cache
  // check in https://fetch.spec.whatwg.org/#cors-preflight-fetch).
  return rule.kind !== 'listed' || rule.allowed.has(method) || SAFELISTED_METHODS.has(method);
}

/**
 * The status a preflight answered by this policy gets (`optionsSuccessStatus`), or `undefined`
 * when the policy hands preflights on to the application (`preflightContinue`).
 */
export function preflightStatusOf(policy: CompiledCorsPolicy<never>): number | undefined {
  const internals = internalsOf(policy);
  return internals.preflightContinue ? undefined : internals.optionsSuccessStatus;
}

function deny<TRequest>(policy: CompiledPolicy<TRequest>, reason: CorsReason): CorsDecision {
  return (
    policy.deniedPreflightDecisions.get(reason) ?? decision(false, reason, [], policy.preflightVary)
  );
}
