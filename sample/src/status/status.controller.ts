import { Controller, Get } from '@nestjs/common';
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
   * CORS switched off: no CORS headers at all, so no other origin's page can read it (same-origin
   * callers and servers still can).
   */
  @Cors(false)
  @Get('internal/metrics')
  metrics() {
    return { uptimeSeconds: Math.round(process.uptime()) };
  }
}
