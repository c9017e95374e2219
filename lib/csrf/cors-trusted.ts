import { Logger, type INestApplication } from '@nestjs/common';
import { CORS_LOGGER_CONTEXT } from '../cors.constants.js';
import { HandlerPolicies } from '../routing/handler-policies.js';
import { CsrfTrust } from './csrf-trust.js';

/**
 * An `exclude` predicate for Nest 12's `app.enableCsrfProtection()` that exempts exactly what CORS
 * grants: a state-changing cross-origin request passes when the policy of the route it is for
 * allows its origin explicitly and with credentials, as the request hook decided it. Never for a
 * policy that answers `'*'` or reflects any origin (`true`), nor one without credentials, nor a
 * route whose policy depends on the host or the version (the hook cannot be sure of it first). Never
 * for `Origin: null` (any site sends it from a sandboxed iframe) nor any origin that is not
 * `scheme://host[:port]` as browsers serialize it. An exemption holds only for the method and URL
 * the hook judged: middleware that rewrote either since (a method override) voids it.
 *
 * Why it is safe: CSRF protection refuses cross-origin writes because a browser attaches the
 * user's cookies to them; a credentialed CORS policy that names an origin has already said that
 * this origin may act for the signed-in user, so refusing its writes protects nothing.
 *
 * On Nest 11, which has no `enableCsrfProtection()`, it logs why at startup and exempts nothing.
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
  const trust = app.get(CsrfTrust);
  const handlers = app.get(HandlerPolicies);
  trust.enabled = true;
  return (request) => trust.has(handlers.platform.rawRequest(request));
}
