/**
 * Whether refusals carry the `X-Cors-Refused` header (`debug: true`, gated in production by
 * `debugHeader`), and what it says about where the route's policy was written.
 */
import type { Type } from '@nestjs/common';
import {
  REFUSAL_HEADER,
  refusalHeaderValue,
  type RefusalExplainer,
} from '../http/refusal-header.js';
import { classDeclaring } from '../policy/policy-metadata.js';
import type { CorsModuleOptions } from '../policy/cors-module-options.js';
import type { CorsPolicyRegistry } from '../policy/cors-policy-registry.js';
import { DEBUG_HEADER_IN_PRODUCTION } from '../policy/module-options-validation.js';
import type { PathPolicy } from '../routing/path-policies.js';
import { recordOf, type RouteTarget } from '../routing/route-record.js';
import { handlerPolicySources, policySources } from './debug-log.js';

/**
 * Whether the header is sent: with `debug: true`, outside production, unless `debugHeader: false`;
 * in production only with `debugHeader: 'even-in-production'`. Warns once, at startup, when
 * production turns it off and when the switch turns it on there.
 *
 * @param nodeEnv `process.env.NODE_ENV` at startup.
 */
export function debugHeaderOn(
  options: CorsModuleOptions,
  nodeEnv: string | undefined,
  warn: (message: string) => void,
): boolean {
  if (options.debug !== true || options.debugHeader === false) return false;
  if (nodeEnv !== 'production') return true;
  if (options.debugHeader === DEBUG_HEADER_IN_PRODUCTION) {
    warn(
      `${REFUSAL_HEADER} is sent in production (debugHeader: "${DEBUG_HEADER_IN_PRODUCTION}"): every refused request tells its client why, and the names of the classes and methods its policy was written in. Remove debugHeader once the problem is found.`,
    );
    return true;
  }
  warn(
    `debug: true with NODE_ENV=production: denials are logged, but refused responses carry no ${REFUSAL_HEADER} header. Set debugHeader: "${DEBUG_HEADER_IN_PRODUCTION}" to send it anyway, or debugHeader: false to silence this warning.`,
  );
  return false;
}

/**
 * The header's value for a refusal: the reason code, and where the policy of the route the request
 * was resolved to was written (the handler, controller, named policy and module options it drew
 * on; a `paths` entry; the module default). Routes with equal policies share one handle, whose
 * label names only the first of them: a route is named from the router's answer instead, and a
 * `paths` entry from the entry. Explained at each refusal, so that `CorsPolicies.replace()` shows.
 */
export function refusalExplainer(
  registry: CorsPolicyRegistry,
  pathPolicies: readonly PathPolicy[],
  paths: CorsModuleOptions['paths'],
): RefusalExplainer {
  const entries = new Map<RouteTarget, Type>(
    pathPolicies.map(({ path, target, where }) => [target, classDeclaring(where, paths?.[path])]),
  );
  return (decision, route, handle) => {
    const target = route?.targetWith(handle);
    const record = target === undefined ? undefined : recordOf(target);
    const entry = target === undefined ? undefined : entries.get(target);
    const places =
      record !== undefined
        ? policySources(registry, record)
        : entry !== undefined
          ? handlerPolicySources(registry, entry, NO_HANDLER, '')
          : handle.label;
    return refusalHeaderValue(decision.reason, places);
  };
}

/** The handler of a class explained as a whole: none, so the class's own `@Cors()` counts. */
const NO_HANDLER: object = Object.freeze({});
