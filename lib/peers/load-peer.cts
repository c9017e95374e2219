/**
 * Loads an optional package (a peer of the WebSocket adapters, the middleware engine of Nest's
 * Fastify adapter), or says which packages to install.
 *
 * This file is CommonJS on purpose (`.cts`, emitted as `.cjs` by both builds): a static ESM
 * `import` of a missing package fails while the module graph is linked, before any code of ours
 * runs, so the user would see a bare "Cannot find package" naming a package they never imported.
 * `require()` inside try/catch lets us replace that with what to do. Node 20.19+ `require()`s
 * Nest 12's ES modules as well as Nest 11's CommonJS ones, and returns the same module instance an
 * `import` elsewhere in the application gets.
 */

import { createRequire } from 'node:module';

/** What a feature needs: its own name, the package it loads, and everything to install. */
export interface PeerRequirement {
  /** What needs the package, such as `CorsIoAdapter`, as the message names it. */
  readonly adapter: string;
  /** The package (or a file of it) to load, such as `@nestjs/platform-socket.io`. */
  readonly packageName: string;
  /** Every package to install for it, in the order `npm install` gets them. */
  readonly install: readonly string[];
  /**
   * A package whose own dependency this is, to resolve it from there (as that package does)
   * rather than from this one: `@fastify/middie` is a dependency of `@nestjs/platform-fastify`.
   * A list is a chain, each resolved from the one before: `find-my-way` is the dependency of the
   * `fastify` that `@nestjs/platform-fastify` depends on, which may not be the application's own.
   */
  readonly from?: string | readonly string[];
}

/** Node's codes for a module that is not installed, from `require()` and from ESM resolution. */
const NOT_FOUND_CODES: ReadonlySet<string> = new Set(['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND']);

/**
 * `require(packageName)`, or an error that names the adapter and the packages to install.
 *
 * @throws Error `CorsIoAdapter needs @nestjs/platform-socket.io: npm install ...` when the package
 *   or one of its own peers (`@nestjs/websockets`) is missing; the original error is its `cause`.
 */
export function loadPeer<T>({ adapter, packageName, install, from }: PeerRequirement): T {
  try {
    const chain = from === undefined ? [] : typeof from === 'string' ? [from] : from;
    let load: NodeJS.Require = require;
    for (const step of chain) load = createRequire(load.resolve(step));
    return load(packageName) as T;
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    // Read by shape, not `instanceof Error`: a loader (Jest's, say) may throw another realm's Error.
    const detail = typeof message === 'string' ? message.split('\n')[0] : String(error);
    if (typeof code === 'string' && NOT_FOUND_CODES.has(code)) {
      throw new Error(
        `${adapter} needs ${packageName}: npm install ${install.join(' ')} (${detail})`,
        { cause: error },
      );
    }
    throw new Error(`${adapter} could not load ${packageName}: ${detail}`, { cause: error });
  }
}
