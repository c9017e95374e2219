import type { IncomingMessage } from 'node:http';
import type { CorsPolicyOptions } from './engine/index.js';

/**
 * Options of {@link CorsModule}: the default policy, which every route gets unless `@Cors()` says
 * otherwise, plus named policies and the module's own switches.
 *
 * @example
 * ```ts
 * CorsModule.forRoot({
 *   origin: ['https://app.example.com', 'https://*.example.com'],
 *   credentials: true,
 *   policies: { public: { origin: '*' } },
 * });
 * ```
 */
export interface CorsModuleOptions extends CorsPolicyOptions<IncomingMessage> {
  /**
   * Policies that `@Cors('name')` selects. Each is complete on its own: it does not inherit the
   * default policy's fields, so that `{ origin: '*' }` stays valid next to a credentialed default.
   */
  policies?: Record<string, CorsPolicyOptions<IncomingMessage>>;
  /** Log every denied request with its reason, and the effective policy of every route at startup. Default: `false`. */
  debug?: boolean;
  /**
   * Refuse with 403, before the handler runs, a cross-origin request whose origin the route's policy
   * does not allow. Same-origin requests are never refused. Default: `false` (the browser enforces
   * CORS; the server only answers).
   */
  enforce?: boolean;
}

/** Option names that belong to the module rather than to the default policy. */
export const MODULE_OPTION_NAMES = ['policies', 'debug', 'enforce'] as const;
