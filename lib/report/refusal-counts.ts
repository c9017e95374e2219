/**
 * The report's counts since start: refusals per route (and per gateway), each with the origins
 * refused most, in memory bounded whatever the traffic (origins are chosen by clients); beside
 * them, the trial differences the registry counts.
 */
import type { CorsEvent, CorsEvents } from '../policy/cors-events.js';
import { TopOrigins } from '../policy/top-origins.js';
import type { CorsTrialCounts } from '../policy/trial-recorder.js';

export { TOP_ORIGINS } from '../policy/top-origins.js';

/**
 * Routes (and gateways) counted at most. Their labels come from the application's declared routes,
 * `paths` entries and gateways, a bounded set; the bound keeps a mistake from growing it.
 */
export const MAX_COUNTED_ROUTES = 10_000;

/** One origin and how many refusals it had (an upper bound, see {@link TopOrigins}). */
export interface OriginCount {
  readonly origin: string;
  readonly count: number;
}

/** The refusals of one route (or `paths` entry, or `default`) since start. */
export interface RouteRefusals {
  /** As events name it: `GET /users/:id`, `paths /docs`, `default`. */
  readonly route: string;
  readonly actualRefused: number;
  readonly preflightRefused: number;
  /** The origins refused most, most first. */
  readonly topOrigins: readonly OriginCount[];
}

/** The refused handshakes of one gateway since start. */
export interface GatewayRefusals {
  readonly gateway: string;
  readonly handshakesRefused: number;
  readonly topOrigins: readonly OriginCount[];
}

/** What the report shows of the counts. */
export interface RefusalCountsView {
  /** When counting started (the application's start), ISO 8601. */
  readonly since: string;
  readonly routes: readonly RouteRefusals[];
  readonly gateways: readonly GatewayRefusals[];
  /**
   * The requests each route's trial would have answered differently, as
   * `registry.trials.counts()` gives them: counted by the module whether or not the report is
   * served, so `since` is the registry's start, not this counter's.
   */
  readonly trials: CorsTrialCounts;
}

interface RouteCounter {
  actual: number;
  preflight: number;
  readonly origins: TopOrigins;
}

/**
 * Counts the refusals `CorsEvents` reports, from {@link RefusalCounts.listen} on: per route, actual
 * requests and preflights apart; per gateway, handshakes.
 */
export class RefusalCounts {
  private readonly since = new Date();
  private readonly routes = new Map<string, RouteCounter>();
  private readonly gateways = new Map<string, RouteCounter>();

  /** Subscribes to `events`; returns the function that stops counting. */
  listen(events: CorsEvents): () => void {
    return events.on((event) => this.count(event));
  }

  count(event: CorsEvent): void {
    if (event.kind === 'actual-refused' || event.kind === 'preflight-refused') {
      const counter = counterOf(this.routes, event.route);
      if (counter === undefined) return;
      if (event.kind === 'actual-refused') counter.actual++;
      else counter.preflight++;
      counter.origins.add(event.origin);
    } else if (event.kind === 'handshake-refused') {
      const counter = counterOf(this.gateways, event.gateway);
      if (counter === undefined) return;
      counter.actual++;
      // A handshake without Origin is same-origin or not from a browser; nothing to name.
      if (event.origin !== undefined) counter.origins.add(event.origin);
    }
  }

  /**
   * The counts as the report shows them, routes refused most first, with `trials` (the registry's
   * trial counts, taken when the report is built) beside them.
   */
  view(trials: CorsTrialCounts): RefusalCountsView {
    const routes = [...this.routes]
      .map(([route, c]) => ({
        route,
        actualRefused: c.actual,
        preflightRefused: c.preflight,
        topOrigins: originCounts(c.origins),
      }))
      .sort(
        (a, b) =>
          b.actualRefused + b.preflightRefused - (a.actualRefused + a.preflightRefused) ||
          (a.route < b.route ? -1 : 1),
      );
    const gateways = [...this.gateways]
      .map(([gateway, c]) => ({
        gateway,
        handshakesRefused: c.actual,
        topOrigins: originCounts(c.origins),
      }))
      .sort(
        (a, b) => b.handshakesRefused - a.handshakesRefused || (a.gateway < b.gateway ? -1 : 1),
      );
    return { since: this.since.toISOString(), routes, gateways, trials };
  }

  /** Origins held, over every route and gateway: what the bounds bound (for tests). */
  get originsHeld(): number {
    let held = 0;
    for (const counter of [...this.routes.values(), ...this.gateways.values()])
      held += counter.origins.size;
    return held;
  }
}

function counterOf(map: Map<string, RouteCounter>, key: string): RouteCounter | undefined {
  let counter = map.get(key);
  if (counter === undefined) {
    if (map.size >= MAX_COUNTED_ROUTES) return undefined;
    counter = { actual: 0, preflight: 0, origins: new TopOrigins() };
    map.set(key, counter);
  }
  return counter;
}

function originCounts(origins: TopOrigins): OriginCount[] {
  return origins.list().map(({ key, count }) => ({ origin: key, count }));
}
