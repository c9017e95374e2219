/**
 * Where trials are compared and their differences recorded: decided on the request the policy in
 * force answered, counted per route, logged (rate-limited) and emitted as `trial-difference` events.
 */
import {
  type CompiledCorsPolicy,
  type CorsDecision,
  type MaybePromise,
  type PreflightRequest,
} from '../engine/index.js';
import {
  refusalReasonOf,
  type CorsEventStream,
  type CorsTrialDifferenceEvent,
} from './cors-events.js';
import { MAX_ORIGIN_KEY, TopOrigins } from './top-origins.js';
import { decideTrial, type CorsTrialDifference, type TrialOutcome } from './trial-difference.js';
import { TrialLog } from './trial-log.js';

/** Routes (and gateways) counted at most: their labels are declared routes, a bounded set. */
export const MAX_TRIAL_ROUTES = 10_000;
/**
 * Trials waiting on an origin predicate at most. The response does not wait for its trial, so a
 * slow predicate would otherwise gather calls (and the requests they hold) without bound; past
 * this, requests are answered without being compared until some settle.
 */
export const MAX_PENDING_TRIALS = 1_000;

/** One origin and one difference, and how many requests had it (an upper bound, see `TopOrigins`). */
export interface CorsTrialOriginCount {
  /** The request's `Origin`, cut at 256 characters. */
  readonly origin: string;
  /** What the trial would have changed for it. */
  readonly difference: CorsTrialDifference;
  /** How many requests: never below the truth, and exact while the route saw 10 pairs or fewer. */
  readonly count: number;
}

/** The trial differences of one route (or `paths` entry, `default`, or gateway) since start. */
export interface CorsTrialRouteCounts {
  /** As events name it: `GET /users/:id`, `paths /docs`, `default`, `gateway ChatGateway`. */
  readonly route: string;
  /** Requests the trial would have answered differently, in all. */
  readonly total: number;
  /** Of them, how many per kind of difference. */
  readonly differences: Readonly<Partial<Record<CorsTrialDifference, number>>>;
  /** The (origin, difference) pairs seen most, most first: at most 10. */
  readonly topOrigins: readonly CorsTrialOriginCount[];
}

/** The trial differences since start, per route: what `CorsPolicies.trialCounts()` returns. */
export interface CorsTrialCounts {
  /** When counting started (the application's start), ISO 8601. */
  readonly since: string;
  /** Routes with most differences first. */
  readonly routes: readonly CorsTrialRouteCounts[];
}

/** Where a compared request was for, as events name it. */
export interface TrialSite {
  readonly route: string;
  /** The request's method; for a preflight, the method it asks for. */
  readonly method: string;
}

interface RouteCounter {
  total: number;
  readonly differences: Partial<Record<CorsTrialDifference, number>>;
  readonly origins: TopOrigins;
}

/** Separates a difference from its origin in a counted key; no difference holds a newline. */
const KEY_SEPARATOR = '\n';
/** A counted key at most: the longest difference, the separator, an origin as `TopOrigins` keeps one. */
const LONGEST_KEY = 'answers-differently'.length + 1 + MAX_ORIGIN_KEY;

/**
 * Compares requests with their policy's trial and records each difference: counted here (bounded:
 * 10,000 routes, 10 origins each), logged through {@link TrialLog}, emitted to `CorsEvents`.
 */
export class TrialRecorder {
  private readonly since = new Date();
  private readonly routes = new Map<string, RouteCounter>();
  private readonly log: TrialLog;
  /** Trials waiting on an origin predicate now (see {@link MAX_PENDING_TRIALS}). */
  private pending = 0;

  constructor(
    private readonly events: CorsEventStream,
    warn: (message: string) => void,
    /** Where an error of the comparison itself goes: it never reaches the request. */
    readonly failed: (error: unknown) => void,
    now?: () => number,
  ) {
    this.log = new TrialLog(warn, now);
  }

  /**
   * Decides `policy`'s trial on the request `decision` answered, and records a difference. Call it
   * only where the policy may have a trial (`PolicyHandle.trialled`); it never throws or rejects.
   *
   * @param policy the policy that made `decision` (a promise where a per-request policy answered
   *   with one; it has settled by then).
   * @param site the route and method (a refusal's label, as events name it), asked only once the
   *   trial differs; `undefined` where the request turns out not to be cross-origin (nothing is
   *   recorded then).
   */
  compare(
    policy: MaybePromise<CompiledCorsPolicy<unknown>>,
    decision: CorsDecision,
    origin: string | undefined,
    preflight: PreflightRequest | undefined,
    judged: object,
    site: () => TrialSite | undefined,
  ): void {
    try {
      if (policy instanceof Promise) {
        policy
          .then((settled) => this.compareWith(settled, decision, origin, preflight, judged, site))
          .catch(this.failed);
      } else {
        this.compareWith(policy, decision, origin, preflight, judged, site);
      }
    } catch (error) {
      this.failed(error);
    }
  }

