/** The policy report as data: every route's effective policy, field by field, with its source. */
import type { CorsPolicyRegistry } from '../policy/cors-policy-registry.js';
import {
  explainDefault,
  explainHandler,
  type PolicyExplanation,
} from '../policy/policy-explanation.js';
import { handlerLabel, type RouteRecord } from '../routing/route-record.js';

/** One field of a policy as the report shows it: its value, and where it was written. */
export interface ReportField {
  readonly name: string;
  readonly value: string;
  readonly from: string;
}

/** One route of the report. `fields` is `null` when CORS is switched off for it. */
export interface ReportRoute {
  readonly method: string;
  readonly path: string;
  readonly handler: string;
  readonly fields: readonly ReportField[] | null;
}

/** What the policy report shows, as data (its JSON form). */
export interface PolicyReport {
  /** The policy of requests that reach no route of Nest's. */
  readonly defaultPolicy: readonly ReportField[];
  readonly routes: readonly ReportRoute[];
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

/** Builds the report of every route the application declares, and of the default policy. */
export function buildPolicyReport(
  records: readonly RouteRecord[],
  registry: CorsPolicyRegistry,
): PolicyReport {
  return {
    defaultPolicy: fieldsOf(explainDefault(registry)),
    routes: records.map((record) => {
      const explanation = explainHandler(
        registry,
        record.controller,
        record.handler,
        record.methodName,
      );
      return {
        method: record.method,
        path: record.path,
        handler: handlerLabel(record),
        fields: explanation === null ? null : fieldsOf(explanation),
      };
    }),
  };
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

function display(value: unknown): string {
  if (Array.isArray(value)) return value.map(display).join(', ');
  if (value instanceof RegExp) return value.toString();
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  return String(value);
}
