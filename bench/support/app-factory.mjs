// Builds the Nest application of one (adapter, variant, scenario): plain JavaScript with
// Reflect.decorate, run against the built dist/ of nestjs-cors and Nest 12 from node_modules.
import 'reflect-metadata';
import { Controller, Get, Module, Post, Put } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Cors, CorsModule } from 'nestjs-cors';
import { MANY_ROUTES } from './scenarios.mjs';

/** A controller class with the given name, path and routes: `{ name, decorator, path }`. */
function defineController(className, path, routes, corsPolicy) {
  const Controller_ = { [className]: class {} }[className];
  for (const route of routes) {
    Controller_.prototype[route.name] = function () {
      return 'ok';
    };
    const decorators = [route.decorator(route.path)];
    if (corsPolicy !== undefined) decorators.unshift(Cors(corsPolicy));
    Reflect.decorate(
      decorators,
      Controller_.prototype,
      route.name,
      Object.getOwnPropertyDescriptor(Controller_.prototype, route.name),
    );
  }
  Reflect.decorate([Controller(path)], Controller_);
  return Controller_;
}

function controllersOf(shape, corsPolicy) {
  if (shape === 'items') {
    return [
      defineController(
        'ItemsController',
        'items',
        [
          { name: 'list', decorator: Get, path: undefined },
          { name: 'one', decorator: Get, path: ':id' },
          { name: 'create', decorator: Post, path: undefined },
          { name: 'update', decorator: Put, path: ':id' },
        ],
        corsPolicy,
      ),
    ];
  }
  if (shape === 'many') {
    const { controllers, staticPerController, paramPerController } = MANY_ROUTES;
    return Array.from({ length: controllers }, (_, c) => {
      const routes = [];
      for (let s = 0; s < staticPerController; s++)
        routes.push({ name: `static${s}`, decorator: Get, path: `s${s}` });
      for (let p = 0; p < paramPerController; p++)
        routes.push({ name: `param${p}`, decorator: Get, path: `p${p}/:id` });
      return defineController(`Controller${c}`, `c${c}`, routes, corsPolicy);
    });
  }
  throw new Error(`unknown app shape ${JSON.stringify(shape)}`);
}

/**
 * Creates (not yet listening) the app of a variant:
 * - `none`: no CORS at all;
 * - `enableCors`: `app.enableCors(policy)` (`cors` on Express, `@fastify/cors` on Fastify);
 * - `module`: `CorsModule.forRoot(policy)`;
 * - `decorator`: `CorsModule.forRoot()` with no default origin, and `@Cors(policy)` on every handler.
 */
export async function createBenchApp({ adapter, variant, scenario }) {
  const imports = [];
  if (variant === 'module') imports.push(CorsModule.forRoot(scenario.policy));
  if (variant === 'decorator') imports.push(CorsModule.forRoot());
  const controllers = controllersOf(
    scenario.app,
    variant === 'decorator' ? scenario.policy : undefined,
  );
  class BenchModule {}
  Reflect.decorate([Module({ imports, controllers })], BenchModule);

  let app;
  if (adapter === 'express') {
    app = await NestFactory.create(BenchModule, { logger: false });
  } else if (adapter === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    app = await NestFactory.create(BenchModule, new FastifyAdapter(), { logger: false });
  } else {
    throw new Error(`unknown adapter ${JSON.stringify(adapter)}`);
  }
  if (variant === 'enableCors') app.enableCors(scenario.enableCorsPolicy ?? scenario.policy);
  return app;
}
