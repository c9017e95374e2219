/**
 * The handler table the guard and the interceptor read (`HandlerPolicies`), filled at startup, and
 * whether they are needed at all, judged from the controllers' metadata.
 */
import type { ModulesContainer } from '@nestjs/core';
import { declaredHandlers } from '../routing/controllers.js';
import { NEST_METADATA } from '../routing/nest-metadata.js';
import type { RouteRecord } from '../routing/route-record.js';
import type { SharedUrl } from '../routing/shared-url.js';
import { ambiguousRecords } from '../routing/route-resolution.js';
import type { HandlerPolicy, HandlerTable } from './handler-policies.js';

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

const NO_SHARED_URLS: readonly SharedUrl[] = Object.freeze([]);

/** Fills in what the guard and the interceptor read per handler. */
export function recordHandlerPolicies(
  records: readonly RouteRecord[],
  handlers: HandlerTable,
): void {
  const ambiguous = ambiguousRecords(records);
  for (const record of records) {
    const earlier = handlers.get(record.controller, record.handler);
    const uncertain = ambiguous.has(record) || earlier?.uncertain === true;
    // Exactly as long as needed: one table entry per handler, thousands in a large app.
    const before = earlier?.sharedUrls ?? NO_SHARED_URLS;
    const sharedUrls =
      record.sharedUrl === undefined
        ? before
        : before.length === 0
          ? [record.sharedUrl]
          : [...before, record.sharedUrl];
    handlers.set(record.controller, record.handler, {
      policy: record.policy,
      uncertain,
      overwritesCorsHeaders: overwritesCorsHeaders(record.handler),
      sharedUrls,
    });
  }
}

/**
 * The records, each whose handler's guard or interceptor reads what the request hook decided copied
 * with `readsHookDecision` (see {@link readsHookDecision}): the hook keeps its decision on the
 * request for those routes alone.
 *
 * @param handlers filled by {@link recordHandlerPolicies} from the same records.
 */
export function markDecisionReaders(
  records: readonly RouteRecord[],
  handlers: HandlerTable,
  enforce: boolean,
): RouteRecord[] {
  return records.map((record) => {
    const entry = handlers.get(record.controller, record.handler);
    return entry !== undefined && readsHookDecision(entry, enforce)
      ? { ...record, readsHookDecision: true }
      : record;
  });
}

/**
 * Whether the guard or the interceptor reads the hook's decision for a request to this handler:
 * the guard under `enforce: true` and for an ambiguous route, the interceptor where `@Header()`
 * replaces CORS headers; neither where CORS is switched off.
 */
function readsHookDecision(entry: HandlerPolicy, enforce: boolean): boolean {
  return entry.policy !== null && (enforce || entry.uncertain || entry.overwritesCorsHeaders);
}

function overwritesCorsHeaders(handler: object): boolean {
  const headers = Reflect.getMetadata(NEST_METADATA.headers, handler) as
    { name: string }[] | undefined;
  return headers?.some(({ name }) => /^(vary|access-control-)/i.test(name)) === true;
}
