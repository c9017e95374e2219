/**
 * The options `CorsModule` takes (policies and the module's switches), and what each argument form
 * of `CorsModule.forRoot()` means.
 */
import type { IncomingMessage } from 'node:http';
import type { CorsPolicyMetadata } from './policy-metadata.js';
import { ProblemList } from '../engine/index.js';
import type { CorsPolicyOptionsWithTrial } from './trial-policy.js';
import {
  isPerRequestPolicy,
  type CorsPolicyFunction,
  type PerRequestCorsPolicy,
} from './per-request-policy.js';

/** Where the module's own options are named in errors and logs. */
export const MODULE_OPTIONS_PLACE = 'CorsModule options';

/**
 * A policy as the module takes it: options, or a policy computed per request (a
 * {@link CorsPolicyFunction} or what {@link perRequestPolicy} made).
 */
export type CorsPolicy =
  CorsPolicyOptionsWithTrial<IncomingMessage> | CorsPolicyFunction | PerRequestCorsPolicy;

/**
 * The policies of the application: the default, which every route gets unless `@Cors()` says
 * otherwise (written inline, or as `defaultPolicy` when it is computed per request), and the named
 * ones. What `CorsPolicies` reads and replaces at run time.
 *
 * @example
 * ```ts
 * const configuration: CorsPolicyConfiguration = {
 *   origin: ['https://app.example.com'],
 *   credentials: true,
 *   policies: { public: { origin: '*' } },
 * };
 * ```
 */
export interface CorsPolicyConfiguration extends CorsPolicyOptionsWithTrial<IncomingMessage> {
  /**
   * A default policy computed per request, instead of inline fields (not both).
   *
   * @example
   * ```ts
   * { defaultPolicy: perRequestPolicy((req) => tenants.corsFor(req.headers.host), { vary: ['Host'] }) }
   * ```
   */
  defaultPolicy?: CorsPolicyFunction | PerRequestCorsPolicy;
  /**
   * Policies that `@Cors('name')` selects. Each is complete on its own: it does not inherit the
   * default policy's fields, so that `{ origin: '*' }` stays valid next to a credentialed default.
   */
  policies?: Record<string, CorsPolicy>;
}

/**
 * Options of {@link CorsModule}: the policies, plus the module's own switches.
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
export interface CorsModuleOptions extends CorsPolicyConfiguration {
  /**
   * Log every denied request with its reason, and the effective policy of every route at startup;
   * and mark each refused request and preflight with an `X-Cors-Refused` header naming the reason
   * and where the route's policy was written (see {@link CorsModuleOptions.debugHeader}). Default:
   * `false`.
   */
  debug?: boolean;
  /**
   * The `X-Cors-Refused` header of `debug: true`, such as `origin-not-allowed;
   * policy="ItemsController.update, CorsModule options"`, shown in the browser's network panel
   * and never exposed to the page's scripts. Unset: sent where `NODE_ENV` is not `production`
   * (and a startup warning says it is off in production). `false`: never sent, the log alone.
   * `'even-in-production'`: sent in production too, with a startup warning; it tells any client
   * why it was refused and the names of your classes and methods. Needs `debug: true`.
   */
  debugHeader?: false | 'even-in-production';
  /**
   * Refuse with 403, before the handler runs, a cross-origin request whose origin the route's policy
   * does not allow. Same-origin requests are never refused. Default: `false` (the browser enforces
   * CORS; the server only answers).
   */
  enforce?: boolean;
  /**
   * Serve a page at `path` that lists every route, `paths` entry and WebSocket gateway with its
   * effective policy and where each field of it was written, with a form to ask whether an origin may do a method on a path; `?format=json`
   * gives the same data to tools. Off by default; a development aid, which logs a warning when
   * `NODE_ENV` is `production`. The path is used as written, outside the global prefix.
   *
   * @example
   * ```ts
   * CorsModule.forRoot({ origin: 'https://app.example.com', report: { path: '/_cors' } });
   * ```
   */
  report?: { path: string };
  /**
   * Policies for server paths outside Nest's controllers: a GraphQL endpoint, static files, Swagger
   * UI, routes added on the adapter. Each value means what it means in `@Cors()`: fields over the
   * module default, a policy name, a per-request policy, or `false`. Paths use the syntax Nest 12
   * routes use (path-to-regexp 8), as written, outside the global prefix, and each covers what lies
   * below it, as a mount does (`"/graphql"` covers `/graphql/x` too); the first entry that covers a
   * request wins. Controller routes keep their own policy where both match (a startup warning says
   * so). Set once at startup: name a policy here to change it at run time through `CorsPolicies`.
   *
   * Which entry a request falls under is decided by the platform itself: a route that another
   * library registers with the platform's router (Apollo and mercurius on Fastify, `@fastify/static`)
   * takes the entry that covers the route as declared, and the router picks the route; a request
   * that reaches no route (middleware mounted with `app.use()`, as Apollo and `ServeStaticModule`
   * do on Express) is matched as the platform matches its mounts.
   *
   * @example
   * ```ts
   * CorsModule.forRoot({
   *   origin: 'https://app.example.com',
   *   policies: { public: { origin: '*' } },
   *   paths: {
   *     '/graphql': { origin: 'https://studio.example.com', credentials: true },
   *     '/static': 'public',
   *     '/internal': false,
   *   },
   * });
   * ```
   */
  paths?: Record<string, CorsPolicyMetadata>;
}

/**
 * Everything `CorsModule.forRoot()` takes, as `app.enableCors()` does: options (Nest's
 * `CorsOptions` included), `true` for every origin with the default methods, or a policy computed
 * per request (Nest's `CorsOptionsDelegate` included).
 */
export type CorsModuleArgument =
  CorsModuleOptions | CorsPolicyFunction | PerRequestCorsPolicy | true;

/**
 * The options a {@link CorsModuleArgument} means: `true` is `{ origin: '*' }`, as
 * `app.enableCors(true)` allows every origin; a function is the default policy, per request.
 *
 * @throws CorsConfigurationError for anything else, such as `false`, which `app.enableCors()`
 *   does not take either.
 */
export function toModuleOptions(argument: unknown): CorsModuleOptions {
  if (argument === true) return { origin: '*' };
  if (isPerRequestPolicy(argument)) return { defaultPolicy: argument };
  if (argument === undefined) return {};
  if (argument === null || typeof argument !== 'object' || Array.isArray(argument)) {
    const problems = new ProblemList();
    problems.add(
      'module-options-invalid',
      'CorsModule.forRoot()',
      argument,
      'is not options, a per-request policy function or true',
      argument === false
        ? 'leave CorsModule out for no CORS at all, or switch routes off with @Cors(false)'
        : 'write CorsModule.forRoot({ origin: "https://app.example.com" })',
    );
    problems.throwIfAny(MODULE_OPTIONS_PLACE);
  }
  return argument as CorsModuleOptions;
}
