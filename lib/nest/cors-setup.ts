/**
 * Wires the module at startup: the registry, the routes with their policies, the handler table and
 * the platform's request hook, from what Nest knows then, so that the module itself only wires.
 */
import type { AbstractHttpAdapter, ApplicationConfig, ModulesContainer } from '@nestjs/core';
import { predicateFailure } from '../engine/index.js';
import type { CorsModuleOptions } from '../policy/cors-module-options.js';
import type { HttpPlatform } from '../http/http-platform.js';
import { selectPlatform } from './select-platform.js';
import { CorsPolicyRegistry } from '../policy/cors-policy-registry.js';
import { collectRoutes } from '../routing/collect-routes.js';
import { servedMethods, withSharedUrls } from '../routing/shared-url-routes.js';
import { HandlerTable, type HandlerPolicies } from './handler-policies.js';
import type { CorsPolicies } from './cors-policies.service.js';
import { attachRegistry } from './attached-registry.js';
import type { CsrfTrust } from '../http/csrf-trust.js';
import type { RouteRecord } from '../routing/route-record.js';
import { DeclaredRouteCover, pathPoliciesOf } from '../routing/path-policies.js';
import { RouteMap } from '../routing/route-map.js';
import { versionReaderFor } from '../routing/version-reader.js';
import { findGateways, type Gateway } from '../routing/gateways.js';
import { UniformNoOriginVary } from '../policy/no-origin-vary.js';
import { denialLogger, routeReport } from './debug-log.js';
import { denialReporter, reportLookupFailure, trialComparer } from './decision-events.js';
import { debugHeaderOn, refusalExplainer } from './debug-header.js';
import type { CorsEventStream } from '../policy/cors-events.js';
import { markDecisionReaders, recordHandlerPolicies } from './handler-table.js';

/**
 * What the module set up: the platform seam, the policies, the routes with theirs, and what else
 * has a policy (the `paths` entries as written, the WebSocket gateways), for the report.
 */
export interface CorsSetup {
  readonly platform: HttpPlatform;
  readonly registry: CorsPolicyRegistry;
  readonly records: readonly RouteRecord[];
  readonly paths: CorsModuleOptions['paths'];
  readonly gateways: readonly Gateway[];
}

/** What setting the module up needs from Nest, and where it reports. */
export interface CorsSetupContext {
  readonly options: CorsModuleOptions;
  readonly adapter: AbstractHttpAdapter;
  readonly modules: ModulesContainer;
  readonly config: ApplicationConfig;
  readonly handlers: HandlerPolicies;
  /** Where what the module decides is reported. */
  readonly events: CorsEventStream;
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
  const { options, config, handlers, log, events } = context;
  const platform = selectPlatform(context.adapter);
  const stackOf = (error: unknown) => (error instanceof Error ? error.stack : String(error));
  events.reportListenerErrorsTo((error) =>
    context.logError('A CorsEvents listener threw; the request went on.', stackOf(error)),
  );
  const registry = new CorsPolicyRegistry(
    options,
    {
      reportError: (error, origin, outcome) => {
        reportLookupFailure(events, 'origin', error, outcome, origin);
        context.logError(predicateFailure(origin, outcome), stackOf(error));
      },
      failed: (error, outcome) => reportLookupFailure(events, 'policy', error, outcome, undefined),
      error: (message, error) =>
        context.logError(message, error === undefined ? undefined : stackOf(error)),
      warn: context.warn,
    },
    events,
  );
  attachRegistry(context.policies, registry);
  // A gateway's policy is resolved at its first handshake; resolving it now makes an invalid one
  // (an unknown policy name, say) stop the start, named, as a controller's does.
  const gateways = findGateways(context.modules);
  for (const gateway of gateways) registry.resolveClass(gateway.type);
  const collected = withSharedUrls(
    collectRoutes(context.modules, config, registry, (path) => platform.normalizePath(path)),
  );
  const { shared, outside } = collected;
  const table = new HandlerTable();
  recordHandlerPolicies(collected.records, table);
  handlers.fill(platform, table);
  const records = markDecisionReaders(collected.records, table, options.enforce === true);
  const pathPolicies = pathPoliciesOf(options.paths, registry);
  for (const warning of new DeclaredRouteCover(pathPolicies, false).shadowWarnings(records)) {
    context.warn(warning);
  }
  const noOriginVary = new UniformNoOriginVary(
    [...records.map((record) => record.policy), ...pathPolicies.map((p) => p.target.policy)],
    registry,
  );
  const settings = {
    defaultPolicy: registry.defaultHandle,
    defaultRoute: { policy: registry.defaultHandle, hosts: undefined, versions: undefined },
    readVersion: versionReaderFor(config.getVersioning()),
    pathPolicies,
    routeMethods: servedMethods(records),
    // Read at each request without Origin; recomputed by its owner when policies are replaced.
    get uniformNoOriginVary() {
      return noOriginVary.value;
    },
    logDenial: denialReporter(
      events,
      pathPolicies,
      options.debug === true ? denialLogger(log, registry) : undefined,
    ),
    explainRefusal: debugHeaderOn(options, process.env.NODE_ENV, context.warn)
      ? refusalExplainer(registry, pathPolicies, options.paths)
      : undefined,
    compareTrial: trialComparer(registry.trials, pathPolicies),
    csrfTrust: context.csrfTrust,
  };
  registry.onReplace(() => {
    for (const sharedUrl of shared) sharedUrl.refresh();
  });
  // What a `paths` entry mounts may serve any URL below its key, for any method.
  for (const { path, target } of pathPolicies) {
    outside.note({ path, method: 'ALL', policy: target.policy, prefix: true });
  }
  platform.install({
    settings,
    routes: new RouteMap(records),
    noteOutside: (route) => outside.note(route),
  });
  for (const note of registry.differencesFromEnableCors()) context.warn(note);
  if (options.debug === true) log(routeReport(records, pathPolicies, registry));
  return { platform, registry, records, paths: options.paths, gateways };
}
