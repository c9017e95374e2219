/**
 * What a preflight leads to on Fastify: the routes of the application grouped by (method, path),
 * one note each, held in a router of find-my-way's own that answers which route an actual request
 * of the requested method reaches.
 */
import { RouteResolution } from '../../routing/route-resolution.js';
import type { FastifyMounts } from './fastify-mounts.js';
import { shapeOf, type Found, type MethodRoutes } from './fastify-method-routes.js';
import { noteOf, type OutsideNote, type RouteNote } from './fastify-route-note.js';
import type { RouteOptions } from './fastify-types.js';
import { UrlCoveredTargets, type CoverableTarget } from './fastify-url-targets.js';

/** The routes registered for one (method, path), in order, noted since the last routes added. */
interface MethodGroup {
  readonly targets: CoverableTarget[];
  /** Whether Nest registered one of its routes: only those decline empty parameters. */
  nest: boolean;
  /** The note of the first route, which a preflight of a single Nest route can share. */
  readonly first: RouteNote | undefined;
}

/**
 * A preflight is an `OPTIONS` request: Fastify's router sends it to the application's `OPTIONS`
 * route of its path, if there is one, else to the module's (`PreflightCatchAll`). What it asks
 * about is the route that the actual request, of its `Access-Control-Request-Method`, will reach:
 * that is the route found here, in {@link MethodRoutes}, where every (method, path) of the
 * application is registered with the options of the application's router that decide which path
 * a URL matches.
 *
 * Earlier versions added an `OPTIONS` route per path to Fastify's own router instead, constrained
 * to the preflights of the methods served there. Each Fastify route carries a context of its own
 * (about 4.4 KB at 5,000 routes) and an entry in Fastify's plugin loader: with them, startup took
 * 1.56x and the heap 1.57x `app.enableCors()`'s at 5,000 routes (bench/startup.mjs). A route in
 * find-my-way alone costs half of it, and only once a preflight asks about its method.
 *
 * Routes come one by one (an `onRoute` hook); their notes are made once Nest's are all in
 * (several routes can share a method and a path shape: host-bound or versioned handlers, whose
 * parameters may be named differently), and from then on as each comes. A route registered late
 * on a (method, path shape) that already has its note (a plugin's route under another host
 * constraint, say) leaves the first note in place: its preflights are answered for the routes
 * noted first.
 */
export class PreflightTargets {
  /**
   * The methods noted since the last notes made, by path shape (`shapeOf`: routes whose
   * parameters are named differently are one route to the router), with the first path noted.
   */
  private readonly pending = new Map<string, { url: string; groups: Map<string, MethodGroup> }>();
  /** Set once Nest's routes are in: notes are then made as routes come. */
  private registered = false;

  /**
   * @param methodRoutes where each (method, path)'s note is registered.
   * @param declinesEmptyParams whether Nest's adapter declines empty parameters on a Nest path.
   */
  constructor(
    private readonly methodRoutes: MethodRoutes<RouteNote>,
    private readonly mounts: FastifyMounts | undefined,
    private readonly declinesEmptyParams: (url: string) => boolean,
  ) {}

  /**
   * Counts a route of the application in the notes of its (method, path) pairs, made at once if
   * Nest's routes are in.
   *
   * @param nest whether it is one of Nest's routes.
   */
  note(options: RouteOptions, target: CoverableTarget, nest: boolean): void {
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    const shape = shapeOf(options.url);
    let path = this.pending.get(shape);
    if (path === undefined) {
      path = { url: options.url, groups: new Map() };
      this.pending.set(shape, path);
    }
    const groups = path.groups;
    for (const method of methods) {
      let group = groups.get(method);
      if (group === undefined) {
        group = { targets: [], nest: false, first: noteOf(options.config) };
        groups.set(method, group);
      }
      group.targets.push(target);
      if (nest) group.nest = true;
    }
    if (this.registered) this.addNotes(true);
  }

  /** Nest's routes are in: makes their notes, and from now on each route's as it comes. */
  routesRegistered(): void {
    this.addNotes(false);
    this.registered = true;
  }

  /** The note that a request with `method` to `url` (the raw request target) would reach. */
  find(method: string, url: string): Found<RouteNote> {
    return this.methodRoutes.find(method, url);
  }

  /**
   * Makes the note of every (method, path) noted since the last call.
   *
   * @param late whether Nest's routes are in already, so that a pair may have its note.
   */
  private addNotes(late: boolean): void {
    const pending = new Map(this.pending);
    this.pending.clear();
    for (const { url, groups } of pending.values()) this.addPath(url, groups, late);
  }

  /** Registers the note of each method of `groups` at `url` (that has none there yet if `late`). */
  private addPath(url: string, groups: ReadonlyMap<string, MethodGroup>, late: boolean): void {
    let last: { group: MethodGroup; note: RouteNote } | undefined;
    for (const [method, group] of groups) {
      if (late && this.methodRoutes.has(method, url)) continue;
      // `GET` and the `HEAD` route Fastify adds for it lead to the same targets: one note.
      const note =
        last !== undefined && sameTargets(last.group, group) ? last.note : this.noteOf(url, group);
      last = { group, note };
      this.methodRoutes.add(method, url, note);
    }
  }

  /**
   * What a preflight for a method of `group` at `url` leads to: for one Nest route of one version,
   * that route's own note, which says the same.
   */
  private noteOf(url: string, group: MethodGroup): RouteNote {
    const [only, ...others] = group.targets;
    if (
      others.length === 0 &&
      group.nest &&
      !only!.byUrl &&
      only!.target.versions === undefined &&
      group.first?.resolution !== undefined &&
      group.first.outside === undefined
    ) {
      return group.first;
    }
    const resolution = RouteResolution.of(group.targets.map(({ target }) => target));
    const outside: OutsideNote | undefined = group.targets.some(({ byUrl }) => byUrl)
      ? { resolution, byUrl: new UrlCoveredTargets(group.targets, resolution, this.mounts!) }
      : undefined;
    return {
      resolution,
      outside,
      declinesEmptyParams: group.nest && this.declinesEmptyParams(url),
    };
  }
}

/** Whether two methods' routes are the same targets, in the same order. */
function sameTargets(a: MethodGroup, b: MethodGroup): boolean {
  return (
    a.nest === b.nest &&
    a.targets.length === b.targets.length &&
    a.targets.every((t, i) => t.target === b.targets[i]!.target && t.byUrl === b.targets[i]!.byUrl)
  );
}
