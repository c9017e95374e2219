import {
  Inject,
  Logger,
  Module,
  VersioningType,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  APP_GUARD,
  APP_INTERCEPTOR,
  ApplicationConfig,
  HttpAdapterHost,
  ModulesContainer,
  type AbstractHttpAdapter,
} from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import {
  CORS_LOGGER_CONTEXT,
  NEST_HEADERS_METADATA,
  NEST_VERSION_METADATA,
} from './cors.constants.js';
import { CorsGuard } from './cors.guard.js';
import { CorsInterceptor } from './cors.interceptor.js';
import {
  CORS_ASYNC_OPTIONS_TYPE,
  CORS_MODULE_OPTIONS,
  CORS_OPTIONS_TYPE,
  ConfigurableCorsModule,
} from './cors.module-definition.js';
import type { CorsModuleOptions } from './cors-module-options.js';
import { CorsRequestHandler, type DenialLogger } from './hooks/cors-request-handler.js';
import { installExpressRequestHook } from './hooks/express-request-hook.js';
import { installFastifyRequestHook } from './hooks/fastify-request-hook.js';
import { CorsPolicyRegistry } from './policy/cors-policy-registry.js';
import { collectRoutes } from './routing/collect-routes.js';
import { declaredHandlers } from './routing/controllers.js';
import { fastifyPathToPattern } from './routing/fastify-path.js';
import { HandlerPolicies } from './routing/handler-policies.js';
import type { RouteRecord } from './routing/route-record.js';
import { RouteTable, type RouteMatching, type VersionReader } from './routing/route-table.js';

/**
 * Per-controller and per-route CORS for NestJS. Import it once, in the root module; it is global.
 *
 * At startup it compiles and checks every policy, builds a table of every route, and installs a
 * request hook (Express middleware placed first, or a Fastify `onRequest` hook) that answers each
 * preflight with the policy of the route it is for and writes the CORS headers of every other
 * request before anything else runs. A global guard and interceptor are registered only when some
 * route needs them (`enforce`, versions outside the path, `@Header()` that overwrites CORS headers).
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
        options.enforce === true || hasVersionMetadata(modules)
          ? new CorsGuard(handlers, options)
          : null,
    },
    {
      provide: APP_INTERCEPTOR,
      inject: [ModulesContainer, HandlerPolicies],
      useFactory: (modules: ModulesContainer, handlers: HandlerPolicies) =>
        declaredHandlers(modules).some(({ handler }) => overwritesCorsHeaders(handler))
          ? new CorsInterceptor(handlers)
          : null,
    },
  ],
})
export class CorsModule
  extends ConfigurableCorsModule
  implements NestModule, OnApplicationBootstrap
{
  private readonly logger = new Logger(CORS_LOGGER_CONTEXT);

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
   * instantiated, and the router is not built yet, so this is where policies are compiled, the route
   * table is built and the request hook is installed.
   */
  configure(_consumer: MiddlewareConsumer): void {
    const adapter = this.adapterHost.httpAdapter;
    const instance = adapter.getInstance<object>();
    // A module imported twice is configured twice; one hook per server is the rule.
    if (configuredServers.has(instance)) return;
    configuredServers.add(instance);
    const registry = new CorsPolicyRegistry(this.options, (error, origin) =>
      this.logger.error(
        `The origin predicate failed for ${JSON.stringify(origin)}; the request was denied.`,
        error instanceof Error ? error.stack : String(error),
      ),
    );
    const records = collectRoutes(this.modules, this.config, registry);
    this.recordHandlerPolicies(records);

    const table = new RouteTable(
      records,
      registry.defaultPolicy,
      routeMatchingOf(adapter, this.config),
      this.versionReader(),
    );
    const handler = new CorsRequestHandler(
      table,
      uniformNoOriginVary(records, registry),
      this.options.debug === true ? this.denialLogger(registry) : undefined,
    );
    const platform = adapter.getType();
    if (platform === 'express') installExpressRequestHook(adapter.getInstance(), handler);
    else if (platform === 'fastify') installFastifyRequestHook(adapter.getInstance(), handler);
    else
      throw new Error(`CorsModule supports the express and fastify platforms, not "${platform}".`);

    if (registry.hasNoDefaultOrigin) {
      this.logger.log(
        'No origin in CorsModule options: cross-origin requests are allowed only where @Cors() allows them.',
      );
    }
    if (this.options.debug === true) this.logRouteTable(records, registry);
  }

  /** Reports `app.enableCors()` used alongside: both would write CORS headers, and disagree. */
  onApplicationBootstrap(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.getType() === 'fastify') {
      // Nest registers @fastify/cors as a plugin, which Fastify loads only when it gets ready.
      const fastify = adapter.getInstance<{
        addHook(name: 'onReady', hook: () => void): unknown;
      }>();
      fastify.addHook('onReady', () => this.warnIfEnableCors());
    } else {
      this.warnIfEnableCors();
    }
  }

  private warnIfEnableCors(): void {
    const adapter = this.adapterHost.httpAdapter as unknown as { corsHook?: unknown };
    const instance = this.adapterHost.httpAdapter.getInstance<{
      router?: { stack?: { name?: string }[] };
      hasPlugin?: (name: string) => boolean;
    }>();
    const expressCors =
      instance.router?.stack?.some((layer) => layer.name === 'corsMiddleware') === true;
    const fastifyCors =
      adapter.corsHook !== undefined || instance.hasPlugin?.('@fastify/cors') === true;
    if (expressCors || fastifyCors) {
      this.logger.warn(
        'app.enableCors() (or the cors option of NestFactory.create) is on as well as CorsModule: the two write conflicting headers. Remove app.enableCors() and move its options to CorsModule.forRoot().',
      );
    }
  }

  private recordHandlerPolicies(records: readonly RouteRecord[]): void {
    const policiesByRoute = new Map<string, Set<unknown>>();
    for (const record of records) {
      const key = `${record.method} ${record.path}`;
      const policies = policiesByRoute.get(key) ?? new Set();
      policies.add(record.policy);
      policiesByRoute.set(key, policies);
    }
    for (const record of records) {
      const sharesRouteWithOtherPolicies =
        policiesByRoute.get(`${record.method} ${record.path}`)!.size > 1;
      this.handlers.set(record.handler, {
        policy: record.policy,
        uncertain: record.versions !== undefined && sharesRouteWithOtherPolicies,
        overwritesCorsHeaders: overwritesCorsHeaders(record.handler),
      });
    }
  }

  private versionReader(): VersionReader | undefined {
    const versioning = this.config.getVersioning();
    if (versioning?.type === VersioningType.HEADER) {
      const name = versioning.header.toLowerCase();
      return (request: IncomingMessage) => {
        const value = request.headers[name];
        return typeof value === 'string' && value !== '' ? value : undefined;
      };
    }
    if (versioning?.type === VersioningType.MEDIA_TYPE) {
      const key = versioning.key;
      return (request: IncomingMessage) => {
        // As Nest reads it: the first parameter of Accept, after the key.
        const parameter = request.headers.accept?.split(';')[1];
        const version = parameter?.split(key)[1];
        return version === undefined || version === '' ? undefined : version;
      };
    }
    return undefined;
  }

  private denialLogger(registry: CorsPolicyRegistry): DenialLogger {
    return (request, policy, decision, preflight) => {
      const method = preflight
        ? `preflight for ${String(request.headers['access-control-request-method'])}`
        : request.method;
      this.logger.log(
        `${method} ${request.url} from ${JSON.stringify(request.headers.origin)}: ${decision.reason} by policy ${registry.labelOf(policy)}`,
      );
    };
  }

  private logRouteTable(records: readonly RouteRecord[], registry: CorsPolicyRegistry): void {
    const lines = records.map(
      (r) =>
        `  ${r.method.padEnd(7)} ${r.path}  ->  ${r.policy === null ? 'CORS off' : registry.labelOf(r.policy)}`,
    );
    this.logger.log(
      `Routes and their CORS policies (others: ${registry.labelOf(registry.defaultPolicy)}):\n${lines.join('\n')}`,
    );
  }
}

