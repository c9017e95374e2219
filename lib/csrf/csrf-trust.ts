import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/**
 * The requests that CORS approved for a credentialed cross-origin call, as the request hook decided
 * them, for {@link corsTrusted}. Recording costs nothing until `corsTrusted(app)` switches it on.
 */
@Injectable()
export class CsrfTrust {
  /** Set by `corsTrusted(app)`: only then does the request hook record approvals. */
  enabled = false;
  private readonly trusted = new WeakSet<IncomingMessage>();

  record(request: IncomingMessage): void {
    this.trusted.add(request);
  }

  has(request: IncomingMessage): boolean {
    return this.trusted.has(request);
  }
}
