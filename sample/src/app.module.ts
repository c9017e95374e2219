import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { CorsModule } from 'nestjs-cors';
import { AccountController } from './account/account.controller.js';
import { AuthGuard } from './account/auth.guard.js';
import { AdminGuard } from './admin/admin.guard.js';
import { AdminToken } from './admin/admin-token.js';
import { CorsAdminController } from './admin/cors-admin.controller.js';
import { BooksController } from './books/books.controller.js';
import { corsOptions } from './cors.options.js';
import { LiveGateway } from './live/live.gateway.js';
import { ReportsController } from './reports/reports.controller.js';
import { SessionController } from './session/session.controller.js';
import { StatusController } from './status/status.controller.js';
import { TrialsController } from './trials/trials.controller.js';

@Module({
  imports: [
    // Reads .env from the working directory (sample/ with `npm run sample`) when there is one.
    ConfigModule.forRoot({ isGlobal: true }),
    CorsModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: corsOptions,
    }),
  ],
  controllers: [
    StatusController,
    BooksController,
    SessionController,
    AccountController,
    ReportsController,
    CorsAdminController,
    TrialsController,
  ],
  providers: [AuthGuard, AdminGuard, AdminToken, LiveGateway],
})
export class AppModule {}
