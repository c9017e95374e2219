/** `corsTrusted(app)`: Nest 12's CSRF check exempts requests this module approved. */
import { Logger, type INestApplication } from '@nestjs/common';
import { CORS_LOGGER_CONTEXT } from '../nest/logger-context.js';
import { HandlerPolicies } from '../nest/handler-policies.js';
import { CsrfExemptionGuard } from './csrf-exemption.guard.js';
import { CsrfTrust } from '../http/csrf-trust.js';

/**
 * An `exclude` predicate for Nest 12's `app.enableCsrfProtection()` that exempts exactly what CORS
 * grants: a state-changing cross-origin request passes when the policy of the route it is for
 * allows its origin explicitly and with credentials, as the request hook decided it. Never for a
 * policy that answers `'*'` or reflects any origin (`true`), nor one without credentials, nor a
 * route whose policy depends on the host or the version (the hook cannot be sure of it first). Never
 * for `Origin: null` (any site sends it from a sandboxed iframe) nor any origin that is not
 * `scheme://host[:port]` as browsers serialize it.
 *
 * An exemption holds only for the method and URL the hook judged. Middleware that rewrote either
 * before the check (a method override) voids it: the request is checked as any other. Middleware
 * that rewrites either after the check (module middleware, or `app.use()` after
 * `enableCsrfProtection()`) can still choose another route on Express: a global guard, installed
 * here, refuses such a request before its handler runs (403). On Fastify the router has chosen the
 * route before the check, and no middleware can change it: no guard is needed there.
 *
 * Why it is safe: CSRF protection refuses cross-origin writes because a browser attaches the
 * user's cookies to them; a credentialed CORS policy that names an origin has already said that
 * this origin may act for the signed-in user, so refusing its writes protects nothing.
 *
 * Call it before `app.init()`, as `enableCsrfProtection()` must be: global guards added later do
 * not reach the routes. On Nest 11, which has no `enableCsrfProtection()`, it logs why at startup
 * and exempts nothing.
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule);
 * app.enableCsrfProtection({ exclude: corsTrusted(app) });
 * ```
 */
export function corsTrusted(app: INestApplication): (request: object) => boolean {
  if (typeof (app as { enableCsrfProtection?: unknown }).enableCsrfProtection !== 'function') {
    new Logger(CORS_LOGGER_CONTEXT).warn(
      'corsTrusted(app): this version of Nest has no app.enableCsrfProtection() (it is new in Nest 12), so there is nothing to exempt from; the helper exempts nothing.',
    );
    return () => false;
  }
  if ((app as { isInitialized?: unknown }).isInitialized === true) {
    // Nest reads global guards when it registers the routes, in init(): a guard added later would
    // reach no route, and rewritten requests would keep their exemption unchecked.
    throw new Error(
      'corsTrusted(app) was called after app.init() (or app.listen()): call it before, where app.enableCsrfProtection({ exclude: corsTrusted(app) }) must be called anyway.',
    );
  }
  const trust = app.get(CsrfTrust);
  const handlers = app.get(HandlerPolicies);
  trust.enabled = true;
  if (!trust.guarded && routesAfterSecurityHook(app)) {
    trust.guarded = true;
    app.useGlobalGuards(new CsrfExemptionGuard(trust, handlers));
  }
  return (request) => trust.exempts(handlers.platform.rawRequest(request));
}

/**
 * Whether the router chooses the route after Nest's security hook has run, so that middleware
 * between the two can change the route. Nest installs the hook with the adapter's
 * `registerSecurityHook()`: as a middleware (`use()`) ahead of the router by default (Express),
 * but as an `onRequest` hook on Fastify, which runs once the router has chosen the route. An
 * adapter this does not know is assumed to route after the hook: the guard then checks.
 */
function routesAfterSecurityHook(app: INestApplication): boolean {
  return app.getHttpAdapter().getType() !== 'fastify';
}
