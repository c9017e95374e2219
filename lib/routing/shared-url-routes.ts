/**
 * Which routes share a URL with a route of another policy. A browser keeps a preflight's approval
 * for the URL (https://fetch.spec.whatwg.org/#cors-preflight-cache: per origin and URL, not per
 * method): an approval of `PUT /x/1` later lets the page send any request to `/x/1` whose method
 * and headers that approval named, without a preflight, to whichever handler serves that method.
 * Where those handlers have different policies, a cached answer would stand in for another
 * handler's own decision, so the preflights of such routes are answered `Access-Control-Max-Age: 0`.
 */
import type { RoutePolicy, RouteRecord } from './route-record.js';
import { SharedUrl, type OutsideRoute } from './shared-url.js';

/**
 * Counts routes outside Nest as siblings of the Nest routes whose URLs they may serve, as the
 * platform notes them: at startup, and as late as a plugin registers one. Each costs one pass over
 * the Nest routes, at registration, never per request.
 */
export class OutsideRoutes {
  /** The Nest routes' shapes, made at the first route outside Nest: many apps have none. */
  private shapes: readonly { record: RouteRecord; shape: PathShape }[] | undefined;

  constructor(private readonly records: readonly RouteRecord[]) {}

  note(route: OutsideRoute): void {
    const shape = shapeOf(route.path);
    const outside: PathShape = route.prefix
      ? { ...shape, openFrom: Math.min(shape.openFrom, shape.segments.length) }
      : shape;
    this.shapes ??= this.records.map((record) => ({ record, shape: shapeOf(record.path) }));
    for (const { record, shape: own } of this.shapes) {
      if (!canCoincide(own, outside)) continue;
      // One method on both: for any one URL the router picks one of them. Middleware may run first.
      if (!route.prefix && record.method === route.method && record.method !== 'ALL') continue;
      record.sharedUrl?.add(route.policy);
    }
  }
}

/**
 * The routes with a {@link SharedUrl} each, knowing the other Nest routes that may serve one of
 * their URLs (the same path, or paths that can match one URL such as `/x/:id` and `/x/special`),
 * with the same or another method. Two routes with one method on different paths do not count:
 * for any one URL the router picks one of them. Worked out once at startup from the paths as
 * registered, erring towards "may coincide" (case, parameters, wildcards and optional parts all
 * match anything).
 *
 * @returns the records, each copied with its `sharedUrl`; every `SharedUrl` made, for
 *   {@link SharedUrl.refresh}; and where the routes outside Nest are counted.
 */
export function withSharedUrls(records: readonly RouteRecord[]): {
  records: RouteRecord[];
  shared: SharedUrl[];
  outside: OutsideRoutes;
} {
  const byPath = new Map<string, RouteRecord[]>();
  for (const record of records) {
    const list = byPath.get(record.path);
    if (list === undefined) byPath.set(record.path, [record]);
    else list.push(record);
  }
  const siblingsOf = new Map<RouteRecord, Set<RoutePolicy>>();
  const note = (record: RouteRecord, sibling: RouteRecord) => {
    if (record === sibling) return;
    let policies = siblingsOf.get(record);
    if (policies === undefined) {
      policies = new Set();
      siblingsOf.set(record, policies);
    }
    policies.add(sibling.policy);
  };
  for (const group of byPath.values())
    for (const record of group) for (const sibling of group) note(record, sibling);
  // Paths are compared with those of the same first segment, and with those that begin open.
  const byFirst = new Map<string, PathShape[]>();
  const open: PathShape[] = [];
  for (const shape of [...byPath.keys()].map(shapeOf)) {
    const first = shape.segments[0] ?? '';
    if (shape.openFrom === 0 || DYNAMIC.test(first)) open.push(shape);
    else {
      const group = byFirst.get(first);
      if (group === undefined) byFirst.set(first, [shape]);
      else group.push(shape);
    }
  }
  const compare = (a: PathShape, b: PathShape) => {
    if (!canCoincide(a, b)) return;
    for (const record of byPath.get(a.path)!) {
      for (const sibling of byPath.get(b.path)!) {
        if (!servesOtherMethods(record, sibling)) continue;
        note(record, sibling);
        note(sibling, record);
      }
    }
  };
  const groups = [...byFirst.values(), open];
  for (const group of groups)
    for (let i = 0; i < group.length; i++)
      for (let j = i + 1; j < group.length; j++) compare(group[i]!, group[j]!);
  for (const shape of open)
    for (const group of byFirst.values()) for (const other of group) compare(shape, other);
  // Every route gets one, empty where no Nest route shares its URLs: routes outside Nest are
  // added as the platform notes them (see OutsideRoutes).
  const shared: SharedUrl[] = [];
  const marked = records.map((record) => {
    const sharedUrl = new SharedUrl(record.policy, [...(siblingsOf.get(record) ?? [])]);
    shared.push(sharedUrl);
    return { ...record, sharedUrl };
  });
  return { records: marked, shared, outside: new OutsideRoutes(marked) };
}

