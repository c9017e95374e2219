import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CorsModuleArgument } from '../policy/cors-module-options.js';

// Typed with everything forRoot() takes, so that a forRootAsync() factory may return `true` or a
// per-request policy function too, as app.enableCors() would take them.
const definition = new ConfigurableModuleBuilder<CorsModuleArgument>({ moduleName: 'Cors' })
  .setClassMethodName('forRoot')
  // Global, so that one import in the root module covers every controller, as with app.enableCors().
  .setExtras({}, (module) => ({ ...module, global: true }))
  .build();

export const ConfigurableCorsModule = definition.ConfigurableModuleClass;
export const CORS_OPTIONS_TYPE = definition.OPTIONS_TYPE;
export const CORS_ASYNC_OPTIONS_TYPE = definition.ASYNC_OPTIONS_TYPE;

/**
 * Injection token of what was given to `CorsModule.forRoot()` or `forRootAsync()`, as given, for a
 * provider of yours that needs to read it. `CorsPolicies` reads the policies in force.
 *
 * @example
 * ```ts
 * constructor(@Inject(CORS_MODULE_OPTIONS) private readonly cors: CorsModuleOptions) {}
 * ```
 */
export const CORS_MODULE_OPTIONS = definition.MODULE_OPTIONS_TOKEN;
