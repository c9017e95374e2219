/** `@Cors()`: a controller's or a handler's own policy. */
import { SetMetadata } from '@nestjs/common';
import { CORS_POLICY_METADATA, type CorsPolicyMetadata } from '../policy/policy-metadata.js';

/**
 * Gives a controller or a handler its own CORS policy; preflights for the route follow it too.
 *
 * Resolution, from the module default upwards: a controller's `@Cors`, then a handler's. Fields
 * merge over what is below them (over a per-request policy's answer too); a name replaces what is
 * below it with that named policy, and a per-request policy replaces it with its answer; `false`
 * switches CORS off, and a handler's `@Cors(...)` inside a switched-off controller switches it back
 * on, over the module default.
 *
 * @example
 * ```ts
 * @Cors({ origin: 'https://admin.example.com', credentials: true })
 * @Controller('items')
 * export class ItemsController {
 *   @Get() list() {}                                   // the controller's policy
 *   @Cors('public') @Get('catalog') catalog() {}       // a named policy
 *   @Cors({ methods: ['PUT'], allowedHeaders: ['X-Token'] })
 *   @Put(':id') update() {}                            // the controller's, with these fields
 *   @Cors(false) @Post('internal') internal() {}       // no CORS headers at all
 * }
 * ```
 */
export function Cors(policy: CorsPolicyMetadata): ClassDecorator & MethodDecorator {
  return SetMetadata(CORS_POLICY_METADATA, policy);
}
