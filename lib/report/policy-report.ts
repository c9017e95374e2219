/**
 * The policy report as data: every controller route, `paths` entry and WebSocket gateway with its
 * effective policy, field by field, with where each field was written.
 */
import type { CorsPolicyRegistry } from '../policy/cors-policy-registry.js';
import {
  explainDefault,
  explainHandler,
  type PolicyExplanation,
} from '../policy/policy-explanation.js';
import { hasTrial } from '../policy/trial-policy.js';
import type { Gateway } from '../routing/gateways.js';
import { handlerLabel, type RouteRecord } from '../routing/route-record.js';
import type { ReportedPath } from './reported-paths.js';
import type { RefusalCountsView } from './refusal-counts.js';

/** One field of a policy as the report shows it: its value, and where it was written. */
export interface ReportField {
  readonly name: string;
  readonly value: string;
  readonly from: string;
}

/**
 * A policy as the report shows it: `cors: 'on'` with every field and its trial, or `cors: 'off'`
 * without either, where `@Cors(false)` (or `false` in `paths`) switched CORS off: the module writes
 * no CORS header there, and browsers refuse every cross-origin read.
 */
export type ReportPolicy =
  | {
      readonly cors: 'on';
      readonly fields: readonly ReportField[];
      /**
       * The trial policy tried beside it, as a whole policy: the fields its `trial` sets (from
       * where `trial` was written), the others as `fields` has them. `null` when it has no trial
       * (none written, or `trial: false`), and for a per-request policy, whose trial comes with
       * each answer.
       */
      readonly trial: readonly ReportField[] | null;
    }
  | { readonly cors: 'off' };

/** One controller route of the report. */
export type ReportRoute = {
  readonly method: string;
  readonly path: string;
  readonly handler: string;
} & ReportPolicy;

/** One entry of the module's `paths` option, in the order entries are tried. */
export type ReportPathEntry = {
  /** The key as written (path-to-regexp 8 syntax), covering what lies below it. */
  readonly path: string;
  /** How messages and `from` name it: `paths["/graphql"]`. */
  readonly where: string;
} & ReportPolicy;

/** One `@WebSocketGateway()` class: its handshakes are judged by this policy. */
export type ReportGateway = {
  /** The class name. */
  readonly gateway: string;
  /** The port of its own server, `0` for the application's HTTP server. */
  readonly port: number;
  /** The `path` option as written, `null` for the WebSocket library's default. */
  readonly path: string | null;
  /** The namespace (socket.io), `"/"` for none; a regex or function as it prints. */
  readonly namespace: string;
} & ReportPolicy;

/** What the policy report shows, as data (its JSON form, described by docs/policy-report.schema.json). */
export interface PolicyReport {
  /** The policy of requests that reach no route of Nest's and no `paths` entry. */
  readonly defaultPolicy: readonly ReportField[];
  /** The default policy's trial, shown as {@link ReportPolicy}'s `trial` is; `null` for none. */
  readonly defaultTrial: readonly ReportField[] | null;
  readonly routes: readonly ReportRoute[];
  readonly paths: readonly ReportPathEntry[];
  readonly gateways: readonly ReportGateway[];
  /**
   * Refusals since start, per route and per gateway, with the origins refused most; and the
   * requests each route's trial would have answered differently.
   */
  readonly counts: RefusalCountsView;
}

/**
 * What the report lists besides the controller routes; any may be absent (then none shown, and no
 * count since a moment ago).
 */
export interface ReportedExtras {
  readonly paths?: readonly ReportedPath[];
  readonly gateways?: readonly Gateway[];
  readonly counts?: RefusalCountsView;
}

/** The fields every row shows, in this order, with what an unset one means. */
const FIELDS: readonly (readonly [name: string, unset: string])[] = [
  ['origin', 'none allowed'],
  ['credentials', 'false'],
  ['methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'],
  ['allowedHeaders', 'whatever is asked'],
  ['exposedHeaders', 'none'],
  ['maxAge', 'no header'],
];

/** The names of the fields every policy shows, in order (the page's column headings). */
export const FIELD_NAMES: readonly string[] = FIELDS.map(([name]) => name);

/**
 * A handler that carries no `@Cors()`: explaining a class with it gives the class's own policy,
 * which is how the registry judges a gateway (as a whole).
 */
const NO_HANDLER: object = Object.freeze({});

/** Builds the report of every route, `paths` entry and gateway, and of the default policy. */
export function buildPolicyReport(
  records: readonly RouteRecord[],
  registry: CorsPolicyRegistry,
  extras: ReportedExtras = {},
): PolicyReport {
  const defaults = explainDefault(registry);
  const defaultPolicy = fieldsOf(defaults);
  return {
    defaultPolicy,
    defaultTrial: trialFieldsOf(defaults, defaultPolicy),
    routes: records.map((record) => ({
      method: record.method,
      path: record.path,
      handler: handlerLabel(record),
      ...policyOf(explainHandler(registry, record.controller, record.handler, record.methodName)),
    })),
    paths: (extras.paths ?? []).map((entry) => ({
      path: entry.path,
      where: entry.where,
      ...policyOf(explainHandler(registry, entry.declaredAs, NO_HANDLER, '')),
    })),
    gateways: (extras.gateways ?? []).map((gateway) => ({
      gateway: gateway.type.name,
      port: gateway.port,
      path: gateway.path === undefined || gateway.path === null ? null : display(gateway.path),
      namespace: display(gateway.namespace),
      ...policyOf(explainHandler(registry, gateway.type, NO_HANDLER, '')),
    })),
    counts: extras.counts ?? {
      since: new Date().toISOString(),
      routes: [],
      gateways: [],
      trials: registry.trials.counts(),
    },
  };
}

function policyOf(explanation: PolicyExplanation | null): ReportPolicy {
  if (explanation === null) return { cors: 'off' };
  const fields = fieldsOf(explanation);
  return { cors: 'on', fields, trial: trialFieldsOf(explanation, fields) };
}

function fieldsOf({ options, sources, perRequest }: PolicyExplanation): ReportField[] {
  return FIELDS.map(([name, unset]) => {
    const value: unknown = (options as Record<string, unknown>)[name];
    if (value === undefined && perRequest !== undefined)
      return { name, value: 'decided per request', from: perRequest };
    return {
      name,
      value: value === undefined ? unset : display(value),
      from: sources[name] ?? 'default',
    };
  });
}

/**
 * The trial of a policy whose fields are `fields`, as a whole policy: what the module compiles as
 * the trial is the policy's options with the trial's on top, so a field the trial sets (even to
 * `undefined`) is the trial's, written where `trial` was; any other is the policy's own.
 */
function trialFieldsOf(
  { options, sources, perRequest }: PolicyExplanation,
  fields: readonly ReportField[],
): ReportField[] | null {
  // A per-request policy's trial comes with its answer: unknown until a request.
  if (perRequest !== undefined || !hasTrial(options)) return null;
  const trial = options.trial as Record<string, unknown>;
  const from = sources.trial ?? 'default';
  return FIELDS.map(([name, unset], at) => {
    if (!Object.hasOwn(trial, name)) return fields[at]!;
    const value = trial[name];
    return { name, value: value === undefined ? unset : display(value), from };
  });
}

function display(value: unknown): string {
  if (Array.isArray(value)) return value.map(display).join(', ');
  if (value instanceof RegExp) return value.toString();
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  return String(value);
}
