/** `CorsModule`: the Nest module users import; it wires the setup, the report and the providers. */
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
import { ApplicationConfig, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { CORS_LOGGER_CONTEXT } from '../nest/logger-context.js';
import {
  forRootAsyncDefinition,
  forRootDefinition,
  type CorsModuleAsyncOptions,
} from './cors.module-definition.js';
import type { CorsModuleArgument, CorsModuleOptions } from '../policy/cors-module-options.js';
import { CORS_OPTIONS } from '../nest/cors-options.token.js';
import { CORS_PROVIDERS } from './cors.providers.js';
import { setUpCors } from '../nest/cors-setup.js';
import { serveReport } from '../report/serve-report.js';
import type { HttpPlatform } from '../http/http-platform.js';
import { firstToConfigure, noteEarlyRoutes } from '../nest/select-platform.js';
import { HandlerPolicies } from '../nest/handler-policies.js';
import { CorsPolicies } from '../nest/cors-policies.service.js';
import { CsrfTrust } from '../http/csrf-trust.js';
import { CorsEvents, type CorsEventStream } from '../policy/cors-events.js';

/**
 * Per-controller and per-route CORS for NestJS. Import it once, in the root module; it is global.
 *
 * At startup it compiles and checks every policy, maps every route the platform registers to its
 * handler's policy, and installs a request hook that answers each preflight with the policy of the
 * route the platform's router sends it to, and writes the CORS headers of every other request
 * before anything else runs.
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
@Module({ providers: CORS_PROVIDERS, exports: [CorsPolicies, CorsEvents, CORS_OPTIONS] })
export class CorsModule implements NestModule, OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(CORS_LOGGER_CONTEXT);
  /** Set on the one instance that configured the server. */
  private platform: HttpPlatform | undefined;
  // Injected as properties, not constructor parameters, so that the shipped .d.ts names no type of
  // this package's internals; both are first read in configure().
  @Inject(HandlerPolicies) private readonly handlers!: HandlerPolicies;
  @Inject(CsrfTrust) private readonly csrfTrust!: CsrfTrust;
  // The module's own provider makes it a CorsEventStream (cors.providers.ts).
  @Inject(CorsEvents) private readonly events!: CorsEventStream;

  constructor(
    @Inject(CORS_OPTIONS) private readonly options: CorsModuleOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly modules: ModulesContainer,
    private readonly config: ApplicationConfig,
    private readonly policies: CorsPolicies,
  ) {
    noteEarlyRoutes(adapterHost);
  }

  /**
   * Sets the default policy, named policies and switches. Takes what `app.enableCors()` takes too:
   * `true` (any origin) or a function that gives each request its options.
   *
   * @param options - the default policy (no `origin` means no origin is allowed by default), plus
   *   `policies`, `debug`, `enforce` and `report`.
   * @throws CorsConfigurationError when `options` is none of these.
   */
  static forRoot(options: CorsModuleArgument = {}): DynamicModule {
    return forRootDefinition(CorsModule, options);
  }

  /**
   * Like {@link CorsModule.forRoot}, with options from a factory, a class or an existing provider,
   * e.g. `useFactory: (config: ConfigService) => ({ origin: config.getOrThrow('CORS_ORIGINS') })`.
   */
  static forRootAsync(options: CorsModuleAsyncOptions): DynamicModule {
    return forRootAsyncDefinition(CorsModule, options);
  }

  /** Runs while Nest registers modules: prefix and versioning are final, no route exists yet. */
  configure(_consumer: MiddlewareConsumer): void {
    if (!firstToConfigure(this.adapterHost.httpAdapter)) return;
    const setup = setUpCors({
      options: this.options,
      adapter: this.adapterHost.httpAdapter,
      modules: this.modules,
      config: this.config,
      handlers: this.handlers,
      events: this.events,
      policies: this.policies,
      csrfTrust: this.csrfTrust,
      log: (message) => this.logger.log(message),
      warn: (message) => this.logger.warn(message),
      logError: (message, stack) => this.logger.error(message, stack),
    });
    this.platform = setup.platform;
    if (this.options.report !== undefined) {
      serveReport(setup, this.options.report.path, (message) => this.logger.warn(message));
    }
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
