import type { IncomingMessage } from 'node:http';
import { VERSION_NEUTRAL } from '@nestjs/common';
import { pathToRegexp } from 'path-to-regexp';
import type { CompiledCorsPolicy } from '../engine/index.js';
import type { RouteRecord } from './route-record.js';

/** How the platform's router compares paths (`HttpAdapter.getRouteMatchingOptions()`). */
export interface RouteMatching {
  readonly caseSensitive: boolean;
  readonly ignoreTrailingSlash: boolean;
  /** Turns a registered path into path-to-regexp syntax, for platforms whose router uses another. */
  readonly toPattern?: (path: string) => string;
  /**
   * Which of several routes matching one path serves it: the first registered (Express, unless
   * Nest sorts routes by specificity), or a static path before patterns (Fastify, and Express under
   * `routeResolutionStrategy: 'specificity'`).
   */
  readonly precedence: 'registration' | 'static-first';
}

/** Reads the version a request asks for under header or media-type versioning, if it can be read. */
export type VersionReader = (request: IncomingMessage) => string | undefined;

/** A policy, or `null` for CORS switched off. */
type Policy = CompiledCorsPolicy<IncomingMessage> | null;

/**
 * What a (path, method) pair resolves to: one policy known at startup, or candidates to choose
 * from per request because they are bound to a host or to a version that is not in the path.
 */
type Resolution =
  | { readonly kind: 'fixed'; readonly policy: Policy }
  | { readonly kind: 'choose'; readonly candidates: readonly RouteRecord[] };

/** The routes that serve one request path, by method. */
interface PathRoutes {
  readonly byMethod: ReadonlyMap<string, Resolution>;
  /** For methods only `@All()` routes serve. */
  readonly anyMethod: Resolution | undefined;
}

interface DynamicGroup {
  readonly regexp: RegExp;
  readonly records: readonly RouteRecord[];
}

const ROUTE_PATTERN_CHARS = /[:*?+()[\]{}!\\$]/;
const NO_ROUTES: PathRoutes = { byMethod: new Map(), anyMethod: undefined };
/** Bound on remembered dynamic paths: memory stays flat whatever URLs clients send. */
export const DYNAMIC_PATH_CACHE_SIZE = 1024;

/**
 * Finds the policy of the handler that would serve a request, before Nest's router runs: the only
 * way to give a preflight, which no handler ever sees, the policy of the route it is for. Static
 * paths resolve with one map lookup; dynamic ones through their compiled patterns, with a bounded
 * cache. Among several routes matching one path, the one the platform's router would pick wins.
 */
export class RouteTable {
  private readonly staticPaths = new Map<string, PathRoutes>();
  private readonly dynamicGroups: DynamicGroup[] = [];
  private readonly dynamicCache = new Map<string, PathRoutes>();
  private readonly registrationIndex = new Map<RouteRecord, number>();

  constructor(
    readonly records: readonly RouteRecord[],
    readonly defaultPolicy: CompiledCorsPolicy<IncomingMessage>,
    private readonly matching: RouteMatching,
    private readonly readVersion: VersionReader | undefined,
  ) {
    records.forEach((record, index) => this.registrationIndex.set(record, index));
    const staticGroups = new Map<string, RouteRecord[]>();
    const dynamicByPath = new Map<string, RouteRecord[]>();
    for (const record of records) {
      if (ROUTE_PATTERN_CHARS.test(record.path)) {
        pushTo(dynamicByPath, record.path, record);
      } else {
        pushTo(staticGroups, this.keyOf(record.path), record);
      }
    }
    for (const [path, group] of dynamicByPath) {
      let regexp: RegExp;
      try {
        regexp = pathToRegexp(matching.toPattern?.(path) ?? path, {
          sensitive: matching.caseSensitive,
          trailing: matching.ignoreTrailingSlash,
          end: true,
        }).regexp;
      } catch {
        continue; // A path the router cannot register either; it serves nothing.
      }
      this.dynamicGroups.push({ regexp, records: group });
    }
    for (const [key, group] of staticGroups) {
      const path = group[0]!.path;
      const candidates = [...group, ...this.dynamicRecordsFor(path)];
      if (matching.precedence === 'registration') {
        candidates.sort((a, b) => this.registrationIndex.get(a)! - this.registrationIndex.get(b)!);
      }
      this.staticPaths.set(key, indexByMethod(candidates));
    }
  }

  /** How many dynamic paths are remembered; never more than {@link DYNAMIC_PATH_CACHE_SIZE}. */
  get cachedDynamicPaths(): number {
    return this.dynamicCache.size;
  }

