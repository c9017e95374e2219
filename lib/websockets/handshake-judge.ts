/**
 * Judges WebSocket handshakes, and preflights sent to socket.io paths, by the CORS policies of the
 * gateways they are for.
 */
import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { CorsModuleOptions } from '../policy/cors-module-options.js';
import { CorsPolicies } from '../nest/cors-policies.service.js';
import { registryOf } from '../nest/attached-registry.js';
import { refusalReasonOf } from '../policy/cors-events.js';
import { CORS_OPTIONS } from '../nest/cors-options.token.js';
import {
  appendVary,
  isSameOrigin,
  requestAuthorityOf,
  preflightMethodOf,
  type CorsDecision,
  type PreflightRequest,
} from '../engine/index.js';
import type { CorsPolicyRegistry } from '../policy/cors-policy-registry.js';
import type { PolicyHandle } from '../policy/policy-handle.js';
import {
  decideActualRequest,
  decidePreflightRequest,
  theDecision,
  type DecisionThen,
} from '../policy/decide-request.js';
import { findGateways, type Gateway, type NamespaceKey } from '../routing/gateways.js';
import { HandshakeLog } from './handshake-log.js';
import { CONFLICTING_ORIGINS, handshakeOrigin, header } from './handshake-origin.js';
import { handshakeRequestOf, type HandshakeRequest } from './handshake-request.js';
import {
  grantsCredentials,
  NOT_JUDGED,
  PASS,
  preflightVerdict,
  REFUSE,
  type Agreement,
  type HandshakeVerdict,
  type PreflightVerdict,
} from './handshake-verdict.js';

/** A policy to check, and the gateway it is for (none for the module default). */
interface Checked {
  readonly handle: PolicyHandle;
  readonly gateway: Gateway | undefined;
}

/**
 * Judges WebSocket handshakes by the CORS policies of the gateways they are for, as the request
 * hook judges HTTP requests by their route's policy: a request without an origin (not from a
 * browser) or from the server's own origin passes; any other passes when the policy allows its
 * origin, `Origin` or else `Sec-WebSocket-Origin` (see {@link handshakeOrigin}). Each gateway's
 * policy handle is kept from its first handshake (see {@link handleOf}); the policy is read from
 * it at every handshake, so that `CorsPolicies.replace()` and per-request policies apply to the
 * next one; a per-request policy gets the request as a {@link HandshakeRequest}. An error denies
 * and is logged, never thrown.
 */
export class HandshakeJudge {
  private readonly policies: CorsPolicies;
  private readonly modules: ModulesContainer;
  private readonly log: HandshakeLog;
  private scanned: Gateway[] | undefined;
  private readonly handles = new Map<Gateway, PolicyHandle | null>();

  /**
   * @param adapter the adapter's name, for messages.
   * @throws Error when `CorsModule` is not imported: without it there is no policy to judge by.
   */
  constructor(app: INestApplicationContext, adapter: string) {
    try {
      this.policies = app.get(CorsPolicies, { strict: false });
    } catch (error) {
      throw new Error(
        `${adapter} judges handshakes by the CORS policies of CorsModule, which this application does not import: add CorsModule.forRoot({ ... }) to the root module's imports.`,
        { cause: error },
      );
    }
    this.modules = app.get(ModulesContainer, { strict: false });
    let options: CorsModuleOptions | undefined;
    try {
      options = app.get<unknown, CorsModuleOptions>(CORS_OPTIONS, { strict: false });
    } catch {
      options = undefined;
    }
    this.log = new HandshakeLog(adapter, options?.debug === true);
  }

  /** The application's gateways, listed once Nest starts connecting them (all are known then). */
  get gateways(): readonly Gateway[] {
    this.scanned ??= findGateways(this.modules);
    return this.scanned;
  }

  /** The gateways Nest serves from one server: the same port and the same `path` option. */
  gatewaysAt(port: number, path: unknown): Gateway[] {
    return this.gateways.filter((gateway) => gateway.port === port && gateway.path === path);
  }

