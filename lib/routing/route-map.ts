/** From a platform route (the one the router chose) to the Nest route and policy it serves. */
import { handlerLabel, type RouteRecord } from './route-record.js';

/**
 * Finds, for each route the platform registers, the Nest route it is: the platform reports a
 * route's handler (Nest copies a handler's metadata onto what it registers), method and path, and
 * this says which {@link RouteRecord} that is. Every Nest route must be reported exactly so: one
 * that is not, or a marked platform route that matches no record, is a startup error rather than a
 * route silently served with the default policy.
 */
export class RouteMap {
  private readonly byHandler = new Map<object, RouteRecord[]>();
  private readonly seen = new Set<RouteRecord>();
  private readonly strays: string[] = [];

  constructor(readonly records: readonly RouteRecord[]) {
    for (const record of records) {
      const list = this.byHandler.get(record.handler);
      if (list === undefined) this.byHandler.set(record.handler, [record]);
      else list.push(record);
    }
  }

  /** The handler functions the platform must be able to name for each of their routes. */
  handlers(): IterableIterator<object> {
    return this.byHandler.keys();
  }

  /**
   * The record of a platform route that Nest registered for `handler`.
   *
   * @param method the method the platform serves, upper case (`ALL` for a route of every method).
   * @param path the path the platform registered, as Nest handed it over.
   */
  recordOf(handler: object, method: string, path: string): RouteRecord | undefined {
    const candidates = this.byHandler.get(handler) ?? [];
    const record =
      candidates.find((r) => r.path === path && r.method === method) ??
      candidates.find((r) => r.path === path && r.method === 'ALL') ??
      // Fastify serves HEAD for every GET route with a route of its own.
      (method === 'HEAD'
        ? candidates.find((r) => r.path === path && r.method === 'GET')
        : undefined);
    if (record === undefined) {
      const name = candidates[0] === undefined ? 'a handler' : handlerLabel(candidates[0]);
      this.strays.push(`${method} ${path} (${name})`);
    } else {
      this.seen.add(record);
    }
    return record;
  }

  /**
   * The record of a route the platform registered without naming its handler, found by method and
   * path alone: only where exactly one Nest route has them, for a platform that refuses two routes
   * with the same method and path (Fastify). Nest 11's Fastify adapter registers `@All()` routes
   * this way.
   */
  recordAt(method: string, path: string): RouteRecord | undefined {
    const found = this.records.filter((r) => r.path === path && r.method === method);
    if (found.length !== 1) return undefined;
    this.seen.add(found[0]!);
    return found[0];
  }

  /** Throws if a Nest route was never reported by the platform, or reported unlike any record. */
  assertComplete(platform: string): void {
    const missing = this.records
      .filter((record) => !this.seen.has(record))
      .map((record) => `${record.method} ${record.path} (${handlerLabel(record)})`);
    if (missing.length === 0 && this.strays.length === 0) return;
    const lines = [
      ...missing.map(
        (route) => `  - ${route}: Nest declares it, but ${platform} never registered it`,
      ),
      ...this.strays.map(
        (route) => `  - ${route}: ${platform} registered it, but Nest declares no such route`,
      ),
    ];
    throw new Error(
      `CorsModule cannot tell which CORS policy these routes have, so it refuses to start rather than serve them with another route's policy:\n${lines.join('\n')}\n` +
        'This is a bug in nestjs-cors or an unsupported router set-up: please report it with these lines.',
    );
  }
}
