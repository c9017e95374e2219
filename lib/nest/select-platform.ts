import type { AbstractHttpAdapter, HttpAdapterHost } from '@nestjs/core';
import { ExpressPlatform } from '../http/express/express-platform.js';
import { FastifyPlatform, noteEarlyFastifyRoutes } from '../http/fastify/fastify-platform.js';
import type { HttpPlatform } from '../http/http-platform.js';

/**
 * The platform seam for Nest's HTTP adapter, chosen once at startup.
 *
 * @throws for a platform other than Express and Fastify.
 */
export function selectPlatform(adapter: AbstractHttpAdapter): HttpPlatform {
  const type = adapter.getType();
  const instance = adapter.getInstance<object>();
  const reference = adapter as unknown as { normalizePath?(path: string): string };
  if (type === 'express') return new ExpressPlatform(instance as never, reference);
  if (type === 'fastify') return new FastifyPlatform(instance as never, reference);
  throw new Error(`CorsModule supports the express and fastify platforms, not "${type}".`);
}

/**
 * Starts noting routes that the platform shows only as they are added (Fastify), before the
 * module sets up, from the moment Nest hands the adapter over: at once under `NestFactory.create()`,
 * in `createNestApplication()` under the testing module (`init$`, which replays). A no-op where the
 * platform's routes can be read later (Express).
 */
export function noteEarlyRoutes(host: HttpAdapterHost): void {
  const note = () => {
    const adapter = host.httpAdapter as AbstractHttpAdapter | undefined;
    if (adapter?.getType() === 'fastify') noteEarlyFastifyRoutes(adapter.getInstance());
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
