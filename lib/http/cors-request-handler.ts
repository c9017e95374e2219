import type { IncomingMessage } from 'node:http';
import {
  appendVary,
  decideActual,
  namesCredentialedOrigins,
  decidePreflight,
  type CompiledCorsPolicy,
  type CorsDecision,
  type MaybePromise,
  preflightMethodOf,
  preflightStatusOf,
  requestAuthorityOf,
  uncacheable,
  whenSettled,
} from '../engine/index.js';
import { recordOf, type RoutePolicy, type RouteTarget } from '../routing/route-record.js';
import type { ResolutionContext, RouteResolution } from '../routing/route-resolution.js';
import type { HeaderAccess } from './response-headers.js';
import type { CsrfTrust } from './csrf-trust.js';
import type { PathPolicy } from '../routing/path-policies.js';
import type { PolicyHandle } from '../policy/policy-handle.js';

/** What the platform hook must do once the CORS work for a request is done. */
export type HookOutcome =
  /** Hand the request on to the application. */
  | { readonly kind: 'continue' }
  /** A preflight answered here: end the response with this status and an empty body. */
  | { readonly kind: 'answer'; readonly status: number };

const CONTINUE: HookOutcome = Object.freeze({ kind: 'continue' });

/**
 * Logs a denial; present only with `debug: true`. `route` is what the router resolved the request
 * to (`undefined` for no route) and `handle` where its policy came from.
 */
export type DenialLogger = (
  request: IncomingMessage,
  decision: CorsDecision,
  preflight: boolean,
  route: RouteResolution | undefined,
  handle: PolicyHandle,
) => void;

/**
 * Which route a request is for, as the platform's own router says. `Req` is what the platform's
 * hook is given (Express's `req`, Fastify's `request`).
 */
export interface RouteFinder<Req> {
  /** The route the router picked for this request, or `undefined` when it picked none of Nest's. */
  actualRoute(request: Req): RouteResolution | undefined;
  /**
   * The route an actual request with `method` to this preflight's URL would be routed to, or
   * `undefined` when there is none. Asked with the preflight's `Access-Control-Request-Method`,
   * and, for a preflight no Nest route answers, with every method of {@link
   * RequestHandlerSettings.routeMethods}.
   */
  preflightRoute(request: Req, method: string): RouteResolution | undefined;
}

/** What the request handler needs from the rest of the module, fixed at startup. */
export interface RequestHandlerSettings extends ResolutionContext {
  /** Where a route that Nest did not register leads: the default policy, unconditionally. */
  readonly defaultRoute: RouteTarget;
  /**
   * The module's `paths`: where requests that no Nest route serves find their policy, before the
   * default. The platform decides which entry covers a request.
   */
  readonly pathPolicies: readonly PathPolicy[];
  /** Every method of a Nest route, once (see `servedMethods`): what a fallback preflight asks. */
  readonly routeMethods: readonly string[];
  /**
   * `Vary` for requests without Origin when every policy agrees on it, so that no lookup is needed;
   * a getter of `UniformNoOriginVary`, which recomputes it when the policies are replaced.
   */
  readonly uniformNoOriginVary: string | undefined;
  readonly logDenial: DenialLogger | undefined;
  /** Where approvals are recorded for `corsTrusted()`, once it is switched on. */
  readonly csrfTrust: CsrfTrust;
}

/**
 * The platform-neutral body of the request hook: answers preflights with the policy of the route
 * they are for, and writes an actual request's CORS headers before anything else runs, so that
 * every response, an error included, carries them. Which route a request is for comes from the
 * platform's router, through a {@link RouteFinder}.
 */
export class CorsRequestHandler<Req extends object, Res> {
  constructor(
    private readonly routes: RouteFinder<Req>,
    private readonly access: HeaderAccess<Res>,
    private readonly settings: RequestHandlerSettings,
  ) {}

