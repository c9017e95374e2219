/** The options of one CORS policy, as users write them (`origin`, `methods`, `credentials`, ...). */
import type { PredicateCacheSettings } from '../answers/predicate-answers.js';
import type { CorsStaticOrigin } from '../origin/static-origin.js';

/** The callback of an origin function written for `app.enableCors()` (Nest's `CustomOrigin`). */
export type CorsOriginCallback = (error: Error | null, value?: CorsStaticOrigin) => void;

/**
 * Decides at request time whether an origin is allowed, for rules no list can express. It receives
 * the request's `Origin` (already checked to be a well-formed origin), a callback, and the Node
 * request (`IncomingMessage`). It answers in one of three ways:
 * - returns `true` or `false`, or a promise of it (only exactly `true` allows);
 * - calls `callback(null, allow)`, as `app.enableCors()` expects, where `allow` is a boolean, an
 *   origin, a `RegExp` (matched in full) or a list of them;
 * - calls `callback(error)`, or throws, or rejects: the request is denied and the error reported,
 *   never a 500.
 *
 * A function that declares fewer than two parameters answers by its return value. One that
 * declares the callback may return anything else (a timer, say): it is awaited through the
 * callback. An answer that takes longer than `predicateTimeout` denies.
 *
 * @example
 * ```ts
 * const byLookup: CorsOriginPredicate = async (origin) => tenants.isRegisteredOrigin(origin);
 * const asForEnableCors: CorsOriginPredicate = (origin, callback) =>
 *   callback(null, origin.endsWith('.example.com'));
 * ```
 */
export type CorsOriginPredicate<TRequest = unknown> = (
  origin: string,
  callback: CorsOriginCallback,
  request: TRequest,
) => unknown;

/**
 * Which origins a policy allows:
 * - `'https://app.example.com'`: that origin exactly;
 * - `'https://*.example.com'`: any subdomain of example.com (one or more labels, not example.com
 *   itself), same scheme and port;
 * - `'http://localhost:*'`: that host on any port;
 * - `'*'`: any origin, answered with a literal `*` (cannot be combined with `credentials`);
 * - a `RegExp`: origins it matches in full;
 * - `true`: any origin, reflected (cannot be combined with `credentials`); `false`: none;
 * - a {@link CorsOriginPredicate};
 * - an array mixing strings, patterns and regexes.
 */
export type CorsOrigin<TRequest = unknown> =
  boolean | string | RegExp | CorsOriginPredicate<TRequest> | readonly (string | RegExp)[];

/**
 * A CORS policy. The field names are those of Nest's own `CorsOptions`, so that a policy written for
 * `app.enableCors()` reads the same here.
 *
 * @example
 * ```ts
 * const policy: CorsPolicyOptions = {
 *   origin: ['https://app.example.com', 'https://*.example.com'],
 *   credentials: true,
 *   allowedHeaders: ['Content-Type', 'X-Request-Id'],
 *   exposedHeaders: ['X-Request-Id'],
 *   maxAge: 600,
 * };
 * ```
 */