  private compareWith(
    policy: CompiledCorsPolicy<unknown>,
    decision: CorsDecision,
    origin: string | undefined,
    preflight: PreflightRequest | undefined,
    judged: object,
    site: () => TrialSite | undefined,
  ): void {
    if (this.pending >= MAX_PENDING_TRIALS) return;
    const outcome = decideTrial(policy, decision, origin, preflight, judged);
    if (outcome instanceof Promise) {
      this.pending++;
      outcome
        .then((settled) => this.found(settled, origin, preflight !== undefined, site))
        .catch(this.failed)
        .finally(() => this.pending--);
    } else {
      this.found(outcome, origin, preflight !== undefined, site);
    }
  }

  /** Records a difference, unless there is none or `site` says the request was not cross-origin. */
  private found(
    outcome: TrialOutcome | undefined,
    origin: string | undefined,
    preflight: boolean,
    site: () => TrialSite | undefined,
  ): void {
    if (outcome === undefined) return;
    const where = site();
    if (where !== undefined) this.record(outcome, String(origin), preflight, where);
  }

  /** The counts since start, routes with most differences first. */
  counts(): CorsTrialCounts {
    const routes = [...this.routes]
      .map(([route, c]) => ({
        route,
        total: c.total,
        differences: { ...c.differences },
        topOrigins: c.origins.list().map(({ key, count }) => {
          const at = key.indexOf(KEY_SEPARATOR);
          return {
            origin: key.slice(at + 1),
            difference: key.slice(0, at) as CorsTrialDifference,
            count,
          };
        }),
      }))
      .sort((a, b) => b.total - a.total || (a.route < b.route ? -1 : 1));
    return { since: this.since.toISOString(), routes };
  }

  /** Origins held, over every route: what the bounds bound (for tests). */
  get originsHeld(): number {
    let held = 0;
    for (const counter of this.routes.values()) held += counter.origins.size;
    return held;
  }

  private record(outcome: TrialOutcome, origin: string, preflight: boolean, site: TrialSite): void {
    const { difference } = outcome;
    const counter = this.counterOf(site.route);
    if (counter !== undefined) {
      counter.total++;
      counter.differences[difference] = (counter.differences[difference] ?? 0) + 1;
      // The origin cut as the refusal counts cut theirs: the key is then never cut again.
      counter.origins.add(`${difference}${KEY_SEPARATOR}${origin.slice(0, MAX_ORIGIN_KEY)}`);
    }
    const refused = difference === 'refuses' || difference === 'allows';
    const { reason, header } = refused
      ? refusalReasonOf(outcome.refusal.reason)
      : { reason: undefined, header: undefined };
    const event: CorsTrialDifferenceEvent = {
      kind: 'trial-difference',
      difference,
      reason,
      header,
      route: site.route,
      method: site.method,
      preflight,
      origin,
    };
    // The origin cut as counted: a key stays small whatever the client sent.
    this.log.record(`${site.route}\n${difference}\n${origin.slice(0, MAX_ORIGIN_KEY)}`, () =>
      describe(event),
    );
    if (this.events.listening) this.events.emit(event);
  }

  private counterOf(route: string): RouteCounter | undefined {
    let counter = this.routes.get(route);
    if (counter === undefined) {
      if (this.routes.size >= MAX_TRIAL_ROUTES) return undefined;
      counter = { total: 0, differences: {}, origins: new TopOrigins(LONGEST_KEY) };
      this.routes.set(route, counter);
    }
    return counter;
  }
}

/** A log line for one difference, naming what the trial would change and for whom. */
function describe(event: CorsTrialDifferenceEvent): string {
  const request = `${event.preflight ? `a preflight for ${event.method}` : `a ${event.method} request`} on route ${event.route} from ${JSON.stringify(event.origin)}`;
  const why =
    event.reason === undefined
      ? ''
      : ` (${event.reason}${event.header === undefined ? '' : `: ${event.header}`})`;
  const change: Record<CorsTrialDifference, string> = {
    refuses: `would refuse ${request}${why}, which the policy in force allows`,
    allows: `would allow ${request}, which the policy in force refuses${why}`,
    'drops-credentials': `would answer ${request} without credentials, which the policy in force allows`,
    'exposes-fewer-headers': `would hide response headers from ${request} that the policy in force exposes`,
    'answers-differently': `would answer ${request} with other CORS headers (nothing the page can do changes)`,
  };
  return `CORS trial: the trial policy ${change[event.difference]}. Logged once a minute per route, origin and difference.`;
}
