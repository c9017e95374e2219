/** The route a request reaches among host- or version-filtered handlers, and its policy. */
import type { IncomingMessage } from 'node:http';
import { VERSION_NEUTRAL } from '@nestjs/common';
import type { PolicyHandle } from '../policy/policy-handle.js';
import type { RouteRecord, RoutePolicy, RouteTarget } from './route-record.js';

/** Reads the version a request asks for under header or media-type versioning, if it can be read. */
export type VersionReader = (request: IncomingMessage) => string | undefined;

/** What choosing among conditional targets needs besides the request. */
export interface ResolutionContext {
  readonly defaultPolicy: PolicyHandle;
  readonly readVersion: VersionReader | undefined;
}

/**
 * Whether a handler's route can be passed over after the router picked it: Nest filters host-bound
 * controllers and non-URI versions inside the handler, so the router's answer alone does not say
 * whether that handler runs.
 */
export function isConditional(target: RouteTarget): boolean {
  return target.hosts !== undefined || target.versions !== undefined;
}

/**
 * What the router's answer for one request comes to: the targets that the route (or, where Nest
 * filters inside handlers, the routes) it picked lead to, in the order the router tries them.
 * When the first one is unconditional its policy is known at once; otherwise it is chosen per
 * request, from the request's host and the requested version.
 */
export class RouteResolution {
  /** Whether {@link policy} is the answer whatever the request carries. */
  readonly fixed: boolean;
  /** The answer when {@link fixed}. */
  readonly policy: RoutePolicy;

  private constructor(private readonly targets: readonly RouteTarget[]) {
    const first = targets[0]!;
    this.fixed = !isConditional(first);
    this.policy = first.policy;
  }

  /**
   * Whether a preflight for this route must not be kept in the browser's preflight cache: one of
   * its targets may share a URL with a route of another policy (see `SharedUrl`).
   */
  get sharesUrl(): boolean {
    for (const target of this.targets) if (target.sharedUrl?.disagrees === true) return true;
    return false;
  }

  /**
   * Whether a handler this request may reach with `policy` reads the request hook's decision
   * (see `RouteTarget.readsHookDecision`).
   */
  readsHookDecision(policy: RoutePolicy): boolean {
    for (const target of this.targets)
      if (target.policy === policy && target.readsHookDecision === true) return true;
    return false;
  }

  /** The first target, in router order, whose policy is `policy`: the route a log names. */
  targetWith(policy: RoutePolicy): RouteTarget | undefined {
    for (const target of this.targets) if (target.policy === policy) return target;
    return undefined;
  }

  /** @param targets at least one, in the order the router tries them. */
  static of(targets: readonly RouteTarget[]): RouteResolution {
    if (targets.length === 0) throw new RangeError('a route resolution needs a target');
    return new RouteResolution(targets);
  }

  /**
   * The policy for a request: the first target whose host matches `hostname` (the request's host
   * as the platform reads it, which is what Nest filters host-bound controllers by), then the one
   * whose version it asks for. A version the request does not show (every preflight, and custom versioning) cannot
   * be chosen by: then the candidates' policy if they all share one, else the default policy, and
   * the guard applies the exact one if a handler runs.
   */
  policyFor(hostname: string, request: IncomingMessage, context: ResolutionContext): RoutePolicy {
    if (this.fixed) return this.policy;
    const eligible = this.targets.filter(
      (target) => target.hosts === undefined || target.hosts.some((host) => host.test(hostname)),
    );
    const first = eligible[0];
    if (first === undefined) return context.defaultPolicy;
    if (first.versions === undefined) return first.policy;
    const versioned = eligible.filter((target) => target.versions !== undefined);
    const requested = context.readVersion?.(request);
    if (requested !== undefined) {
      const chosen =
        versioned.find((target) => target.versions!.includes(requested)) ??
        versioned.find((target) => target.versions!.includes(VERSION_NEUTRAL));
      return chosen === undefined ? context.defaultPolicy : chosen.policy;
    }
    return versioned.every((target) => target.policy === first.policy)
      ? first.policy
      : context.defaultPolicy;
  }
}

/**
 * The one definition of an ambiguous route: a conditional handler that shares its method and path
 * with a handler of another policy. Only a version or a host tells them apart, and a preflight
 * shows no version, so the request hook may apply the other policy; the guard corrects it once
 * the handler is known.
 */
export function ambiguousRecords(records: readonly RouteRecord[]): Set<RouteRecord> {
  const policiesByRoute = new Map<string, Set<RoutePolicy>>();
  const keyOf = (record: RouteRecord) => `${record.method} ${record.path}`;
  for (const record of records) {
    const policies = policiesByRoute.get(keyOf(record)) ?? new Set<RoutePolicy>();
    policies.add(record.policy);
    policiesByRoute.set(keyOf(record), policies);
  }
  return new Set(
    records.filter(
      (record) => isConditional(record) && policiesByRoute.get(keyOf(record))!.size > 1,
    ),
  );
}
