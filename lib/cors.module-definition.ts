import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CorsModuleOptions } from './cors-module-options.js';

export const {
  ConfigurableModuleClass: ConfigurableCorsModule,
  MODULE_OPTIONS_TOKEN: CORS_MODULE_OPTIONS,
  OPTIONS_TYPE: CORS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CORS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CorsModuleOptions>({ moduleName: 'Cors' })
  .setClassMethodName('forRoot')
  .setExtras({}, (definition) => ({ ...definition, global: true }))
  .build();
