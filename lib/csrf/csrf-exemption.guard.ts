/** Refuses a request whose method or URL was rewritten after its CSRF exemption (Express). */
import { ForbiddenException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { HandlerPolicies } from '../nest/handler-policies.js';
import type { CsrfTrust } from '../http/csrf-trust.js';

/** The 403's message: what happened, and where a rewrite must run instead. */
export const REWRITTEN_AFTER_EXEMPTION =
  'Cross-origin request not allowed: CSRF protection exempted it, through corsTrusted(), as it was before middleware changed its method or URL. A method override or URL rewrite must run before the CSRF check: app.use() it before app.enableCsrfProtection().';

/**
 * Refuses a request that `corsTrusted(app)` exempted from CSRF protection if it reaches a handler
 * with another method or URL than the check saw. Middleware that runs after the check (every
 * module middleware, and `app.use()` after `enableCsrfProtection()` on Express) may have sent it
 * to another route, whose own policy never vouched for its origin.
 *
 * It does nothing for any other request (one WeakMap lookup). What may legitimately differ
 * between the check and a guard does not reach the comparison: Express restores the URL that a
 * mounted middleware or router saw without its mount path before the route runs, and Fastify's
 * `rewriteUrl` runs before routing, so before the check. A handler reached by another route is
 * the only thing refused.
 */
export class CsrfExemptionGuard implements CanActivate {
  constructor(
    private readonly trust: CsrfTrust,
    private readonly handlers: HandlerPolicies,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = this.handlers.platform.rawRequest(context.switchToHttp().getRequest());
    const exemption = this.trust.exemptionOf(request);
    // The router chooses by method and path: a query changed after the check reaches the same route.
    if (
      exemption === undefined ||
      (exemption.method === request.method && pathOf(exemption.url) === pathOf(request.url))
    )
      return true;
    throw new ForbiddenException(REWRITTEN_AFTER_EXEMPTION);
  }
}

/** The path of a request target, without its query. */
function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