  /**
   * The policy for a request: that of the handler the router would choose for (`method`, path),
   * the default policy when no handler would, or `null` when that handler has CORS switched off.
   *
   * @param method the request's method, or a preflight's `Access-Control-Request-Method`.
   */
  policyFor(method: string, url: string, request: IncomingMessage): Policy {
    const routes = this.routesFor(url);
    const resolution = routes.byMethod.get(method) ?? routes.anyMethod;
    if (resolution === undefined) return this.defaultPolicy;
    return resolution.kind === 'fixed'
      ? resolution.policy
      : this.choose(resolution.candidates, request);
  }

  private routesFor(url: string): PathRoutes {
    const queryStart = url.indexOf('?');
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
    const key = this.keyOf(pathname);
    const found = this.staticPaths.get(key) ?? this.dynamicCache.get(key);
    if (found !== undefined) return found;
    if (this.dynamicGroups.length === 0) return NO_ROUTES;
    const routes = indexByMethod(this.dynamicRecordsFor(pathname));
    if (this.dynamicCache.size >= DYNAMIC_PATH_CACHE_SIZE) {
      this.dynamicCache.delete(this.dynamicCache.keys().next().value!);
    }
    this.dynamicCache.set(key, routes);
    return routes;
  }

  /** The dynamic routes matching a path, in registration order. */
  private dynamicRecordsFor(pathname: string): RouteRecord[] {
    const records: RouteRecord[] = [];
    for (const group of this.dynamicGroups) {
      if (group.regexp.test(pathname)) records.push(...group.records);
    }
    return records.sort((a, b) => this.registrationIndex.get(a)! - this.registrationIndex.get(b)!);
  }

  private keyOf(pathname: string): string {
    let key = this.matching.caseSensitive ? pathname : pathname.toLowerCase();
    if (this.matching.ignoreTrailingSlash && key.length > 1 && key.endsWith('/'))
      key = key.slice(0, -1);
    return key;
  }

  /**
   * Picks among host-bound or version-filtered candidates. A version the request does not show
   * (every preflight, and custom versioning) cannot be chosen by: then the candidates' policy if they
   * all share one, else the default policy.
   */
  private choose(candidates: readonly RouteRecord[], request: IncomingMessage): Policy {
    const hostname = hostnameOf(request);
    const eligible = candidates.filter(
      (record) => record.hosts === undefined || matchesHost(record.hosts, hostname),
    );
    const first = eligible[0];
    if (first === undefined) return this.defaultPolicy;
    if (first.versions === undefined) return first.policy;
    const requested = this.readVersion?.(request);
    const versioned = eligible.filter((record) => record.versions !== undefined);
    if (requested !== undefined) {
      const chosen =
        versioned.find((record) => record.versions!.includes(requested)) ??
        versioned.find((record) => record.versions!.includes(VERSION_NEUTRAL));
      return chosen === undefined ? this.defaultPolicy : chosen.policy;
    }
    return versioned.every((record) => record.policy === first.policy)
      ? first.policy
      : this.defaultPolicy;
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Resolves, for each method, which of `records` (in router order) would serve it. */
function indexByMethod(records: readonly RouteRecord[]): PathRoutes {
  if (records.length === 0) return NO_ROUTES;
  const methods = new Set(
    records.map((record) => record.method).filter((method) => method !== 'ALL'),
  );
  if (methods.has('GET')) methods.add('HEAD');
  const byMethod = new Map<string, Resolution>();
  for (const method of methods) {
    const resolution = resolve(
      records.filter(
        (r) =>
          r.method === method || r.method === 'ALL' || (method === 'HEAD' && r.method === 'GET'),
      ),
    );
    if (resolution !== undefined) byMethod.set(method, resolution);
  }
  return { byMethod, anyMethod: resolve(records.filter((r) => r.method === 'ALL')) };
}

function resolve(candidates: readonly RouteRecord[]): Resolution | undefined {
  const first = candidates[0];
  if (first === undefined) return undefined;
  // Only the first candidate's own conditions can make the router pass it over.
  if (first.hosts === undefined && first.versions === undefined)
    return { kind: 'fixed', policy: first.policy };
  return { kind: 'choose', candidates };
}

function hostnameOf(request: IncomingMessage): string {
  const host = request.headers.host ?? '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function matchesHost(hosts: readonly RegExp[], hostname: string): boolean {
  return hosts.some((host) => host.test(hostname));
}
