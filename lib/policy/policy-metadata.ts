/**
 * What `@Cors()` writes on a controller or a handler, and under which key: the registry reads it
 * back when it resolves a route's policy.
 */
import type { IncomingMessage } from 'node:http';
import type { Type } from '@nestjs/common';
import type { CorsPolicyOptionsWithTrial } from './trial-policy.js';
import type { CorsPolicyFunction, PerRequestCorsPolicy } from './per-request-policy.js';

/** Metadata key under which `@Cors()` stores its argument on a controller or a handler. */
export const CORS_POLICY_METADATA = 'nestjs-cors:policy';

/**
 * What `@Cors()` accepts: fields that override the policy below them, the name of a policy from
 * `CorsModule.forRoot({ policies })`, a policy computed per request, or `false` for no CORS at all.
 */
export type CorsPolicyMetadata =
  | CorsPolicyOptionsWithTrial<IncomingMessage>
  | string
  | false
  | CorsPolicyFunction
  | PerRequestCorsPolicy;

/**
 * A class named `name` that carries `value` as its `@Cors()`: how a `paths` entry is explained, since
 * its value means what `@Cors(value)` on a controller means (the registry then names each of its
 * fields' source `name`, such as `paths["/docs"]`). Make one per entry, once: the registry keeps the
 * policy of every class it is asked about.
 */
export function classDeclaring(name: string, value: CorsPolicyMetadata | undefined): Type {
  const declared = class {};
  Object.defineProperty(declared, 'name', { value: name });
  Reflect.defineMetadata(CORS_POLICY_METADATA, value, declared);
  return declared;
}
