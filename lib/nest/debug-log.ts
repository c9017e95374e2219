/**
 * What `debug: true` logs: each denied request with its reason and the route it was resolved to,
 * and at startup every route with where its policy was written.
 */
import type { Type } from '@nestjs/common';
import type { DenialLogger } from '../http/hook-reports.js';
import type { CorsPolicyRegistry } from '../policy/cors-policy-registry.js';
import type { RoutePolicy } from '../policy/policy-handle.js';
import { explainHandler } from '../policy/policy-explanation.js';
import type { PathPolicy } from '../routing/path-policies.js';
import { handlerLabel, recordOf, type RouteRecord } from '../routing/route-record.js';

/**
 * Logs each denial with its reason, the route the request was resolved to and where that route's
 * policy was written. Routes with equal policies share one handle, whose label names only the
 * first of them: the route is named from the router's answer instead.
 */
export function denialLogger(
  log: (message: string) => void,
  registry: CorsPolicyRegistry,
): DenialLogger {
  return (request, decision, preflight, route, handle) => {
    const method = preflight
      ? `preflight for ${String(request.headers['access-control-request-method'])}`
      : request.method;
    const target = route?.targetWith(handle);
    const record = target === undefined ? undefined : recordOf(target);
    const by =
      record === undefined
        ? `by policy ${handle.label}`
        : `by ${handlerLabel(record)} (policy from ${policySources(registry, record)})`;
    log(
      `${method} ${request.url} from ${JSON.stringify(request.headers.origin)}: ${decision.reason} ${by}`,
    );
  };
}

/** The startup report of every route and its policy. */
export function routeReport(
  records: readonly RouteRecord[],
  pathPolicies: readonly PathPolicy[],
  registry: CorsPolicyRegistry,
): string {
  const handleLabel = (policy: RoutePolicy) => (policy === null ? 'CORS off' : policy.label);
  // Where each route's options were written: a handle's own label names only the first of the
  // routes whose equal policies share it.
  const sourcesOf = (record: RouteRecord) =>
    record.policy === null ? 'CORS off' : policySources(registry, record);
  const lines = [
    ...records.map((r) => `  ${r.method.padEnd(7)} ${r.path}  ->  ${sourcesOf(r)}`),
    ...pathPolicies.map(
      (p) => `  ${'(paths)'.padEnd(7)} ${p.path}  ->  ${handleLabel(p.target.policy)}`,
    ),
  ];
  return `Routes and their CORS policies (others: ${registry.defaultHandle.label}):\n${lines.join('\n')}`;
}

/**
 * Where a route's policy was written: every place one of its options came from (the log line and
 * the `X-Cors-Refused` header).
 */
export function policySources(registry: CorsPolicyRegistry, record: RouteRecord): string {
  return handlerPolicySources(registry, record.controller, record.handler, record.methodName);
}

/** Where a handler's policy (or, with a handler without `@Cors()`, a class's) was written. */
export function handlerPolicySources(
  registry: CorsPolicyRegistry,
  controller: Type,
  handler: object,
  methodName: string,
): string {
  const explained = explainHandler(registry, controller, handler, methodName);
  if (explained === null) return 'nowhere: CORS is off';
  if (explained.perRequest !== undefined) return `${explained.perRequest} (per request)`;
  const places = [...new Set(Object.values(explained.sources))];
  return places.length === 0 ? 'the defaults' : places.join(', ');
}
