/**
 * The request hook, platform-neutral: finds the route a request is for, decides it with that
 * route's policy and writes the answer before anything else runs.
 */
import type { IncomingMessage } from 'node:http';
import {
  preflightMethodOf,
  preflightStatusOf,
  requestAuthorityOf,
  uncacheable,
  whenSettled,
  type CompiledCorsPolicy,
  type CorsDecision,
  type CorsHeader,
  type MaybePromise,
  type PreflightRequest,
} from '../engine/index.js';
import { recordOf, type RoutePolicy, type RouteTarget } from '../routing/route-record.js';
import type { ResolutionContext, RouteResolution } from '../routing/route-resolution.js';
import {
  applyDecision,
  writeCorsHeaders,
  writeRefusalHeader,
  type HeaderAccess,
} from './response-headers.js';
import type { RefusalExplainer } from './refusal-header.js';
import type { CsrfTrust } from './csrf-trust.js';
import type { PathPolicy } from '../routing/path-policies.js';
import type { PolicyHandle } from '../policy/policy-handle.js';
import { decideActualRequest, decidePreflightRequest } from '../policy/decide-request.js';
import { actualDecisionSteps } from './actual-decision-steps.js';
import { answerWith, CONTINUE, type HookOutcome } from './hook-outcome.js';
import type { DenialLogger, TrialComparer } from './hook-reports.js';

export type { HookOutcome } from './hook-outcome.js';

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
  /**
   * The value of the debug header a refusal carries; present only where it is on (`debug: true`,
   * and outside production unless `debugHeader: 'even-in-production'`).
   */
  readonly explainRefusal?: RefusalExplainer | undefined;
  /** Where requests under a policy with a trial are compared with it. */
  readonly compareTrial?: TrialComparer | undefined;
  /** Where approvals are recorded for `corsTrusted()`, once it is switched on. */
  readonly csrfTrust: CsrfTrust;
}

/**
 * A preflight on its way through the hook: what it asks the policy, and what answering it needs.
 * The one object a preflight costs.
 */
interface HookPreflight<Req, Res> extends PreflightRequest {
  readonly request: Req;
  readonly raw: IncomingMessage;
  readonly response: Res;
  readonly route: RouteResolution | undefined;
  readonly handle: PolicyHandle;
  /**
   * Whether an approval must then be checked against the other routes of its URL (see
   * `cachingOf`).
   */
  readonly checkCaching: boolean;
}