  /**
   * Handles one request. Synchronous unless an origin predicate answers with a promise.
   *
   * @param request what the platform's hook was given.
   * @param raw the raw Node request behind it (the same object on Express).
   */
  handle(request: Req, raw: IncomingMessage, response: Res): MaybePromise<HookOutcome> {
    const headers = raw.headers;
    const origin = headers.origin;
    const settings = this.settings;
    if (origin === undefined && settings.uniformNoOriginVary !== undefined) {
      appendToVary(this.access, response, settings.uniformNoOriginVary);
      return CONTINUE;
    }
    const requestMethod = preflightMethodOf(
      raw.method,
      origin,
      headers['access-control-request-method'],
    );
    const route =
      requestMethod === undefined
        ? this.routes.actualRoute(request)
        : this.routes.preflightRoute(request, requestMethod);
    const handle = this.policyOf(route, request, raw);
    if (handle === null) return CONTINUE;
    const policy = handle.policyFor(request);
    // Only a route whose policy is certain before the handler is chosen may vouch for CSRF.
    const vouches =
      settings.csrfTrust.enabled && requestMethod === undefined && route?.fixed === true;
    const forbidCaching =
      requestMethod === undefined ? false : this.cachingOf(request, requestMethod, route, handle);
    return policy instanceof Promise
      ? policy.then((settled) =>
          this.decide(settled, raw, response, requestMethod, vouches, forbidCaching, route, handle),
        )
      : this.decide(policy, raw, response, requestMethod, vouches, forbidCaching, route, handle);
  }

  /**
   * Whether a preflight's approval must not be kept by the browser, which keeps it for the URL,
   * whatever method it was for: where a route of another policy may serve that URL for another
   * method, a kept approval would stand in for that route's own preflight.
   *
   * A preflight that a Nest route answers knows that from startup (`sharesUrl`). One that no Nest
   * route answers (a method no route serves there, a `paths` entry, a route outside Nest, a
   * host-bound or versioned handler that does not run for this request) is answered by a policy
   * no route of the URL was written with: then a check, run only if the preflight is approved,
   * asks the router which route a request of each method Nest serves would reach at this URL (at
   * most one question per method), and any route whose policy is not this very handle forbids it.
   */
  private cachingOf(
    request: Req,
    requestMethod: string,
    route: RouteResolution | undefined,
    handle: PolicyHandle,
  ): ForbidCaching {
    if (route !== undefined) {
      const answering = route.targetWith(handle);
      if (answering !== undefined && recordOf(answering) !== undefined) return route.sharesUrl;
    }
    return () => this.siblingDisagrees(request, requestMethod, handle);
  }

  /** Whether a Nest route of another policy serves this preflight's URL for another method. */
  private siblingDisagrees(request: Req, requestMethod: string, handle: PolicyHandle): boolean {
    for (const method of this.settings.routeMethods) {
      if (method === requestMethod) continue;
      const sibling = this.routes.preflightRoute(request, method);
      if (sibling !== undefined && !(sibling.fixed && sibling.policy === handle)) return true;
    }
    return false;
  }

  /**
   * Decides with the route's policy: a preflight when it asks for `requestMethod`. With `vouches`,
   * an approval that names the origin with credentials is recorded for `corsTrusted()`; with
   * `forbidCaching` (or once approved, when it is a check that says so), a preflight is answered
   * `Access-Control-Max-Age: 0`. `route` and `handle` say which route and policy decided, for logs.
   */
  private decide(
    policy: CompiledCorsPolicy<IncomingMessage>,
    raw: IncomingMessage,
    response: Res,
    requestMethod: string | undefined,
    vouches: boolean,
    forbidCaching: ForbidCaching,
    route: RouteResolution | undefined,
    handle: PolicyHandle,
  ): MaybePromise<HookOutcome> {
    const headers = raw.headers;
    if (requestMethod === undefined) {
      let decision = decideActual(policy, headers.origin, raw);
      if (vouches && namesCredentialedOrigins(policy)) {
        const trust = this.settings.csrfTrust;
        decision = whenSettled(decision, recordApproval, trust, raw);
      }
      return this.conclude(decision, raw, response, policy, false, route, handle);
    }
    const decision = decidePreflight(
      policy,
      {
        origin: headers.origin!,
        method: requestMethod,
        headers: headers['access-control-request-headers'],
        privateNetwork: headerValue(headers['access-control-request-private-network']),
        forbidCaching: forbidCaching === true,
      },
      raw,
    );
    const checked =
      typeof forbidCaching === 'function'
        ? whenSettled(decision, uncacheableIfChecked, forbidCaching, undefined)
        : decision;
    return this.conclude(checked, raw, response, policy, true, route, handle);
  }

