/** The record of which requests the hook approved for CSRF exemption, and which were exempted. */
import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { parseSerializedOrigin } from '../engine/origin/serialized-origin.js';

/** What an approval was decided for: it holds for this request as it was then, and no other. */
interface Approval {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly origin: string;
}

/** The method and URL a request had when the CSRF check exempted it. */
export interface Exemption {
  readonly method: string | undefined;
  readonly url: string | undefined;
}

/**
 * The requests that CORS approved for a credentialed cross-origin call, as the request hook decided
 * them, and those that CSRF protection then exempted, for {@link corsTrusted}. Recording costs
 * nothing until `corsTrusted(app)` switches it on.
 */
@Injectable()
export class CsrfTrust {
  /** Set by `corsTrusted(app)`: only then does the request hook record approvals. */
  enabled = false;
  /** Set once `corsTrusted(app)` has installed the guard that checks exemptions (once per app). */
  guarded = false;
  private readonly approvals = new WeakMap<IncomingMessage, Approval>();
  private readonly exemptions = new WeakMap<IncomingMessage, Exemption>();

  /**
   * Records that CORS approved `request` as it is now. Only an origin a page on a real host sends
   * (`scheme://host[:port]`, serialized as browsers do) is ever recorded: `null` is what any site
   * sends from a sandboxed iframe, so no policy can say that it, in particular, acts for the user.
   */
  record(request: IncomingMessage): void {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || parseSerializedOrigin(origin) === undefined) return;
    this.approvals.set(request, { method: request.method, url: request.url, origin });
  }

  /**
   * Whether `request` was approved with the method, URL and origin it has now. Middleware that ran
   * since (a method override, a URL rewrite) may have sent it to another route, whose policy was
   * never asked: any such change voids the approval.
   */
  has(request: IncomingMessage): boolean {
    const approval = this.approvals.get(request);
    return (
      approval !== undefined &&
      approval.method === request.method &&
      approval.url === request.url &&
      approval.origin === request.headers.origin
    );
  }

  /**
   * Answers the CSRF check's question (see {@link has}), and remembers a yes with the method and
   * URL the request has now: middleware that runs after the check may still rewrite them, and the
   * guard refuses the request if it did.
   */
  exempts(request: IncomingMessage): boolean {
    if (!this.has(request)) return false;
    this.exemptions.set(request, { method: request.method, url: request.url });
    return true;
  }

  /** The method and URL `request` had when it was exempted, if it was. */
  exemptionOf(request: IncomingMessage): Exemption | undefined {
    return this.exemptions.get(request);
  }
}
