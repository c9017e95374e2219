import { Controller, Get, Put } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Cors } from 'nestjs-cors';

/** No @Cors on the controller: its routes get the module default (CORS_ORIGINS). */
@Controller()
export class StatusController {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** The module default policy. */
  @Get('status')
  status() {
    return { status: 'ok', platform: this.adapterHost.httpAdapter.getType() };
  }

  /**
   * A write under the module default, which has no credentials: CORS lets the allowed origin send
   * it and read the answer, but vouches for none of its writes, so Nest's CSRF protection (api.ts)
   * refuses it from another origin with a 403, which that page can read. Same-origin callers and
   * servers (no Origin, no Sec-Fetch-Site) get through.
   */
  @Put('status')
  touch() {
    return { status: 'ok', touched: true };
  }

  /**
   * CORS switched off: no CORS headers at all, so no other origin's page can read it (same-origin
   * callers and servers still can).
   */
  @Cors(false)
  @Get('internal/metrics')
  metrics() {
    return { uptimeSeconds: Math.round(process.uptime()) };
  }
}
