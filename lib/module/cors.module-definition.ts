/**
 * What `CorsModule.forRoot()` and `forRootAsync()` give Nest: Nest's own module builder (for the
 * async forms: factories, classes, existing providers), and the options in their one normal form.
 */
import {
  ConfigurableModuleBuilder,
  type ConfigurableModuleAsyncOptions,
  type DynamicModule,
  type FactoryProvider,
  type ExistingProvider,
} from '@nestjs/common';
import { toModuleOptions, type CorsModuleArgument } from '../policy/cors-module-options.js';
import { CORS_OPTIONS } from '../nest/cors-options.token.js';

/**
 * What `CorsModule.forRootAsync()` takes: Nest's async module options (`useFactory` with `inject`,
 * `useClass`, `useExisting`, `imports`), giving anything `forRoot()` takes.
 *
 * @example
 * ```ts
 * CorsModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ origin: config.getOrThrow('CORS_ORIGINS') }),
 * });
 * ```
 */
export type CorsModuleAsyncOptions = ConfigurableModuleAsyncOptions<CorsModuleArgument, 'create'>;

/** Where the builder keeps the argument as given (`true`, a function, options); never exported. */
const CORS_MODULE_ARGUMENT = Symbol('CORS_MODULE_ARGUMENT');

// Typed with everything forRoot() takes, so that a forRootAsync() factory may return `true` or a
// per-request policy function too, as app.enableCors() would take them.
const definition = new ConfigurableModuleBuilder<CorsModuleArgument>({
  moduleName: 'Cors',
  optionsInjectionToken: CORS_MODULE_ARGUMENT,
})
  .setClassMethodName('forRoot')
  // Global, so that one import in the root module covers every controller, as with app.enableCors().
  .setExtras({}, (module) => ({ ...module, global: true }))
  .build();

/** The module definition of `forRoot(argument)`, for `module`. */
export function forRootDefinition(
  module: DynamicModule['module'],
  argument: CorsModuleArgument,
): DynamicModule {
  // Normalised here, once, so that a wrong argument throws at the forRoot() call that wrote it; and
  // first, because the builder copies an options object's fields, and `true` or a function has none.
  const options = toModuleOptions(argument);
  return withNormalOptions(module, definition.ConfigurableModuleClass.forRoot(options), {
    provide: CORS_OPTIONS,
    useExisting: CORS_MODULE_ARGUMENT,
  });
}

/** The module definition of `forRootAsync(options)`, for `module`. */
export function forRootAsyncDefinition(
  module: DynamicModule['module'],
  options: CorsModuleAsyncOptions,
): DynamicModule {
  // What the factory gives may be `true` or a function too: normalised once, when Nest has it.
  return withNormalOptions(module, definition.ConfigurableModuleClass.forRootAsync(options), {
    provide: CORS_OPTIONS,
    inject: [CORS_MODULE_ARGUMENT],
    useFactory: toModuleOptions,
  });
}

function withNormalOptions(
  module: DynamicModule['module'],
  built: DynamicModule,
  normal: FactoryProvider | ExistingProvider,
): DynamicModule {
  return { ...built, module, providers: [...(built.providers ?? []), normal] };
}
