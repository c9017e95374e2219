/**
 * What `@Cors()` writes on a controller or a handler, and under which key: the registry reads it
 * back when it resolves a route's policy.
 */
import type { IncomingMessage } from 'node:http';
import type { CorsPolicyOptions } from '../engine/index.js';
import type { CorsPolicyFunction, PerRequestCorsPolicy } from './per-request-policy.js';

/** Metadata key under which `@Cors()` stores its argument on a controller or a handler. */
export const CORS_POLICY_METADATA = 'nestjs-cors:policy';

/**
 * What `@Cors()` accepts: fields that override the policy below them, the name of a policy from
 * `CorsModule.forRoot({ policies })`, a policy computed per request, or `false` for no CORS at all.
 */
export type CorsPolicyMetadata =
  CorsPolicyOptions<IncomingMessage> | string | false | CorsPolicyFunction | PerRequestCorsPolicy;
