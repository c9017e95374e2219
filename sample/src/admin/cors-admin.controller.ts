import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Logger,
  Post,
  UseGuards,
} from '@nestjs/common';
import { Cors, CorsConfigurationError, CorsPolicies } from 'nestjs-cors';
import { AdminGuard } from './admin.guard.js';
import { listedOrigins, originsInForce } from './origins-in-force.js';

/**
 * Changes the CORS policy while the API runs, through `CorsPolicies`: `POST` adds an origin to the
 * module default, which every route built on it (the books, the session, the reports…) allows
 * from the next request on, preflights included. Nothing is restarted; a restart forgets it.
 *
 * Not open to the world. `@Cors(false)`: no page on another origin may read its answers, and a
 * request with a JSON body or an `Authorization` header never leaves the browser, because its
 * preflight gets no CORS headers. And {@link AdminGuard}: only from this machine, only with the
 * token. Call it from a shell or a server, not from a page:
 *
 * ```sh
 * curl -X POST http://127.0.0.1:3000/api/admin/cors/origins \
 *   -H "Authorization: Bearer $CORS_ADMIN_TOKEN" -H 'Content-Type: application/json' \
 *   -d '{"origin":"http://127.0.0.1:4001"}'
 * ```
 */
@Cors(false)
@UseGuards(AdminGuard)
@Controller('admin/cors')
export class CorsAdminController {
  private readonly logger = new Logger('CorsAdmin');

  constructor(private readonly policies: CorsPolicies) {}

  /** The origins the module default allows now. */
  @Get('origins')
  origins() {
    return { origins: originsInForce(this.policies) };
  }

  /**
   * Adds `origin` to the module default's origins. An invalid origin (no scheme, a path, a
   * trailing slash…) is a 400 with the `CorsConfigurationError`'s message: `replace()` checks the
   * whole configuration first and keeps the one in force when it refuses it.
   */
  @Post('origins')
  @HttpCode(200)
  addOrigin(@Body() body: unknown) {
    const origin = (body as { origin?: unknown } | null | undefined)?.origin;
    if (typeof origin !== 'string') {
      throw new BadRequestException('Send JSON: { "origin": "https://app.example.com" }');
    }
    // current() and replace() run in one synchronous step: no other request can change the
    // policies between the two, so no addition is lost.
    const current = this.policies.current();
    const origins = listedOrigins(current);
    if (origins === undefined) {
      throw new ConflictException(
        'The default policy does not list its origins (a function, true or a per-request policy)',
      );
    }
    if (origins.includes(origin)) return { added: false, origins: originsInForce(this.policies) };
    try {
      this.policies.replace({ ...current, origin: [...origins, origin] });
    } catch (error) {
      if (error instanceof CorsConfigurationError) throw new BadRequestException(error.message);
      throw error;
    }
    this.logger.log(`Origin ${origin} added to the default CORS policy`);
    return { added: true, origins: originsInForce(this.policies) };
  }
}
