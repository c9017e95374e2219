import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { corsTrusted } from 'nestjs-cors';
import { CorsIoAdapter } from 'nestjs-cors/socket.io';
import { AppModule } from './app.module.js';

export type Platform = 'express' | 'fastify';

/** `--fastify` or `--express` on the command line, else PLATFORM, else Express. */
export function choosePlatform(args: readonly string[], fromEnvironment?: string): Platform {
  if (args.includes('--fastify')) return 'fastify';
  if (args.includes('--express')) return 'express';
  const value = (fromEnvironment ?? '').trim().toLowerCase();
  if (value === '' || value === 'express') return 'express';
  if (value === 'fastify') return 'fastify';
  throw new Error(`PLATFORM=${fromEnvironment}: use express or fastify`);
}

/** Creates the API on a platform, ready to `listen()`. All routes are under /api. */
export async function createApi(
  platform: Platform,
  options: NestApplicationOptions = {},
): Promise<INestApplication> {
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(AppModule, adapter, options);
  app.setGlobalPrefix('api');
  // Nest 12's CSRF protection refuses cross-origin writes; corsTrusted(app) lets through those
  // whose route's policy allows their origin by name with credentials (sample/README.md).
  app.enableCsrfProtection({ exclude: corsTrusted(app) });
  // The gateways' handshakes follow the same policies as the routes (live/live.gateway.ts).
  app.useWebSocketAdapter(new CorsIoAdapter(app));
  return app;
}
