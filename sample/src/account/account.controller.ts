import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard } from './auth.guard.js';

/**
 * The module default policy, behind a guard. The guard's 401 carries the CORS headers, so the page
 * can read the status and the message instead of seeing a CORS error.
 */
@Controller('account')
@UseGuards(AuthGuard)
export class AccountController {
  @Get('orders')
  orders() {
    return [{ id: 17, total: 42 }];
  }
}