export interface CorsPolicyOptions<TRequest = unknown> {
  /** Allowed origins. Default: none (`false`). */
  origin?: CorsOrigin<TRequest>;
  /**
   * Methods a preflight may ask for, as an array or a comma-separated string; `'*'` for any (echoed
   * back one by one when `credentials` is on). GET, HEAD and POST always pass: they are
   * CORS-safelisted methods (https://fetch.spec.whatwg.org/#cors-safelisted-method).
   * Default: `GET,HEAD,PUT,PATCH,POST,DELETE`.
   */
  methods?: string | readonly string[];
  /**
   * Request headers a preflight may ask for, compared case-insensitively; `'*'` for any but
   * `Authorization`, which must be listed. Default: whatever the preflight asks for.
   */
  allowedHeaders?: string | readonly string[];
  /** Response headers the page may read beyond the safelisted ones; `'*'` for all (not with credentials). */
  exposedHeaders?: string | readonly string[];
  /** Whether the page may send and read credentials (cookies, HTTP auth). Default: `false`. */
  credentials?: boolean;
  /**
   * Seconds a browser may cache a preflight's answer, from -1 (do not cache) to 86400. Default: no
   * header, which browsers read as 5 seconds.
   */
  maxAge?: number;
  /** Pass preflights on to the application's own `OPTIONS` handler after writing the headers. Default: `false`. */
  preflightContinue?: boolean;
  /** Status of a preflight answer, 200 to 299. Default: 204. */
  optionsSuccessStatus?: number;
  /**
   * Answer Private Network Access preflights (`Access-Control-Request-Private-Network: true`) with
   * `Access-Control-Allow-Private-Network: true`. Only Chromium-based browsers ever sent them, and
   * Chrome has replaced them with the Local Network Access permission prompt (from about Chrome
   * 142), which no response header grants; this still serves older Chromium builds. Default: `false`.
   */
  privateNetworkAccess?: boolean;
  /**
   * `Cache-Control` of approved preflights, so that a shared cache (a CDN) may keep them: seconds
   * (`600` is `public, max-age=600`) or a value as written. Safe because a preflight answer's `Vary`
   * lists everything it depends on. Default: none.
   */
  preflightCacheControl?: number | string;
  /**
   * Allow the origin `null`, sent by sandboxed iframes and by `data:` and `file:` documents, which
   * anyone can create. Default: `false`.
   */
  dangerouslyAllowNullOrigin?: boolean;
  /**
   * Allow plain-`http` origins that are not the local machine together with `credentials`, although
   * anyone on the network path can impersonate them. Default: `false`.
   */
  dangerouslyAllowInsecureOriginsWithCredentials?: boolean;
  /**
   * Milliseconds an origin predicate that returns a promise has to settle; past that the request
   * is denied and the timeout reported, so that a hanging lookup holds no request. 1 to 60000.
   * Default: 2000.
   */
  predicateTimeout?: number;
  /**
   * Allow, together with `credentials`, a regex that accepts origins nobody owns (such as
   * `/^https:\/\/.*$/`), which lets any website act as the signed-in user. Default: `false`.
   */
  dangerouslyAllowPermissiveRegexWithCredentials?: boolean;
  /**
   * Keep an origin predicate's answers, per origin, for `ttl` milliseconds (at most `max` of them),
   * with one call in flight per key: for a predicate that reads a database, so that it is not
   * queried on every request. A predicate that also reads the request (the host, a tenant header)
   * names those headers in `vary`: answers are then kept per origin and per value of each, and the
   * headers join the answers' `Vary`. A predicate that declares the request parameter
   * (`(origin, callback, req)`) without `vary` is refused at startup. A failed or timed-out answer
   * is not kept. Default: none.
   *
   * @example
   * ```ts
   * { origin: (origin) => tenants.hasOrigin(origin), predicateCache: { ttl: 60_000, max: 10_000 } }
   * { origin: (origin, _cb, req) => tenants.of(req).allows(origin),
   *   predicateCache: { ttl: 60_000, max: 10_000, vary: ['Host'] } }
   * ```
   */
  predicateCache?: PredicateCacheSettings;
}

/** Every option name, so that a misspelt one is reported rather than ignored. */
export const POLICY_OPTION_NAMES: readonly (keyof CorsPolicyOptions)[] = [
  'origin',
  'methods',
  'allowedHeaders',
  'exposedHeaders',
  'credentials',
  'maxAge',
  'preflightContinue',
  'optionsSuccessStatus',
  'privateNetworkAccess',
  'preflightCacheControl',
  'predicateTimeout',
  'predicateCache',
  'dangerouslyAllowNullOrigin',
  'dangerouslyAllowInsecureOriginsWithCredentials',
  'dangerouslyAllowPermissiveRegexWithCredentials',
];
