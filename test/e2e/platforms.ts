import type { INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

/** What a test sends: a method, a path and request headers. */
export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** What came back, with header names in lower case. */
export interface Received {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** A running application and a way to send it requests over real HTTP. */
export interface TestApp {
  readonly app: INestApplication;
  send(sent: SentRequest): Promise<Received>;
  close(): Promise<void>;
}

/** What `new FastifyAdapter()` takes: Fastify's own options (`routerOptions`, for one). */
export type FastifyAdapterOptions = ConstructorParameters<typeof FastifyAdapter>[0];

/**
 * Boots `rootModule` on a platform, the way users do: `setUp` runs between creation and `init()`,
 * where `setGlobalPrefix`, `enableVersioning` and friends go. `options` go to
 * `createNestApplication()` (a `logger` to capture logs, for one); logging is off by default.
 * `fastifyOptions` go to the Fastify adapter, and are ignored on Express.
 *
 * With `viaNestFactory`, the application is made by `NestFactory.create()`, as `main.ts` makes it,
 * instead of the testing module: modules then see the HTTP adapter while they are instantiated
 * (`ServeStaticModule` picks its loader there; the testing module gives it none).
 */
export async function startApp(
  platform: Platform,
  rootModule: Type,
  setUp: (app: INestApplication) => void = () => undefined,
  options: NestApplicationOptions = {},
  fastifyOptions?: FastifyAdapterOptions,
  viaNestFactory = false,
): Promise<TestApp> {
  const adapter =
    platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(fastifyOptions);
  const appOptions = { logger: false as const, ...options };
  const app = viaNestFactory
    ? await NestFactory.create(rootModule, adapter, appOptions)
    : (await Test.createTestingModule({ imports: [rootModule] }).compile()).createNestApplication(
        adapter,
        appOptions,
      );
  setUp(app);
  try {
    await app.init();
  } catch (error) {
    // A startup error: release what was created, and report the error itself.
    await app.close().catch(() => undefined);
    throw error;
  }
  if (platform === 'fastify')
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  const server = app.getHttpServer() as Parameters<typeof request>[0];
  return {
    app,
    async send({ method, path, headers = {}, body }) {
      let pending = request(server)[method.toLowerCase() as 'get'](path);
      for (const [name, value] of Object.entries(headers)) pending = pending.set(name, value);
      const response = body === undefined ? await pending : await pending.send(body);
      return {
        status: response.status,
        headers: response.headers,
        body: response.text ?? '',
      };
    },
    close: () => app.close(),
  };
}

/**
 * Fastify's most lenient router (case-insensitive, trailing and duplicate slashes folded, `;` as a
 * query delimiter), given where this Fastify reads router options: in `routerOptions`, which Nest's
 * adapter passes on when it knows them; at the top level for the adapter and Fastify of Nest 11.0.
 * Both differential suites run a variant with it.
 */
export const LENIENT_FASTIFY_OPTIONS: FastifyAdapterOptions = (() => {
  const lenient = {
    caseSensitive: false,
    ignoreTrailingSlash: true,
    ignoreDuplicateSlashes: true,
    useSemicolonDelimiter: true,
  };
  const knowsRouterOptions =
    typeof (FastifyAdapter.prototype as unknown as Record<string, unknown>)
      .getTopLevelRouterOptions === 'function';
  // Cast: find-my-way reads useSemicolonDelimiter, but the type Fastify borrows does not list it.
  return (knowsRouterOptions ? { routerOptions: lenient } : lenient) as FastifyAdapterOptions;
})();

/**
 * What makes an application trust `X-Forwarded-*` from a proxy on loopback, each platform its own
 * way: Express's `trust proxy` setting (in `setUp`), Fastify's `trustProxy` option.
 */
export function trustLoopback(platform: Platform): {
  readonly setUp: (app: INestApplication) => void;
  readonly fastifyOptions: FastifyAdapterOptions | undefined;
} {
  return {
    setUp: (app) => {
      if (platform === 'express')
        (app.getHttpAdapter().getInstance() as { set(key: string, value: unknown): void }).set(
          'trust proxy',
          'loopback',
        );
    },
    fastifyOptions: platform === 'fastify' ? { trustProxy: '127.0.0.1' } : undefined,
  };
}
