// Builds the Nest application of one (adapter, variant, scenario): plain JavaScript with
// Reflect.decorate, run against the built dist/ of nestjs-cors (this checkout's, or another's) and
// Nest 12 from node_modules.
import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Controller, Delete, Get, Module, Post, Put } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  API_CONTROLLERS,
  APP_ORIGIN,
  MANY_ROUTES,
  bareHeaders,
  perRequestPolicyOf,
} from './scenarios.mjs';
import { generatedControllers } from './route-count-scenarios.mjs';

const ROUTE_DECORATORS = { GET: Get, POST: Post, PUT: Put, DELETE: Delete };

/**
 * A controller class with the given name, path and routes: `{ name, decorator, path }`, with
 * `@Cors(corsPolicy)` on every handler when given one, and `@Cors(controllerPolicy)` on the class.
 */
function defineController(Cors, className, path, routes, corsPolicy, controllerPolicy) {
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
  const classDecorators = [Controller(path)];
  if (controllerPolicy !== undefined) classDecorators.unshift(Cors(controllerPolicy));
  Reflect.decorate(classDecorators, Controller_);
  return Controller_;
}

/**
 * @param scenario its `app` (the shape) and, for `routes`, its `routeCount`;
 * @param corsPolicy `@Cors()` for every handler (`items`, `many` and `routes`);
 * @param withControllerPolicies whether the `api` controllers carry their own `@Cors()`.
 */
function controllersOf(Cors, scenario, adapter, corsPolicy, withControllerPolicies) {
  const shape = scenario.app;
  if (shape === 'items') {
    return [
      defineController(
        Cors,
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
      return defineController(Cors, `Controller${c}`, `c${c}`, routes, corsPolicy);
    });
  }
  if (shape === 'api') {
    return API_CONTROLLERS.map(({ className, path, cors, routes }) =>
      defineController(
        Cors,
        className,
        path,
        routes.map((route) => ({
          name: route.name,
          decorator: ROUTE_DECORATORS[route.method],
          path: typeof route.path === 'object' ? route.path[adapter] : route.path,
        })),
        undefined,
        withControllerPolicies ? cors : undefined,
      ),
    );
  }
  if (shape === 'routes') {
    return generatedControllers(scenario.routeCount).map(({ className, path, routes }) =>
      defineController(
        Cors,
        className,
        path,
        routes.map(({ name, method, path: routePath }) => ({
          name,
          decorator: ROUTE_DECORATORS[method],
          path: routePath,
        })),
        corsPolicy,
      ),
    );
  }
  throw new Error(`unknown app shape ${JSON.stringify(shape)}`);
}

/**
 * The bare variant's hook: for a request from {@link APP_ORIGIN}, writes the headers the module
 * writes for an approved actual request under `policy`, precomputed, and nothing else; no library.
 * Placed first, as the module's hook is: on Express, a middleware at the head of the app's stack;
 * on Fastify, an `onRequest` hook at the head of the instance's list.
 */
async function installBareHook(app, adapter, policy) {
  const headers = bareHeaders(policy, APP_ORIGIN);
  const instance = app.getHttpAdapter().getInstance();
  if (adapter === 'express') {
    const hook = (req, res, next) => {
      if (req.headers.origin === APP_ORIGIN) {
        for (const [name, value] of headers) res.setHeader(name, value);
      }
      next();
    };
    app.use(hook);
    // Nest adds its body parsers on init: move the hook ahead of them, as the module does.
    await app.init();
    const stack = (instance.router ?? instance._router)?.stack ?? [];
    const index = stack.findIndex((layer) => layer.handle === hook);
    if (index === -1) throw new Error('bare hook: not in the Express stack');
    stack.unshift(...stack.splice(index, 1));
  } else {
    // Fastify stores and sends header names in lower case, and lower-cases each name it is given:
    // names already in lower case are the cheapest way to write them, so the limit uses them.
    const lowerCased = headers.map(([name, value]) => [name.toLowerCase(), value]);
    const hook = (request, reply, done) => {
      if (request.headers.origin === APP_ORIGIN) {
        for (const [name, value] of lowerCased) reply.header(name, value);
      }
      done();
    };
    instance.addHook('onRequest', hook);
    // Ahead of the onRequest hooks Nest's adapter adds when it is created, as the module does:
    // routes copy the instance's hook list when they are registered, on init.
    instance.after(() => {
      const symbol = Object.getOwnPropertySymbols(instance).find(
        (s) => s.description === 'fastify.hooks',
      );
      const onRequest = instance[symbol]?.onRequest;
      const index = onRequest?.indexOf(hook) ?? -1;
      if (index === -1) throw new Error('bare hook: not in the Fastify onRequest hooks');
      onRequest.unshift(...onRequest.splice(index, 1));
    });
  }
}

/**
 * nestjs-cors as built in `library`, a checkout with its own `dist/` (its `node_modules` must
 * resolve Nest to the same files as this one's, e.g. a symlink), or this checkout's by default.
 */