  /** The gateways of one socket.io namespace on one server. */
  gatewaysIn(port: number, path: unknown, namespace: NamespaceKey): Gateway[] {
    return this.gatewaysAt(port, path).filter((gateway) => gateway.namespace === namespace);
  }

  /** Logs, once per gateway, that its own `cors` option is not used (see {@link HandshakeLog}). */
  warnAboutOwnCors(gateways: readonly Gateway[]): void {
    this.log.ownCors(gateways);
  }

  /**
   * Whether a handshake may go on. `gateways` are those the request may reach; `@Cors(false)`
   * ones are not checked. With none at all the module default decides, rather than nothing. A
   * gateway whose per-request policy fails (throws, rejects, times out) refuses.
   */
  async judge(
    gateways: readonly Gateway[],
    request: IncomingMessage,
    agreement: Agreement,
  ): Promise<HandshakeVerdict> {
    const origin = handshakeOrigin(request);
    if (origin === CONFLICTING_ORIGINS) return REFUSE;
    const seen = handshakeRequestOf(request);
    if (isSameOrigin(origin, requestAuthorityOf(seen), header(request, 'sec-fetch-site')))
      return PASS;
    const checked = this.checkedPolicies(gateways, request);
    if (checked === undefined) return REFUSE;
    let denial: { decision: CorsDecision | undefined; checked: Checked } | undefined;
    let allowing: CorsDecision | undefined;
    let vary = '';
    for (const entry of checked) {
      const decision = await this.attempt(seen, entry, theDecision, origin);
      if (decision !== undefined) vary = appendVary(vary, decision.vary) ?? vary;
      // Compared where the connection reaches the gateway (a namespace, a ws server), not at
      // socket.io's engine level, which asks every gateway of the server about one connection.
      if (agreement === 'all' && decision !== undefined && entry.handle.trialled)
        this.compareTrial(entry, seen, decision, origin);
      if (decision?.allowed === true) {
        // The engine answers for every namespace of the server: when one gateway allows the
        // origin with credentials, its answer lets the page send them to that gateway.
        if (agreement === 'any' && grantsCredentials(decision))
          return { allowed: true, decision, vary };
        allowing ??= decision;
        continue;
      }
      denial ??= { decision, checked: entry };
      if (agreement === 'all') break;
    }
    if (agreement === 'any' && allowing !== undefined)
      return { allowed: true, decision: allowing, vary };
    if (denial === undefined) return { allowed: true, vary };
    // 'any', and no policy allowed: a @Cors(false) gateway of the server still takes everyone.
    if (agreement === 'any' && checked.length < Math.max(gateways.length, 1))
      return { allowed: true, vary };
    if (denial.decision !== undefined) {
      const { handle, gateway } = denial.checked;
      this.log.denial(request, origin, denial.decision, handle.label, gateway);
      const events = registryOf(this.policies).events;
      if (events.listening) {
        events.emit({
          kind: 'handshake-refused',
          reason: refusalReasonOf(denial.decision.reason).reason,
          gateway: gateway?.type.name ?? 'default',
          origin,
        });
      }
    }
    return { allowed: false, vary };
  }

  /**
   * Compares a handshake with the trial of the gateway's policy, as the request hook compares an
   * HTTP request: the route is named `gateway <class name>` (`gateway default` for none).
   */
  private compareTrial(
    { handle, gateway }: Checked,
    request: HandshakeRequest,
    decision: CorsDecision,
    origin: string | undefined,
  ): void {
    registryOf(this.policies).trials.compare(
      handle.policyFor(request),
      decision,
      origin,
      undefined,
      request,
      () => ({ route: `gateway ${gateway?.type.name ?? 'default'}`, method: 'GET' }),
    );
  }

  /**
   * The `Vary` names the policies of `gateways` give an answer without `Origin`, which the HTTP
   * hook would write for a route with those policies: a cache must not hand a response that a
   * per-request policy chose by a header to a request with another value of it. A policy that
   * cannot be resolved adds nothing (its requests are refused).
   */
  async varyWithoutOrigin(gateways: readonly Gateway[], request: IncomingMessage): Promise<string> {
    let vary = '';
    const seen = handshakeRequestOf(request);
    for (const entry of this.checkedPolicies(gateways, request) ?? []) {
      const decision = await this.attempt(seen, entry, theDecision, undefined);
      if (decision !== undefined) vary = appendVary(vary, decision.vary) ?? vary;
    }
    return vary;
  }

