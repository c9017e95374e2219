/** What the WebSocket adapters log about handshakes. */
import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { CORS_LOGGER_CONTEXT } from '../nest/logger-context.js';
import type { CorsDecision } from '../engine/index.js';
import type { Gateway } from '../routing/gateways.js';

/** Distinct error messages logged at most, so that a broken policy cannot flood the log. */
const MAX_LOGGED_ERRORS = 100;

/**
 * What the WebSocket adapters log about handshakes: a denial with `debug: true`, as the HTTP hook
 * logs one; a failure to judge, once per gateway and message (the same failure at every
 * handshake is one problem, not one per client); a gateway's own `cors` option, once.
 */
export class HandshakeLog {
  private readonly logger = new Logger(CORS_LOGGER_CONTEXT);
  private readonly loggedErrors = new Set<string>();
  private readonly warned = new Set<Gateway>();

  /** @param adapter the adapter's name, for messages. */
  constructor(
    private readonly adapter: string,
    private readonly debug: boolean,
  ) {}

  /**
   * Logs, once per gateway, that its own `cors` option is not used: the adapter writes the CORS
   * headers of its policy instead, and two sources of CORS headers would disagree.
   */
  ownCors(gateways: readonly Gateway[]): void {
    for (const gateway of gateways) {
      if (gateway.options.cors === undefined || this.warned.has(gateway)) continue;
      this.warned.add(gateway);
      this.logger.warn(
        `${gateway.type.name} sets its own cors option in @WebSocketGateway(), which ${this.adapter} ignores: its handshakes are judged by its @Cors() policy (or the CorsModule default). Remove the cors option from @WebSocketGateway().`,
      );
    }
  }

  denial(
    request: IncomingMessage,
    origin: string | undefined,
    decision: CorsDecision,
    policy: string,
    gateway: Gateway | undefined,
  ): void {
    if (!this.debug) return;
    const target = gateway === undefined ? '' : ` for ${gateway.type.name}`;
    this.logger.log(
      `WebSocket handshake ${request.url ?? ''}${target} from ${JSON.stringify(origin)}: ${decision.reason} by policy ${policy}`,
    );
  }

  error(request: IncomingMessage, error: unknown, gateway: Gateway | undefined): void {
    const message = error instanceof Error ? error.message : String(error);
    const target = gateway === undefined ? '' : ` for ${gateway.type.name}`;
    const key = `${target}|${message}`;
    if (this.loggedErrors.has(key)) return;
    if (this.loggedErrors.size >= MAX_LOGGED_ERRORS) this.loggedErrors.clear();
    this.loggedErrors.add(key);
    this.logger.error(
      `${this.adapter} could not judge the WebSocket handshake ${request.url ?? ''}${target} from ${JSON.stringify(request.headers.origin)}, and refused it: ${message}`,
      error instanceof Error ? error.stack : undefined,
    );
  }
}
