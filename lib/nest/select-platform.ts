/**
 * The platform seam of each server (Express or Fastify), created when Nest hands the adapter over
 * and kept for the server's life.
 */
import type { AbstractHttpAdapter, HttpAdapterHost } from '@nestjs/core';
import { ExpressPlatform } from '../http/express/express-platform.js';
import { FastifyPlatform } from '../http/fastify/fastify-platform.js';
import type { HttpPlatform } from '../http/http-platform.js';

/**
 * The one platform seam of each server, by the server (the adapter's instance). Module state
 * kept outside `CorsModule`'s instances, as are `configuredServers` below and the registry of each
 * `CorsPolicies` (`attached-registry.ts`): Nest creates `CorsModule` (where Fastify's routes start
 * being noted, see {@link noteEarlyRoutes}) before it configures it (where the seam is installed),
 * and a module imported twice is created twice but configures the server once. The seam belongs
 * to the server, so it is found by the server.
 */
const platformOfServer = new WeakMap<object, ExpressPlatform | FastifyPlatform>();

/**
 * The platform seam for Nest's HTTP adapter: the same one for every call on one server.
 *
 * @throws for a platform other than Express and Fastify.
 */
export function selectPlatform(adapter: AbstractHttpAdapter): HttpPlatform {
  return platformFor(adapter);
}

function platformFor(adapter: AbstractHttpAdapter): ExpressPlatform | FastifyPlatform {
  const instance = adapter.getInstance<object>();
  let platform = platformOfServer.get(instance);
  if (platform === undefined) {
    platform = createPlatform(adapter, instance);
    platformOfServer.set(instance, platform);
  }
  return platform;
}

function createPlatform(
  adapter: AbstractHttpAdapter,
  instance: object,
): ExpressPlatform | FastifyPlatform {
  const type = adapter.getType();
  const reference = adapter as unknown as { normalizePath?(path: string): string };
  if (type === 'express') return new ExpressPlatform(instance as never, reference);
  if (type === 'fastify') return new FastifyPlatform(instance as never, reference);
  throw new Error(`CorsModule supports the express and fastify platforms, not "${type}".`);
}

/**
 * Whether this is the first `CorsModule` to configure the adapter's server: a module imported twice
 * is configured twice, and one request hook per server is the rule. Kept with the seam, for the
 * same reason.
 */
export function firstToConfigure(adapter: AbstractHttpAdapter): boolean {
  const instance = adapter.getInstance<object>();
  if (configuredServers.has(instance)) return false;
  configuredServers.add(instance);
  return true;
}

const configuredServers = new WeakSet<object>();

/**
 * Starts noting routes that the platform shows only as they are added (Fastify), before the
 * module sets up, from the moment Nest hands the adapter over: at once under
 * `NestFactory.create()`, in `createNestApplication()` under the testing module (`init$`, which
 * replays). Nothing to do where the platform's routes can be read later (Express).
 */
export function noteEarlyRoutes(host: HttpAdapterHost): void {
  const note = () => {
    const adapter = host.httpAdapter as AbstractHttpAdapter | undefined;
    if (adapter?.getType() !== 'fastify') return;
    const platform = platformFor(adapter);
    if (platform instanceof FastifyPlatform) platform.noteEarlyRoutes();
  };
  const handedOver = (host as { init$?: HttpAdapterHost['init$'] }).init$;
  if (handedOver !== undefined) handedOver.subscribe(note);
  else if (host.httpAdapter !== undefined) note();
  else watchHandOver(host, note);
}

/**
 * For Nest releases without `init$`: calls `handedOver` after the host's `httpAdapter` setter,
 * which `createNestApplication()` calls, by an accessor of this instance's own over the class's.
 */
function watchHandOver(host: HttpAdapterHost, handedOver: () => void): void {
  const accessor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(host), 'httpAdapter');
  if (accessor?.get === undefined || accessor.set === undefined) return;
  const read = accessor.get.bind(host) as () => unknown;
  const write = accessor.set.bind(host) as (adapter: unknown) => void;
  Object.defineProperty(host, 'httpAdapter', {
    configurable: true,
    get: read,
    set(adapter: unknown) {
      write(adapter);
      handedOver();
    },
  });
}