  /**
   * The answer to a CORS preflight for a socket.io path, or `undefined` when the request is no
   * preflight or no policy applies. A policy that approves it with credentials answers, else the
   * first that approves it; otherwise a denial without approving headers, as on HTTP routes.
   */
  async judgePreflight(
    gateways: readonly Gateway[],
    request: IncomingMessage,
  ): Promise<PreflightVerdict | undefined> {
    const origin = request.headers.origin;
    const method = preflightMethodOf(
      request.method,
      origin,
      header(request, 'access-control-request-method'),
    );
    if (method === undefined || origin === undefined) return undefined;
    // As for every request these adapters judge: two origins that disagree approve nothing.
    if (handshakeOrigin(request) === CONFLICTING_ORIGINS) return NOT_JUDGED;
    const checked = this.checkedPolicies(gateways, request);
    if (checked === undefined) return NOT_JUDGED;
    if (checked.length === 0) return undefined;
    const preflight = {
      origin,
      method,
      headers: header(request, 'access-control-request-headers'),
      privateNetwork: header(request, 'access-control-request-private-network'),
    };
    let approved: PreflightVerdict | undefined;
    let denied: PreflightVerdict | undefined;
    const seen = handshakeRequestOf(request);
    for (const entry of checked) {
      const verdict = await this.attempt(seen, entry, preflightVerdict, origin, preflight);
      if (verdict?.decision?.allowed === true) {
        if (grantsCredentials(verdict.decision)) return verdict;
        approved ??= verdict;
      } else {
        denied ??= verdict;
      }
    }
    return approved ?? denied ?? NOT_JUDGED;
  }

  /**
   * The policies to check: each gateway's, but for `@Cors(false)` ones; the module default when
   * no gateway is known. `undefined` when `CorsModule` has not compiled its policies yet.
   */
  private checkedPolicies(
    gateways: readonly Gateway[],
    request: IncomingMessage,
  ): Checked[] | undefined {
    let registry: CorsPolicyRegistry;
    try {
      registry = registryOf(this.policies);
    } catch (error) {
      this.log.error(request, error, undefined);
      return undefined;
    }
    if (gateways.length === 0) return [{ handle: registry.defaultHandle, gateway: undefined }];
    const checked: Checked[] = [];
    for (const gateway of gateways) {
      const handle = this.handleOf(registry, gateway);
      if (handle !== null) checked.push({ handle, gateway });
    }
    return checked;
  }

  /**
   * A gateway's policy handle, resolved at its first handshake (the server is made before
   * CorsModule compiles its policies) and kept: a handle follows `CorsPolicies.replace()` itself.
   * CorsModule has already resolved every gateway's policy at startup, so this cannot fail.
   */
  private handleOf(registry: CorsPolicyRegistry, gateway: Gateway): PolicyHandle | null {
    let handle = this.handles.get(gateway);
    if (handle === undefined) {
      handle = registry.resolveClass(gateway.type);
      this.handles.set(gateway, handle);
    }
    return handle;
  }

  /**
   * What `then` makes of the decision of the handle's policy for this request, or `undefined` when
   * deciding failed: an actual request's from `origin`, or, with `preflight`, the preflight's.
   */
  private async attempt<T>(
    request: HandshakeRequest,
    { handle, gateway }: Checked,
    then: DecisionThen<undefined, T>,
    origin: string | undefined,
    preflight?: PreflightRequest,
  ): Promise<T | undefined> {
    try {
      return await (preflight === undefined
        ? decideActualRequest(handle, request, request, origin, then, undefined)
        : decidePreflightRequest(handle, request, request, preflight, then, undefined));
    } catch (error) {
      this.log.error(request, error, gateway);
      return undefined;
    }
  }
}
