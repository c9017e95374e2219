/** The inside of a compiled policy: its rules and the header values computed ahead. */
import type { PredicateAnswers } from '../answers/predicate-answers.js';
import type { ApprovedPreflights } from './approved-preflights.js';
import type { CompiledCorsPolicy, CorsErrorReporter } from './compiled-policy.js';
import type { CorsDecision, CorsHeader, CorsReason } from './cors-decision.js';
import type { CorsOriginPredicate } from './cors-policy-options.js';
import type { RequestHeaderRule } from '../http/request-headers.js';
import type { OriginMatcher } from '../origin/origin-matcher.js';

/**
 * How a compiled policy judges an origin:
 * - `none`: no origin is allowed;
 * - `any`: every origin, answered with a literal `*` that does not depend on the request;
 * - `reflect`: every well-formed origin, echoed back;
 * - `match`: the origins a matcher accepts;
 * - `predicate`: whatever the user's function says.
 */
export type OriginRule<TRequest> =
  | { readonly kind: 'none' }
  | { readonly kind: 'any' }
  | { readonly kind: 'reflect' }
  | { readonly kind: 'match'; readonly matcher: OriginMatcher }
  | { readonly kind: 'predicate'; readonly predicate: CorsOriginPredicate<TRequest> };

/** How a compiled policy judges a preflight's requested method. */
export type MethodRule =
  { readonly kind: 'any' } | { readonly kind: 'listed'; readonly allowed: ReadonlySet<string> };

/**
 * What a compiled policy holds: every header value that does not depend on the request is
 * computed once, so that a request costs lookups, not string work. Frozen. Internal to the
 * package; the public type is the opaque {@link CompiledCorsPolicy}.
 */
export interface CompiledPolicy<TRequest = unknown> extends CompiledCorsPolicy<TRequest> {
  readonly credentials: boolean;
  readonly preflightContinue: boolean;
  readonly optionsSuccessStatus: number;
  readonly privateNetworkAccess: boolean;
  readonly allowNullOrigin: boolean;
  readonly originRule: OriginRule<TRequest>;
  readonly methodRule: MethodRule;
  readonly headerRule: RequestHeaderRule;
  readonly maxAgeValue: string | undefined;
  /** `Cache-Control` of an approved preflight, for shared caches, or `undefined` for none. */
  readonly preflightCacheControlValue: string | undefined;
  /** Headers every approved actual response carries besides `Access-Control-Allow-Origin`. */
  readonly actualHeadersAfterOrigin: readonly CorsHeader[];
  /** `Vary` of actual responses: `Origin` unless the answer never depends on it. */
  readonly actualVary: string;
  readonly preflightVary: string;
  /** Approved actual decisions for each exact origin, built ahead so that the common case allocates nothing. */
  readonly exactActualDecisions: ReadonlyMap<string, CorsDecision>;
  /** Approved preflight decisions kept once made, for exact origins (or `'*'`) and named methods. */
  readonly approvedPreflights: ApprovedPreflights;
  /**
   * The answer to an actual request without `Origin`: under `'*'` the same as with any origin (the
   * answer does not vary, so a shared cache may serve it to everyone), otherwise nothing approved.
   */
  readonly noOriginDecision: CorsDecision;
  readonly anyOriginActualDecision: CorsDecision;
  readonly deniedActualDecisions: ReadonlyMap<CorsReason, CorsDecision>;
  readonly deniedPreflightDecisions: ReadonlyMap<CorsReason, CorsDecision>;
  readonly reportError: CorsErrorReporter;
  /** Milliseconds an asynchronous origin predicate has to answer before the request is denied. */
  readonly predicateTimeout: number;
  /** Answers of the origin predicate by origin (and its `vary` headers), with `predicateCache`. */
  readonly predicateAnswers: PredicateAnswers | undefined;
}

/** The internals of a policy that {@link compilePolicy} made. */
export function internalsOf<TRequest>(
  policy: CompiledCorsPolicy<TRequest>,
): CompiledPolicy<TRequest> {
  return policy as CompiledPolicy<TRequest>;
}
