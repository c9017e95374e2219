/**
 * The startup work of `CorsModule`, as plain functions of what Nest knows at startup, so that the
 * module itself only wires.
 */
import type { IncomingMessage } from 'node:http';
import { VersioningType, type VersioningOptions } from '@nestjs/common';
import type { AbstractHttpAdapter, ApplicationConfig, ModulesContainer } from '@nestjs/core';
import { NEST_METADATA } from '../routing/nest-metadata.js';
import type { CorsModuleOptions } from '../policy/cors-module-options.js';
import { decideActual, type CorsDecision } from '../engine/index.js';
import type { DenialLogger } from '../http/cors-request-handler.js';
import type { HttpPlatform } from '../http/http-platform.js';
import { selectPlatform } from './select-platform.js';
import { CorsPolicyRegistry } from '../policy/cors-policy-registry.js';
import { collectRoutes } from '../routing/collect-routes.js';
import { servedMethods, withSharedUrls } from '../routing/shared-url-routes.js';
import { declaredHandlers } from '../routing/controllers.js';
import type { HandlerPolicies } from './handler-policies.js';
import type { CorsPolicies } from './cors-policies.service.js';
import type { CsrfTrust } from '../http/csrf-trust.js';
import {
  handlerLabel,
  recordOf,
  type RoutePolicy,
  type RouteRecord,
} from '../routing/route-record.js';
import { DeclaredRouteCover, pathPoliciesOf, type PathPolicy } from '../routing/path-policies.js';
import { RouteMap } from '../routing/route-map.js';
import { ambiguousRecords, type VersionReader } from '../routing/route-resolution.js';
import { findGateways } from '../routing/gateways.js';
import { explainHandler } from '../policy/policy-explanation.js';

/** What the module set up: the platform seam, the policies and the routes with theirs. */
export interface CorsSetup {
  readonly platform: HttpPlatform;
  readonly registry: CorsPolicyRegistry;
  readonly records: readonly RouteRecord[];
}

/** What setting the module up needs from Nest, and where it reports. */
export interface CorsSetupContext {
  readonly options: CorsModuleOptions;
  readonly adapter: AbstractHttpAdapter;
  readonly modules: ModulesContainer;
  readonly config: ApplicationConfig;
  readonly handlers: HandlerPolicies;
  readonly policies: CorsPolicies;
  readonly csrfTrust: CsrfTrust;
  readonly log: (message: string) => void;
  readonly warn: (message: string) => void;
  readonly logError: (message: string, stack?: string) => void;
}

/**
 * Compiles every policy, lists every route, and has the platform watch its routes and run the
 * request hook. Runs while Nest registers modules, before any route exists.
 *
 * @returns the platform seam, for the steps that come once routes are registered, and what the
 *   features built on the module (the report) read.
 */
export function setUpCors(context: CorsSetupContext): CorsSetup {
  const { options, config, handlers, log } = context;
  const platform = selectPlatform(context.adapter);
  handlers.platform = platform;
  const stackOf = (error: unknown) => (error instanceof Error ? error.stack : String(error));
  const registry = new CorsPolicyRegistry(options, {
    reportError: (error, origin) =>
      context.logError(
        `The origin predicate failed for ${JSON.stringify(origin)}; the request was denied.`,
        stackOf(error),
      ),
    error: (message, error) =>
      context.logError(message, error === undefined ? undefined : stackOf(error)),
    warn: context.warn,
  });
  context.policies.attach(registry);
  // A gateway's policy is resolved at its first handshake; resolving it now makes an invalid one
  // (an unknown policy name, say) stop the start, named, as a controller's does.
  for (const gateway of findGateways(context.modules)) registry.resolveClass(gateway.type);
  const { records, shared, outside } = withSharedUrls(
    collectRoutes(context.modules, config, registry, (path) => platform.normalizePath(path)),
  );
  recordHandlerPolicies(records, handlers);
  const pathPolicies = pathPoliciesOf(options.paths, registry);
  for (const warning of new DeclaredRouteCover(pathPolicies, false).shadowWarnings(records)) {
    context.warn(warning);
  }
  const handles = [
    ...records.map((record) => record.policy),
    ...pathPolicies.map((p) => p.target.policy),
  ];
  const settings = {
    defaultPolicy: registry.defaultHandle,
    defaultRoute: { policy: registry.defaultHandle, hosts: undefined, versions: undefined },
    readVersion: versionReaderFor(config.getVersioning()),
    pathPolicies,
    routeMethods: servedMethods(records),
    uniformNoOriginVary: uniformNoOriginVary(handles, registry),
    logDenial: options.debug === true ? denialLogger(log, registry) : undefined,
    csrfTrust: context.csrfTrust,
  };
  registry.onReplace(() => {
    settings.uniformNoOriginVary = uniformNoOriginVary(handles, registry);
    for (const sharedUrl of shared) sharedUrl.refresh();
  });
  platform.installRequestHook(settings);
  // What a `paths` entry mounts may serve any URL below its key, for any method.
  for (const { path, target } of pathPolicies) {
    outside.note({ path, method: 'ALL', policy: target.policy, prefix: true });
  }
  platform.watchRoutes(new RouteMap(records), (route) => outside.note(route));
  for (const note of registry.differencesFromEnableCors()) context.warn(note);
  if (options.debug === true) log(routeReport(records, pathPolicies, registry));
  return { platform, registry, records };
}

