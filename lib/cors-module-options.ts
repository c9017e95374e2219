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
  /**
   * Serve a page at `path` that lists every route with its effective policy and where each field
   * of it was written, with a form to ask whether an origin may do a method on a path; `?format=json`
   * gives the same data to tools. Off by default; a development aid, which logs a warning when
   * `NODE_ENV` is `production`. The path is used as written, outside the global prefix.
   *
   * @example
   * ```ts
   * CorsModule.forRoot({ origin: 'https://app.example.com', report: { path: '/_cors' } });
   * ```
   */
  report?: { path: string };
}
