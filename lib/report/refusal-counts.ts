/**
 * The report's counts since start: refusals per route (and per gateway), each with the origins
 * refused most, in memory bounded whatever the traffic (origins are chosen by clients).
 */
import type { CorsEvent, CorsEvents } from '../policy/cors-events.js';

/** Origins kept per route: the heavy hitters, approximately (see {@link TopOrigins}). */
export const TOP_ORIGINS = 10;
/**
 * Routes (and gateways) counted at most. Their labels come from the application's declared routes,
 * `paths` entries and gateways, a bounded set; the bound keeps a mistake from growing it.
 */
export const MAX_COUNTED_ROUTES = 10_000;
/** Longest origin kept as it is; a longer one (invalid anyway) is cut, so that a key stays small. */
const MAX_ORIGIN_KEY = 256;

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
}

/**
 * The `k` origins seen most, by the Space-Saving algorithm (Metwally, Agrawal and El Abbadi, 2005):
 * `k` counters; an origin not counted takes the smallest counter over and adds one to it. Every
 * origin refused more than `total / k` times is kept, and a kept count is never below the truth
 * (it is at most the smallest counter above it). Memory: `k` entries, whatever comes.
 */
class TopOrigins {
  private readonly counts = new Map<string, number>();

  add(origin: string): void {
    const key = origin.length > MAX_ORIGIN_KEY ? origin.slice(0, MAX_ORIGIN_KEY) : origin;
    const current = this.counts.get(key);
    if (current !== undefined) {
      this.counts.set(key, current + 1);
      return;
    }
    if (this.counts.size < TOP_ORIGINS) {
      this.counts.set(key, 1);
      return;
    }
    let smallest: string | undefined;
    let smallestCount = Infinity;
    for (const [origin, count] of this.counts) {
      if (count < smallestCount) {
        smallest = origin;
        smallestCount = count;
      }
    }
    this.counts.delete(smallest!);
    this.counts.set(key, smallestCount + 1);
  }

  list(): OriginCount[] {
    return [...this.counts]
      .map(([origin, count]) => ({ origin, count }))
      .sort((a, b) => b.count - a.count || (a.origin < b.origin ? -1 : 1));
  }

  get size(): number {
    return this.counts.size;
  }
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

  /** The counts as the report shows them, routes refused most first. */
  view(): RefusalCountsView {
    const routes = [...this.routes]
      .map(([route, c]) => ({
        route,
        actualRefused: c.actual,
        preflightRefused: c.preflight,
        topOrigins: c.origins.list(),
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
        topOrigins: c.origins.list(),
      }))
      .sort(
        (a, b) => b.handshakesRefused - a.handshakesRefused || (a.gateway < b.gateway ? -1 : 1),
      );
    return { since: this.since.toISOString(), routes, gateways };
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