/**
 * The methods to ask the router with, for a preflight that no Nest route answered, which Nest
 * route a request of another method to the same URL would reach (see `CorsRequestHandler`): every
 * method of a Nest route, once. An `@All()` route serves every method, so asking with any one
 * method finds it: `GET` stands for it where no route names a method of its own.
 */
export function servedMethods(records: readonly RouteRecord[]): readonly string[] {
  const methods = new Set<string>();
  for (const record of records) if (record.method !== 'ALL') methods.add(record.method);
  if (methods.size === 0 && records.some((record) => record.method === 'ALL')) methods.add('GET');
  return Object.freeze([...methods]);
}

function servesOtherMethods(a: RouteRecord, b: RouteRecord): boolean {
  return a.method !== b.method || a.method === 'ALL';
}

/** A registered path as far as matching goes: its segments, and where anything may follow. */
interface PathShape {
  readonly path: string;
  /** Segments, lower case, empty ones dropped (trailing and duplicate slashes). */
  readonly segments: readonly string[];
  /** Index of the first segment that may match any number of segments, or `Infinity`. */
  readonly openFrom: number;
}

/** A parameter (`:id`), or syntax that may match more: wildcards, optional groups, regexes, escapes. */
const DYNAMIC = /[:*?+{}()\\[\]]/;
const OPEN = /[*?+{}()\\[\]]/;

function shapeOf(path: string): PathShape {
  const segments = path
    .toLowerCase()
    .split('/')
    .filter((segment) => segment !== '');
  const open = segments.findIndex((segment) => OPEN.test(segment));
  return { path, segments, openFrom: open === -1 ? Infinity : open };
}

/**
 * Whether some URL may match both paths: segment by segment, literals must be equal; where one
 * path opens, what its segment begins with before any syntax must fit the other's.
 */
function canCoincide(a: PathShape, b: PathShape): boolean {
  const open = Math.min(a.openFrom, b.openFrom);
  for (let i = 0; ; i++) {
    const x = a.segments[i];
    const y = b.segments[i];
    if (i >= open) return opensAlike(x, a.openFrom === i, y, b.openFrom === i);
    if (x === undefined || y === undefined) return x === y;
    if (!DYNAMIC.test(x) && !DYNAMIC.test(y) && x !== y) return false;
  }
}

/**
 * At the segment where one path (or both) opens: an open segment begins with its literal part,
 * which the URL's segment must begin with too. A path that ends there (`undefined`) leaves the
 * URL nothing more, unless it is open itself (a `paths` entry, which covers what lies below).
 */
function opensAlike(
  x: string | undefined,
  xOpen: boolean,
  y: string | undefined,
  yOpen: boolean,
): boolean {
  if ((x === undefined && xOpen) || (y === undefined && yOpen)) return true;
  if (x === undefined || y === undefined) return literalStart(x ?? y ?? '') === '';
  const px = literalStart(x);
  const py = literalStart(y);
  if (!DYNAMIC.test(x)) return x.startsWith(py);
  if (!DYNAMIC.test(y)) return y.startsWith(px);
  return px.startsWith(py) || py.startsWith(px);
}

/** What a segment begins with before any syntax. */
function literalStart(segment: string): string {
  const at = segment.search(DYNAMIC);
  return at === -1 ? segment : segment.slice(0, at);
}