async function loadLibrary(library) {
  if (library === undefined) return import('nestjs-cors');
  return import(pathToFileURL(join(resolve(library), 'dist', 'esm', 'index.js')).href);
}

/**
 * The module's options for a per-request default policy answering `policy`: its named policies, if
 * any, stay as they are.
 */
function perRequestModuleOptions(perRequestPolicy, policy, cached) {
  const { policies, ...fields } = policy;
  return {
    defaultPolicy: perRequestPolicyOf(perRequestPolicy, fields, cached),
    ...(policies === undefined ? {} : { policies }),
  };
}

/**
 * Creates (not yet listening) the app of a variant:
 * - `none`: no CORS at all;
 * - `bare`: a hand-written hook that writes fixed headers for the allowed origin (see above);
 * - `enableCors`: `app.enableCors(policy)` (`cors` on Express, `@fastify/cors` on Fastify);
 * - `module`: `CorsModule.forRoot(policy)`, and the `api` app's controller policies;
 * - `decorator`: `CorsModule.forRoot()` with no default origin, and `@Cors(policy)` on every handler;
 * - `moduleBase`, `decoratorBase`: as `module` and `decorator` (the library is the caller's choice);
 * - `moduleListening`: as `module`, with a `CorsEvents` listener that counts every event (issue 20:
 *   what a metrics subscriber costs);
 * - `moduleTrial`: as `module`, with `trial: {}` on the default policy: a trial equal to the policy,
 *   so that every request is decided twice and compared, and none differs (what a trial costs on
 *   the requests it agrees with, which are most);
 * - `perRequest`, `perRequestUncached`: as `module`, with the default policy computed per request
 *   (see `perRequestPolicyOf` in scenarios.mjs), cached or not;
 * - `perRequestDecorator`: as `decorator`, with `@Cors(perRequestPolicy(...))` on every handler.
 *
 * @param library the checkout whose `dist/` provides nestjs-cors; this one's when `undefined`.
 */
export async function createBenchApp({ adapter, variant, scenario, library }) {
  const usesLibrary = !['none', 'bare', 'enableCors'].includes(variant);
  const { Cors, CorsModule, CorsEvents, perRequestPolicy } = usesLibrary
    ? await loadLibrary(library)
    : {
        Cors: undefined,
        CorsModule: undefined,
        CorsEvents: undefined,
        perRequestPolicy: undefined,
      };
  const asModule = [
    'module',
    'moduleBase',
    'moduleListening',
    'moduleTrial',
    'perRequest',
    'perRequestUncached',
  ].includes(variant);
  const asDecorator = ['decorator', 'decoratorBase', 'perRequestDecorator'].includes(variant);
  if (variant.startsWith('perRequest') && typeof perRequestPolicy !== 'function')
    throw new Error(`${variant}: this build of nestjs-cors has no perRequestPolicy()`);
  const imports = [];
  if (variant === 'module' || variant === 'moduleBase' || variant === 'moduleListening')
    imports.push(CorsModule.forRoot(scenario.policy));
  if (variant === 'moduleTrial')
    imports.push(CorsModule.forRoot({ ...scenario.policy, trial: {} }));
  if (variant === 'perRequest' || variant === 'perRequestUncached') {
    imports.push(
      CorsModule.forRoot(
        perRequestModuleOptions(perRequestPolicy, scenario.policy, variant === 'perRequest'),
      ),
    );
  }
  if (asDecorator) imports.push(CorsModule.forRoot());
  let handlerPolicy;
  if (variant === 'decorator' || variant === 'decoratorBase') handlerPolicy = scenario.policy;
  if (variant === 'perRequestDecorator')
    handlerPolicy = perRequestPolicyOf(perRequestPolicy, scenario.policy, true);
  const controllers = controllersOf(Cors, scenario, adapter, handlerPolicy, asModule);
  class BenchModule {}
  Reflect.decorate([Module({ imports, controllers })], BenchModule);

  let app;
  // bench/app.mjs reports the time from here to listening (bench/startup.mjs).
  performance.mark('nest-create');
  if (adapter === 'express') {
    app = await NestFactory.create(BenchModule, { logger: false });
  } else if (adapter === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    app = await NestFactory.create(BenchModule, new FastifyAdapter(), { logger: false });
  } else {
    throw new Error(`unknown adapter ${JSON.stringify(adapter)}`);
  }
  if (variant === 'moduleListening') {
    if (CorsEvents === undefined) throw new Error(`${variant}: this build has no CorsEvents`);
    const counts = new Map();
    app.get(CorsEvents).on((event) => counts.set(event.kind, (counts.get(event.kind) ?? 0) + 1));
  }
  if (variant === 'enableCors') app.enableCors(scenario.enableCorsPolicy ?? scenario.policy);
  if (variant === 'bare') await installBareHook(app, adapter, scenario.policy);
  return app;
}
