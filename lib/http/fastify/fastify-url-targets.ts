/**
 * Where a request to a route outside Nest with a variable path leads: the `paths` entry that covers
 * its URL, else the route's own policy.
 */
import type { RouteTarget } from '../../routing/route-record.js';
import { RouteResolution } from '../../routing/route-resolution.js';
import type { FastifyMounts } from './fastify-mounts.js';

/** One target of a route, and whether the `paths` entry covering the request's URL replaces it. */
export interface CoverableTarget {
  readonly target: RouteTarget;
  /** Set for a route outside Nest whose declared path varies (`/*`, `/files/*`, `/users/:id`). */
  readonly byUrl: boolean;
}

/**
 * Where a route outside Nest leads when its declared path varies: a catch-all (`/*`), a wildcard
 * or a parametric route serves URLs that a `paths` entry may name more precisely than its declared
 * path does (`paths: { '/internal': false }` under `/*`). Such a request takes the policy of the
 * entry that covers its URL, as middie (which serves `app.use()` on Fastify) mounts it, the same
 * entry Express's mounts pick; a URL no entry covers keeps the route's own resolution.
 *
 * One per route (and per (method, path) that preflights ask about), with one resolution per entry,
 * made at its first use: bounded by the number of entries.
 */
export class UrlCoveredTargets {
  private readonly byEntry = new Map<number, RouteResolution>();

  /**
   * @param targets the route's targets, in the order the router tries them.
   * @param own the route's resolution where no entry covers the URL (`undefined`: the default).
   */
  constructor(
    private readonly targets: readonly CoverableTarget[],
    private readonly own: RouteResolution | undefined,
    private readonly mounts: FastifyMounts,
  ) {}

  /** The resolution for a request to `url` (the raw request target). */
  resolutionFor(url: string): RouteResolution | undefined {
    const entry = this.mounts.coveringEntry(url);
    if (entry === undefined) return this.own;
    let resolution = this.byEntry.get(entry.index);
    if (resolution === undefined) {
      resolution = RouteResolution.of(
        this.targets.map(({ target, byUrl }) => (byUrl ? entry.target : target)),
      );
      this.byEntry.set(entry.index, resolution);
    }
    return resolution;
  }
}

/** Whether a Fastify route path has a parameter or a wildcard, so that it serves other URLs. */
export function hasVariableSegment(path: string): boolean {
  return path.includes(':') || path.includes('*');
}