/** Whether some route may be ambiguous, judged from the classes alone, before any policy exists. */
export function mayHaveAmbiguousRoutes(modules: ModulesContainer): boolean {
  return declaredHandlers(modules).some(
    ({ controller, handler }) =>
      Reflect.getMetadata(NEST_METADATA.version, controller) !== undefined ||
      Reflect.getMetadata(NEST_METADATA.version, handler) !== undefined ||
      Reflect.getMetadata(NEST_METADATA.host, controller) !== undefined,
  );
}

/** Whether some handler's `@Header()` metadata replaces a header the module writes. */
export function mayOverwriteCorsHeaders(modules: ModulesContainer): boolean {
  return declaredHandlers(modules).some(({ handler }) => overwritesCorsHeaders(handler));
}

/** Fills in what the guard and the interceptor read per handler. */
export function recordHandlerPolicies(
  records: readonly RouteRecord[],
  handlers: HandlerPolicies,
): void {
  const ambiguous = ambiguousRecords(records);
  for (const record of records) {
    const earlier = handlers.get(record.controller, record.handler);
    const uncertain = ambiguous.has(record) || earlier?.uncertain === true;
    const sharedUrls = [...(earlier?.sharedUrls ?? [])];
    if (record.sharedUrl !== undefined) sharedUrls.push(record.sharedUrl);
    handlers.set(record.controller, record.handler, {
      policy: record.policy,
      uncertain,
      overwritesCorsHeaders: overwritesCorsHeaders(record.handler),
      sharedUrls,
    });
  }
}

/** Reads the version a request asks for as Nest's version filter does, where it can be read. */
export function versionReaderFor(
  versioning: VersioningOptions | undefined,
): VersionReader | undefined {
  if (versioning?.type === VersioningType.HEADER) {
    const name = versioning.header.toLowerCase();
    return (request: IncomingMessage) => {
      const value = request.headers[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
  }
  if (versioning?.type === VersioningType.MEDIA_TYPE) {
    const key = versioning.key;
    return (request: IncomingMessage) => {
      // As Nest reads it: the first parameter of Accept, after the key.
      const parameter = request.headers.accept?.split(';')[1];
      const version = parameter?.split(key)[1];
      return version === undefined || version === '' ? undefined : version;
    };
  }
  return undefined;
}

/**
 * The `Vary` of every response to a request without Origin, when every policy answers such a
 * request alike with nothing but `Vary`, so that the hook need not find the route. A `'*'` policy
 * answers it with `Access-Control-Allow-Origin: *`, and a per-request policy may answer anything,
 * and then each route must be looked up.
 */
export function uniformNoOriginVary(
  routePolicies: readonly RoutePolicy[],
  registry: CorsPolicyRegistry,
): string | undefined {
  const handles = [registry.defaultHandle, ...routePolicies];
  if (handles.some((handle) => handle !== null && handle.fixedPolicy === undefined))
    return undefined;
  const decisions = handles.map(
    // Without an Origin the answer is always synchronous: no predicate is asked.
    (handle) =>
      handle === null ? undefined : (decideActual(handle.fixedPolicy!, undefined) as CorsDecision),
  );
  if (decisions.some((decision) => decision !== undefined && decision.headers.length > 0))
    return undefined;
  const values = new Set(decisions.map((decision) => decision?.vary ?? ''));
  return values.size === 1 ? [...values][0] : undefined;
}

/**
 * Logs each denial with its reason, the route the request was resolved to and where that route's
 * policy was written (`debug: true`). Routes with equal policies share one handle, whose label
 * names only the first of them: the route is named from the router's answer instead.
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

/** Where a route's policy was written: every place one of its options came from. */
function policySources(registry: CorsPolicyRegistry, record: RouteRecord): string {
  const explained = explainHandler(registry, record.controller, record.handler, record.methodName);
  if (explained === null) return 'nowhere: CORS is off';
  if (explained.perRequest !== undefined) return `${explained.perRequest} (per request)`;
  const places = [...new Set(Object.values(explained.sources))];
  return places.length === 0 ? 'the defaults' : places.join(', ');
}

/** The startup report of every route and its policy (`debug: true`). */
export function routeReport(
  records: readonly RouteRecord[],
  pathPolicies: readonly PathPolicy[],
  registry: CorsPolicyRegistry,
): string {
  const labelOf = (policy: RoutePolicy) => (policy === null ? 'CORS off' : policy.label);
  // Where each route's options were written: a handle's own label names only the first of the
  // routes whose equal policies share it.
  const sourcesOf = (record: RouteRecord) =>
    record.policy === null ? 'CORS off' : policySources(registry, record);
  const lines = [
    ...records.map((r) => `  ${r.method.padEnd(7)} ${r.path}  ->  ${sourcesOf(r)}`),
    ...pathPolicies.map(
      (p) => `  ${'(paths)'.padEnd(7)} ${p.path}  ->  ${labelOf(p.target.policy)}`,
    ),
  ];
  return `Routes and their CORS policies (others: ${registry.defaultHandle.label}):\n${lines.join('\n')}`;
}

function overwritesCorsHeaders(handler: object): boolean {
  const headers = Reflect.getMetadata(NEST_METADATA.headers, handler) as
    { name: string }[] | undefined;
  return headers?.some(({ name }) => /^(vary|access-control-)/i.test(name)) === true;
}
