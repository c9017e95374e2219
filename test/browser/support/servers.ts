import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

export const HOST = '127.0.0.1';

/** A request as it reached the API's HTTP server, before Nest or the CORS hook saw it. */
export interface ArrivedRequest {
  /** `METHOD /path`, without the query. */
  readonly route: string;
  readonly origin?: string;
  readonly cookie?: string;
}

/** Counts what reaches a server: preflights included, which no Nest middleware sees. */
export class RequestLog {
  readonly arrived: ArrivedRequest[] = [];

  attach(server: Server): void {
    // First in line: Express rewrites request.url while it routes, synchronously.
    server.prependListener('request', (request: IncomingMessage) => {
      const path = new URL(request.url ?? '/', 'http://api').pathname;
      this.arrived.push({
        route: `${request.method} ${path}`,
        origin: request.headers.origin,
        cookie: request.headers.cookie,
      });
    });
  }

  /** How many requests arrived per `METHOD /path`. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { route } of this.arrived) counts[route] = (counts[route] ?? 0) + 1;
    return counts;
  }

  clear(): void {
    this.arrived.length = 0;
  }
}

/** An application of `rootModule` on `platform`, created but not yet listening; logging off. */
export async function createApi(
  platform: Platform,
  rootModule: Type | DynamicModule,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [rootModule] }).compile();
  return moduleRef.createNestApplication(
    platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  );
}

/** Listens on 127.0.0.1 on a free port, and records every request; returns the API's origin. */
export async function listenRecorded(app: INestApplication, log: RequestLog): Promise<string> {
  const server = app.getHttpServer() as Server;
  log.attach(server);
  await app.listen(0, HOST);
  return originOf(server);
}

export function originOf(server: Server): string {
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('server is not listening');
  return `http://${HOST}:${address.port}`;
}

/** Starts a plain HTTP server on a free port of 127.0.0.1. */
export function listenOnFreePort(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve(originOf(server)));
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A blank page, served on its own origin, from which a test's fetch() calls go out. */
export async function startBlankPage(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><meta charset="utf-8"><title>page</title><p>page</p>');
  });
  const origin = await listenOnFreePort(server);
  return { origin, close: () => closeServer(server) };
}