  /**
   * {@link handle}, for a platform hook: `finish(outcome, response, next)` runs now, or once an
   * async origin predicate answers, and an error, thrown or rejected, goes to `next` instead of
   * escaping. Nothing is allocated for it on the synchronous path.
   */
  run<Next extends (error: Error) => void>(
    request: Req,
    raw: IncomingMessage,
    response: Res,
    finish: (outcome: HookOutcome, response: Res, next: Next) => void,
    next: Next,
  ): void {
    let outcome: MaybePromise<HookOutcome>;
    try {
      outcome = this.handle(request, raw, response);
    } catch (error) {
      next(error as Error);
      return;
    }
    void whenSettled(outcome, finish, response, next, next as (error: unknown) => void);
  }

  private policyOf(
    route: RouteResolution | undefined,
    request: Req,
    raw: IncomingMessage,
  ): RoutePolicy {
    if (route === undefined) return this.settings.defaultPolicy;
    if (route.fixed) return route.policy;
    // Nest picks a host-bound controller by the platform's hostname: `:authority` on HTTP/2, the
    // forwarded host behind a trusted proxy. The Host header alone would pick another handler.
    return route.policyFor(requestAuthorityOf(request).hostname, raw, this.settings);
  }

  private conclude(
    decision: MaybePromise<CorsDecision>,
    raw: IncomingMessage,
    response: Res,
    policy: CompiledCorsPolicy<IncomingMessage>,
    preflight: boolean,
    route: RouteResolution | undefined,
    handle: PolicyHandle,
  ): MaybePromise<HookOutcome> {
    // Written out rather than through whenSettled: it needs six values besides the decision.
    return decision instanceof Promise
      ? decision.then((settled) =>
          this.apply(settled, raw, response, policy, preflight, route, handle),
        )
      : this.apply(decision, raw, response, policy, preflight, route, handle);
  }

  /** Writes the decision; a preflight is then answered here unless the policy hands it on. */
  private apply(
    decision: CorsDecision,
    request: IncomingMessage,
    response: Res,
    policy: CompiledCorsPolicy<IncomingMessage>,
    preflight: boolean,
    route: RouteResolution | undefined,
    handle: PolicyHandle,
  ): HookOutcome {
    applyDecision(this.access, response, decision);
    if (!decision.allowed && decision.reason !== 'no-origin')
      this.settings.logDenial?.(request, decision, preflight, route, handle);
    const status = preflight ? preflightStatusOf(policy) : undefined;
    return status === undefined ? CONTINUE : answerWith(status);
  }
}

/**
 * Whether a preflight's approval must not be cached: known before deciding, or a check worth
 * running only once the preflight is approved (it asks the router; a refusal needs no answer).
 */
type ForbidCaching = boolean | (() => boolean);

function uncacheableIfChecked(decision: CorsDecision, forbids: () => boolean): CorsDecision {
  return decision.allowed && forbids() ? uncacheable(decision) : decision;
}

function recordApproval(decision: CorsDecision, trust: CsrfTrust, request: IncomingMessage) {
  if (decision.allowed) trust.record(request);
  return decision;
}

/** Writes a decision's headers and appends its `Vary` names to whatever `Vary` is there. */
export function applyDecision<R>(
  access: HeaderAccess<R>,
  response: R,
  decision: CorsDecision,
): void {
  for (const [name, value] of decision.headers) access.set(response, name, value);
  appendToVary(access, response, decision.vary);
}

function appendToVary<R>(access: HeaderAccess<R>, response: R, names: string): void {
  if (names === '') return;
  const vary = appendVary(access.get(response, 'vary'), names);
  if (vary !== undefined) access.set(response, 'Vary', vary);
}

/** The outcome of answering a preflight, one per status, so that answering allocates nothing. */
const ANSWERS = new Map<number, HookOutcome>();
function answerWith(status: number): HookOutcome {
  let answer = ANSWERS.get(status);
  if (answer === undefined) {
    answer = Object.freeze({ kind: 'answer', status });
    ANSWERS.set(status, answer);
  }
  return answer;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