const configuredServers = new WeakSet<object>();

function routeMatchingOf(adapter: AbstractHttpAdapter, config: ApplicationConfig): RouteMatching {
  const reported = (
    adapter as {
      getRouteMatchingOptions?: () => { caseSensitive?: boolean; ignoreTrailingSlash?: boolean };
    }
  ).getRouteMatchingOptions?.();
  // Older adapters do not report these; the fallbacks are the platforms' defaults as Nest sets them up.
  const isExpress = adapter.getType() === 'express';
  const orderSensitive =
    (adapter as { isRouteOrderSensitive?: () => boolean }).isRouteOrderSensitive?.() ?? isExpress;
  const sortsBySpecificity =
    (
      config as { getRouteResolutionStrategy?: () => string | undefined }
    ).getRouteResolutionStrategy?.() === 'specificity';
  return {
    caseSensitive: reported?.caseSensitive ?? !isExpress,
    ignoreTrailingSlash: reported?.ignoreTrailingSlash ?? isExpress,
    toPattern: isExpress ? undefined : fastifyPathToPattern,
    precedence: orderSensitive && !sortsBySpecificity ? 'registration' : 'static-first',
  };
}

/** The `Vary` of every response to a request without Origin, when all policies agree on it. */
function uniformNoOriginVary(
  records: readonly RouteRecord[],
  registry: CorsPolicyRegistry,
): string | undefined {
  const values = new Set<string>([registry.defaultPolicy.noOriginDecision.vary]);
  for (const record of records)
    values.add(record.policy === null ? '' : record.policy.noOriginDecision.vary);
  return values.size === 1 ? [...values][0] : undefined;
}

function hasVersionMetadata(modules: ModulesContainer): boolean {
  return declaredHandlers(modules).some(
    ({ controller, handler }) =>
      Reflect.getMetadata(NEST_VERSION_METADATA, controller) !== undefined ||
      Reflect.getMetadata(NEST_VERSION_METADATA, handler) !== undefined,
  );
}

function overwritesCorsHeaders(handler: object): boolean {
  const headers = Reflect.getMetadata(NEST_HEADERS_METADATA, handler) as
    { name: string }[] | undefined;
  return headers?.some(({ name }) => /^(vary|access-control-)/i.test(name)) === true;
}
