import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CorsModuleOptions } from './cors-module-options.js';

const definition = new ConfigurableModuleBuilder<CorsModuleOptions>({ moduleName: 'Cors' })
  .setClassMethodName('forRoot')
  // Global, so that one import in the root module covers every controller, as with app.enableCors().
  .setExtras({}, (module) => ({ ...module, global: true }))
  .build();

export const ConfigurableCorsModule = definition.ConfigurableModuleClass;
export const CORS_OPTIONS_TYPE = definition.OPTIONS_TYPE;
export const CORS_ASYNC_OPTIONS_TYPE = definition.ASYNC_OPTIONS_TYPE;

/**
 * Injection token of the options given to `CorsModule.forRoot()` or `forRootAsync()`, for a
 * provider of yours that needs to read them.
 *
 * @example
 * ```ts
 * constructor(@Inject(CORS_MODULE_OPTIONS) private readonly cors: CorsModuleOptions) {}
 * ```
 */
export const CORS_MODULE_OPTIONS = definition.MODULE_OPTIONS_TOKEN;
