/** Policies computed per request as the user writes them: the function types and `perRequestPolicy()`. */
import type { AnswerCacheSettings } from '../engine/answers/answer-cache.js';
import type { CorsPolicyOptionsWithTrial } from './trial-policy.js';

/** The callback of a policy function written for `app.enableCors()` (Nest's `CorsOptionsCallback`). */
export type CorsPolicyCallback = (error: Error | null, value?: CorsPolicyOptionsWithTrial) => void;

/**
 * A policy computed for each request, once the route is known: per tenant, from a database, from
 * the `Host`. It gets the platform's request object (Express's `req`, Fastify's `request`) and
 * answers with policy options by returning them, by a promise, or through `callback(null, options)`
 * as Nest's `CorsOptionsDelegate` does (a function that declares the callback may return anything
 * else, such as a timer, and is awaited through it). What it answers is checked and compiled once per distinct
 * value; an invalid answer, an error or no answer within the timeout denies the request and is
 * logged.
 *
 * @example
 * ```ts
 * const byTenant: CorsPolicyFunction = async (req) => tenants.corsOptionsFor(req.headers.host);
 * ```
 */
// `any`, as in Nest's CorsOptionsDelegate<any>: users annotate the request with their platform's type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CorsPolicyFunction<TRequest = any> = (
  request: TRequest,
  callback: CorsPolicyCallback,
) => unknown;

/** How a per-request policy runs; see {@link perRequestPolicy}. */
export interface PerRequestPolicySettings {
  /**
   * The request headers the function's answer depends on (`['Host']` for a tenant chosen by host).
   * They go into the `Vary` of every response of the routes under this policy, so that a shared
   * cache does not serve one tenant's answer to another, and they are the key of `cache`.
   */
  readonly vary?: readonly string[];
  /** Milliseconds the function has to answer, 1 to 60000; past that the request is denied. Default: 2000. */
  readonly timeout?: number;
  /**
   * Keep answers for `ttl` milliseconds (at most `max` of them), keyed by the values of the `vary`
   * headers, with one call in flight per key. Only for a function whose answer depends on those
   * headers alone. Default: none, the function is called for every request.
   */
  readonly cache?: AnswerCacheSettings;
}

declare const perRequestPolicyBrand: unique symbol;

/** A {@link CorsPolicyFunction} with its settings, as {@link perRequestPolicy} makes it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as CorsPolicyFunction
export interface PerRequestCorsPolicy<TRequest = any> {
  readonly [perRequestPolicyBrand]: true;
  readonly source: CorsPolicyFunction<TRequest>;
  readonly settings: PerRequestPolicySettings;
}

const made = new WeakSet<object>();

/**
 * A policy computed per request, with the headers it depends on, a timeout and an optional cache.
 * Accepted wherever a policy is: `CorsModule.forRoot(...)`, `defaultPolicy`, `policies`, `@Cors(...)`.
 * A bare {@link CorsPolicyFunction} is the same with default settings.
 *
 * @example
 * ```ts
 * CorsModule.forRoot({
 *   defaultPolicy: perRequestPolicy(
 *     async (req) => ({ origin: await tenants.originsOf(req.headers.host), credentials: true }),
 *     { vary: ['Host'], timeout: 1000, cache: { ttl: 60_000, max: 1000 } },
 *   ),
 * });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as CorsPolicyFunction
export function perRequestPolicy<TRequest = any>(
  source: CorsPolicyFunction<TRequest>,
  settings: PerRequestPolicySettings = {},
): PerRequestCorsPolicy<TRequest> {
  const policy = Object.freeze({ source, settings: Object.freeze({ ...settings }) });
  made.add(policy);
  return policy as unknown as PerRequestCorsPolicy<TRequest>;
}

/** Whether a value is a per-request policy: a function, or what {@link perRequestPolicy} made. */
export function isPerRequestPolicy(
  value: unknown,
): value is CorsPolicyFunction | PerRequestCorsPolicy {
  return (
    typeof value === 'function' || (typeof value === 'object' && value !== null && made.has(value))
  );
}

/** A per-request policy with its settings, a bare function given the defaults. */
export function asPerRequestPolicy(
  value: CorsPolicyFunction | PerRequestCorsPolicy,
): PerRequestCorsPolicy {
  return typeof value === 'function' ? perRequestPolicy(value) : value;
}