const NO_HEADERS: readonly CorsHeader[] = [];

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
  ) {
    this.stepFor = actualDecisionSteps(settings.csrfTrust);
  }

  /** What is done with an actual request's decision before it is written. */
  private readonly stepFor: ReturnType<typeof actualDecisionSteps>;

  /**
   * Handles one request. Synchronous unless a per-request policy or an origin predicate answers
   * with a promise.
   *
   * @param request what the platform's hook was given.
   * @param raw the raw Node request behind it (the same object on Express).
   */
  handle(request: Req, raw: IncomingMessage, response: Res): MaybePromise<HookOutcome> {
    const headers = raw.headers;
    const origin = headers.origin;
    const settings = this.settings;
    if (origin === undefined) {
      const vary = settings.uniformNoOriginVary;
      if (vary !== undefined) {
        writeCorsHeaders(this.access, response, NO_HEADERS, vary);
        return CONTINUE;
      }
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
    if (requestMethod === undefined) {
      // Only a route whose policy is certain before the handler is chosen may vouch for CSRF.
      const vouch = settings.csrfTrust.enabled && route?.fixed === true;
      // Kept on the request only for a handler whose guard or interceptor reads it.
      const keep = route?.readsHookDecision(handle) === true;
      const step = this.stepFor(keep, vouch);
      const decision = decideActualRequest(handle, request, raw, origin, step, raw);
      return decision instanceof Promise
        ? decision.then((settled) =>
            this.concludeActual(settled, request, raw, response, route, handle),
          )
        : this.concludeActual(decision, request, raw, response, route, handle);
    }
    const caching = this.cachingOf(route, handle);
    const preflight: HookPreflight<Req, Res> = {
      origin: origin!,
      method: requestMethod,
      headers: headers['access-control-request-headers'],
      privateNetwork: headerValue(headers['access-control-request-private-network']),
      forbidCaching: caching === true,
      checkCaching: caching === undefined,
      request,
      raw,
      response,
      route,
      handle,
    };
    return decidePreflightRequest(
      handle,
      request,
      raw,
      preflight,
      this.concludePreflight,
      preflight,
    );
  }

  /**
   * Whether a preflight's approval must not be kept by the browser, which keeps it for the URL,
   * whatever method it was for: where a route of another policy may serve that URL for another
   * method, a kept approval would stand in for that route's own preflight. `undefined` when only
   * the router can say, once the preflight is approved (a refusal needs no answer).
   *
   * A preflight that a Nest route answers knows that from startup (`sharesUrl`). One that no Nest
   * route answers (a method no route serves there, a `paths` entry, a route outside Nest, a
   * host-bound or versioned handler that does not run for this request) is answered by a policy
   * no route of the URL was written with: then {@link siblingDisagrees} asks the router.
   */
  private cachingOf(route: RouteResolution | undefined, handle: PolicyHandle): boolean | undefined {
    if (route !== undefined) {
      const answering = route.targetWith(handle);
      if (answering !== undefined && recordOf(answering) !== undefined) return route.sharesUrl;
    }
    return undefined;
  }

  /**
   * Whether a Nest route of another policy serves this preflight's URL for another method: asks
   * the router which route a request of each method Nest serves would reach at this URL (at most
   * one question per method); any route whose policy is not this very handle says so.
   */
  private siblingDisagrees(request: Req, requestMethod: string, handle: PolicyHandle): boolean {
    for (const method of this.settings.routeMethods) {
      if (method === requestMethod) continue;
      const sibling = this.routes.preflightRoute(request, method);
      if (sibling !== undefined && !(sibling.fixed && sibling.policy === handle)) return true;
    }
    return false;
  }

  /** Writes an actual request's decision, then compares it with its policy's trial, if any. */
  private concludeActual(
    decision: CorsDecision,
    request: Req,
    raw: IncomingMessage,
    response: Res,
    route: RouteResolution | undefined,
    handle: PolicyHandle,
  ): HookOutcome {
    applyDecision(this.access, response, decision);
    if (!decision.allowed && decision.reason !== 'no-origin')
      this.refused(decision, raw, response, false, route, handle);
    // The policy that decided, read again: a field for a fixed policy, the request's own answer
    // for a per-request one.
    if (handle.trialled)
      this.settings.compareTrial?.(
        handle.policyFor(request),
        decision,
        request,
        raw,
        undefined,
        route,
        handle,
      );
    return CONTINUE;
  }

  /** After a refusal's headers: its debug header, where on, and its report (log, events). */
  private refused(
    decision: CorsDecision,
    raw: IncomingMessage,
    response: Res,
    preflight: boolean,
    route: RouteResolution | undefined,
    handle: PolicyHandle,
  ): void {
    const explain = this.settings.explainRefusal;
    if (explain !== undefined)
      writeRefusalHeader(this.access, response, explain(decision, route, handle));
    this.settings.logDenial?.(raw, decision, preflight, route, handle);
  }

  /**
   * Writes a preflight's decision (`Access-Control-Max-Age: 0` where caching it is forbidden); it
   * is then answered here unless the policy hands it on. Made once, as {@link vouched}.
   */
  private readonly concludePreflight = (
    decision: CorsDecision,
    policy: CompiledCorsPolicy<unknown>,
    preflight: HookPreflight<Req, Res>,
  ): HookOutcome => {
    const answer =
      preflight.checkCaching &&
      decision.allowed &&
      this.siblingDisagrees(preflight.request, preflight.method, preflight.handle)
        ? uncacheable(decision)
        : decision;
    applyDecision(this.access, preflight.response, answer);
    const { raw, route, handle } = preflight;
    if (!answer.allowed) this.refused(answer, raw, preflight.response, true, route, handle);
    if (handle.trialled)
      this.settings.compareTrial?.(
        policy,
        decision,
        preflight.request,
        raw,
        preflight,
        route,
        handle,
      );
    const status = preflightStatusOf(policy);
    return status === undefined ? CONTINUE : answerWith(status);
  };

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
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
