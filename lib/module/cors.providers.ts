/** The providers of `CorsModule`: the services, the options token, the guard and interceptor where needed. */
import type { Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, ModulesContainer } from '@nestjs/core';
import { CorsGuard } from '../nest/cors.guard.js';
import { CorsInterceptor } from '../nest/cors.interceptor.js';
import { CORS_OPTIONS } from '../nest/cors-options.token.js';
import type { CorsModuleOptions } from '../policy/cors-module-options.js';
import { mayHaveAmbiguousRoutes, mayOverwriteCorsHeaders } from '../nest/handler-table.js';
import { HandlerPolicies } from '../nest/handler-policies.js';
import { CorsPolicies } from '../nest/cors-policies.service.js';
import { CsrfTrust } from '../http/csrf-trust.js';
import { CorsEvents, CorsEventStream } from '../policy/cors-events.js';

/**
 * The module's providers (the options come with `forRoot()` or `forRootAsync()`: see
 * cors.module-definition.ts). The global guard and interceptor exist only where some route needs them
 * (a `null` `APP_*` provider is no guard at all), so that other routes do not pay for them.
 */
export const CORS_PROVIDERS: Provider[] = [
  HandlerPolicies,
  CorsPolicies,
  CsrfTrust,
  // No decorator on the class (the policy layer knows no Nest): made here, one per module.
  { provide: CorsEvents, useFactory: () => new CorsEventStream() },
  {
    provide: APP_GUARD,
    inject: [CORS_OPTIONS, ModulesContainer, HandlerPolicies],
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
];
