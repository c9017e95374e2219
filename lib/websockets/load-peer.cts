/**
 * Loads an optional peer dependency of the WebSocket adapters, or says which packages to install.
 *
 * This file is CommonJS on purpose (`.cts`, emitted as `.cjs` by both builds): a static ESM
 * `import` of a missing package fails while the module graph is linked, before any code of ours
 * runs, so the user would see a bare "Cannot find package" naming a package they never imported.
 * `require()` inside try/catch lets us replace that with what to do. Node 20.19+ `require()`s
 * Nest 12's ES modules as well as Nest 11's CommonJS ones, and returns the same module instance an
 * `import` elsewhere in the application gets.
 */

/** What an adapter needs: its own name, the package it extends, and everything to install. */
export interface PeerRequirement {
  /** The adapter, such as `CorsIoAdapter`, as the message names it. */
  readonly adapter: string;
  /** The package whose class the adapter extends, such as `@nestjs/platform-socket.io`. */
  readonly packageName: string;
  /** Every package to install for it, in the order `npm install` gets them. */
  readonly install: readonly string[];
}

/** Node's codes for a module that is not installed, from `require()` and from ESM resolution. */
const NOT_FOUND_CODES: ReadonlySet<string> = new Set(['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND']);

/**
 * `require(packageName)`, or an error that names the adapter and the packages to install.
 *
 * @throws Error `CorsIoAdapter needs @nestjs/platform-socket.io: npm install ...` when the package
 *   or one of its own peers (`@nestjs/websockets`) is missing; the original error is its `cause`.
 */
export function loadPeer<T>({ adapter, packageName, install }: PeerRequirement): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the point of this file: a require() we can catch
    return require(packageName) as T;
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
