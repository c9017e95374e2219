import type { IncomingMessage } from 'node:http';
import type { Type } from '@nestjs/common';
import type { CompiledCorsPolicy } from '../engine/index.js';

/** One (method, path) that the router serves, with the handler and the CORS policy behind it. */
export interface RouteRecord {
  /** The HTTP method, upper case, or `ALL` for `@All()`. */
  readonly method: string;
  /** The full path as Nest registers it (path-to-regexp syntax), prefix and version included. */
  readonly path: string;
  /** Host patterns of a host-bound controller (`@Controller({ host })`), or `undefined`. */
  readonly hosts: readonly RegExp[] | undefined;
  /**
   * The versions a request must ask for (header, media-type or custom versioning), or `undefined`
   * when the version is part of the path or there is none.
   */
  readonly versions: readonly (string | symbol)[] | undefined;
  readonly controller: Type;
  readonly methodName: string;
  /** The handler function, the key under which guards and interceptors find its policy. */
  readonly handler: object;
  /** The handler's policy, or `null` when `@Cors(false)` switched CORS off. */
  readonly policy: CompiledCorsPolicy<IncomingMessage> | null;
}
