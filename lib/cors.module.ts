import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import {
  APP_GUARD,
  APP_INTERCEPTOR,
  ApplicationConfig,
  HttpAdapterHost,
  ModulesContainer,
} from '@nestjs/core';
import { CORS_LOGGER_CONTEXT } from './cors.constants.js';
import { CorsGuard } from './cors.guard.js';
import { CorsInterceptor } from './cors.interceptor.js';
import {
  CORS_ASYNC_OPTIONS_TYPE,
  CORS_MODULE_OPTIONS,
  CORS_OPTIONS_TYPE,
  ConfigurableCorsModule,
} from './cors.module-definition.js';
import type { CorsModuleOptions } from './cors-module-options.js';
import {
  denialLogger,
  mayHaveAmbiguousRoutes,
  mayOverwriteCorsHeaders,
  recordHandlerPolicies,
  routeReport,
  uniformNoOriginVary,
  versionReaderFor,
} from './module-setup.js';
import type { HttpPlatform } from './platform/http-platform.js';
import { selectPlatform } from './platform/select-platform.js';
import { CorsPolicyRegistry } from './policy/cors-policy-registry.js';
import { collectRoutes } from './routing/collect-routes.js';
import { HandlerPolicies } from './routing/handler-policies.js';
import { RouteMap } from './routing/route-map.js';

/**
 * Per-controller and per-route CORS for NestJS. Import it once, in the root module; it is global.
 *
 * At startup it compiles and checks every policy, maps every route the platform registers to its
 * handler's policy, and installs a request hook (Express middleware placed first, or a Fastify
 * `onRequest` hook) that answers each preflight with the policy of the route the platform's router
 * sends it to, and writes the CORS headers of every other request before anything else runs. A
 * global guard and interceptor are registered only when some route needs them (`enforce`, routes
 * told apart only by host or version, `@Header()` that overwrites CORS headers).
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     CorsModule.forRoot({
 *       origin: ['https://app.example.com', 'https://*.example.com'],
 *       credentials: true,
 *       policies: { public: { origin: '*' } },
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({
  providers: [
    HandlerPolicies,
    {
      provide: APP_GUARD,
      inject: [CORS_MODULE_OPTIONS, ModulesContainer, HandlerPolicies],
      useFactory: (
        options: CorsModuleOptions,
        modules: ModulesContainer,
        handlers: HandlerPolicies,
      ) =>
        options.enforce === true || mayHaveAmbiguousRoutes(modules)
          ? new CorsGuard(handlers, options.enforce === true)
          : null,
    },
    {
      provide: APP_INTERCEPTOR,
      inject: [ModulesContainer, HandlerPolicies],
      useFactory: (modules: ModulesContainer, handlers: HandlerPolicies) =>
        mayOverwriteCorsHeaders(modules) ? new CorsInterceptor(handlers) : null,
    },
  ],
})
export class CorsModule
  extends ConfigurableCorsModule
  implements NestModule, OnModuleInit, OnApplicationBootstrap
{
  private readonly logger = new Logger(CORS_LOGGER_CONTEXT);
  /** Set on the one instance that configured the server. */
  private platform: HttpPlatform | undefined;

  constructor(
    @Inject(CORS_MODULE_OPTIONS) private readonly options: CorsModuleOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly modules: ModulesContainer,
    private readonly config: ApplicationConfig,
    private readonly handlers: HandlerPolicies,
  ) {
    super();
  }

  /**
   * Sets the default policy, named policies and switches.
   *
   * @param options the default policy (no `origin` means no origin is allowed by default), plus
   *   `policies`, `debug` and `enforce`.
   */
  static override forRoot(options: typeof CORS_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  /**
   * Like {@link CorsModule.forRoot}, with options from a factory, a class or an existing provider.
   *
   * @example
   * ```ts
   * CorsModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ origin: config.getOrThrow<string>('CORS_ORIGINS').split(',') }),
   * });
   * ```
   */
  static override forRootAsync(options: typeof CORS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }

  /**
   * Runs while Nest registers modules: the global prefix and versioning are final, controllers are
   * instantiated, and no route is registered yet, so this is where policies are compiled and the
   * platform starts watching routes.
   */
  configure(_consumer: MiddlewareConsumer): void {
    const adapter = this.adapterHost.httpAdapter;
    // A module imported twice is configured twice; one hook per server is the rule.
    if (configuredServers.has(adapter.getInstance())) return;
    configuredServers.add(adapter.getInstance());
    const platform = selectPlatform(adapter);
    this.platform = platform;
    this.handlers.platform = platform;

    const registry = new CorsPolicyRegistry(this.options, (error, origin) =>
      this.logger.error(
        `The origin predicate failed for ${JSON.stringify(origin)}; the request was denied.`,
        error instanceof Error ? error.stack : String(error),
      ),
    );
    const records = collectRoutes(this.modules, this.config, registry, (path) =>
      platform.normalizePath(path),
    );
    recordHandlerPolicies(records, this.handlers);
    platform.watchRoutes(new RouteMap(records));
    platform.installRequestHook({
      defaultPolicy: registry.defaultPolicy,
      readVersion: versionReaderFor(this.config.getVersioning()),
      uniformNoOriginVary: uniformNoOriginVary(records, registry),
      logDenial:
        this.options.debug === true
          ? denialLogger((message) => this.logger.log(message), registry)
          : undefined,
    });

    if (registry.hasNoDefaultOrigin) {
      this.logger.log(
        'No origin in CorsModule options: cross-origin requests are allowed only where @Cors() allows them.',
      );
    }
    if (this.options.debug === true) this.logger.log(routeReport(records, registry));
  }

  /** Nest has registered every route by now: each must map to its handler's policy. */
  onModuleInit(): void {
    this.platform?.routesRegistered();
  }

  /** Reports `app.enableCors()` used alongside: both would write CORS headers, and disagree. */
  onApplicationBootstrap(): void {
    this.platform?.whenReady((enableCorsIsOn) => {
      if (!enableCorsIsOn) return;
      this.logger.warn(
        'app.enableCors() (or the cors option of NestFactory.create) is on as well as CorsModule: the two write conflicting headers. Remove app.enableCors() and move its options to CorsModule.forRoot().',
      );
    });
  }
}

const configuredServers = new WeakSet<object>();
