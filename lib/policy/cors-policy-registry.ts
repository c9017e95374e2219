import type { IncomingMessage } from 'node:http';
import type { Type } from '@nestjs/common';
import { CORS_POLICY_METADATA } from '../cors.constants.js';
import type { CorsPolicyMetadata } from '../cors.decorator.js';
import type { CorsModuleOptions } from '../cors-module-options.js';
import {
  ProblemList,
  compilePolicy,
  readBoolean,
  type CompiledCorsPolicy,
  type CorsErrorReporter,
  type CorsPolicyOptions,
} from '../engine/index.js';

/** A policy as resolved so far: the options it was made of, and their compiled form. */
interface ResolvedPolicy {
  readonly options: CorsPolicyOptions<IncomingMessage>;
  readonly compiled: CompiledCorsPolicy<IncomingMessage>;
  /** Where each option's value was written: the module, a named policy, a controller, a handler. */
  readonly sources: Readonly<Record<string, string>>;
}

/** A handler's effective options, and where each came from, for the policy report. */
export interface PolicyExplanation {
  readonly options: CorsPolicyOptions<IncomingMessage>;
  readonly sources: Readonly<Record<string, string>>;
}

/**
 * Turns the module options and the `@Cors()` metadata of every controller and handler into compiled
 * policies, once, at startup. Each distinct policy is compiled (and checked) once; an invalid one
 * throws a `CorsConfigurationError` that says where it was declared.
 */
export class CorsPolicyRegistry {
  /** The policy of routes without `@Cors()` and of requests that match no route. */
  readonly defaultPolicy: CompiledCorsPolicy<IncomingMessage>;
  /** Whether the default policy allows no origin because none was configured. */
  readonly hasNoDefaultOrigin: boolean;
  private readonly defaults: ResolvedPolicy;
  private readonly named = new Map<string, ResolvedPolicy>();
  private readonly byController = new Map<Type, ResolvedPolicy | null>();
  private readonly labels = new WeakMap<CompiledCorsPolicy<IncomingMessage>, string>();
  /** Compiled policies by fingerprint: equal options written in two places share one policy. */
  private readonly byFingerprint = new Map<string, CompiledCorsPolicy<IncomingMessage>>();
  private readonly functionIds = new WeakMap<object, number>();
  private nextFunctionId = 1;

  constructor(
    options: CorsModuleOptions,
    private readonly reportError: CorsErrorReporter,
  ) {
    const problems = new ProblemList();
    const { policies, debug, enforce, report, ...defaultOptions } = options;
    readBoolean(debug, 'debug', problems);
    readBoolean(enforce, 'enforce', problems);
    if (
      policies !== undefined &&
      (policies === null || typeof policies !== 'object' || Array.isArray(policies))
    ) {
      problems.add(
        'policies-not-object',
        'policies',
        policies,
        'is not an object of named policies',
        'write policies: { public: { origin: "*" } }',
      );
    }
    if (
      report !== undefined &&
      (report === null ||
        typeof report !== 'object' ||
        typeof report.path !== 'string' ||
        !report.path.startsWith('/'))
    ) {
      problems.add(
        'report-invalid',
        'report',
        report,
        'is not an object with a path that starts with "/"',
        'write report: { path: "/_cors" }',
      );
    }
    problems.throwIfAny(MODULE_OPTIONS_PLACE);

    this.defaults = this.compile(defaultOptions, MODULE_OPTIONS_PLACE);
    this.defaultPolicy = this.defaults.compiled;
    this.hasNoDefaultOrigin = defaultOptions.origin === undefined;
    for (const [name, policy] of Object.entries(policies ?? {})) {
      this.named.set(name, this.compile(policy, `${MODULE_OPTIONS_PLACE} policies.${name}`));
    }
  }

  /** The names of the named policies, for messages. */
  get policyNames(): string[] {
    return [...this.named.keys()];
  }

  /**
   * The policy of one handler, or `null` when CORS is switched off for it. Handlers without a
   * `@Cors()` of their own share their controller's compiled policy.
   */
  resolve(
    controller: Type,
    handler: object,
    methodName: string,
  ): CompiledCorsPolicy<IncomingMessage> | null {
    return this.resolved(controller, handler, methodName)?.compiled ?? null;
  }

  /** A handler's effective options and where each was written, or `null` for CORS off. */
  explain(controller: Type, handler: object, methodName: string): PolicyExplanation | null {
    const resolved = this.resolved(controller, handler, methodName);
    return resolved === null ? null : { options: resolved.options, sources: resolved.sources };
  }

  /** The module default's options and where each was written. */
  explainDefault(): PolicyExplanation {
    return { options: this.defaults.options, sources: this.defaults.sources };
  }

  private resolved(controller: Type, handler: object, methodName: string): ResolvedPolicy | null {
    const handlerMetadata = readMetadata(handler);
    const controllerPolicy = this.resolveController(controller);
    if (handlerMetadata === undefined) return controllerPolicy;
    const where = `${controller.name}.${methodName}`;
    // A handler's fields re-enable CORS inside a switched-off controller, over the module default.
    return this.apply(controllerPolicy ?? this.defaults, handlerMetadata, where);
  }

  private resolveController(controller: Type): ResolvedPolicy | null {
    let resolved = this.byController.get(controller);
    if (resolved === undefined) {
      const metadata = readMetadata(controller);
      resolved =
        metadata === undefined
          ? this.defaults
          : this.apply(this.defaults, metadata, controller.name);
      this.byController.set(controller, resolved);
    }
    return resolved;
  }

  private apply(
    below: ResolvedPolicy,
    metadata: CorsPolicyMetadata,
    where: string,
  ): ResolvedPolicy | null {
    if (metadata === false) return null;
    if (typeof metadata === 'string') {
      const named = this.named.get(metadata);
      if (named !== undefined) return named;
      const problems = new ProblemList();
      const known = this.policyNames;
      problems.add(
        'policy-name-unknown',
        '@Cors()',
        metadata,
        'is not a policy name of CorsModule.forRoot({ policies })',
        known.length === 0
          ? `add policies: { ${JSON.stringify(metadata)}: { ... } } to the CorsModule options`
          : `use one of ${known.map((name) => JSON.stringify(name)).join(', ')}, or add it to policies`,
      );
      problems.throwIfAny(where);
    }
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      const problems = new ProblemList();
      problems.add(
        'decorator-argument-invalid',
        '@Cors()',
        metadata,
        'is not a policy, a policy name or false',
        'write @Cors({ origin: "https://app.example.com" }), @Cors("name") or @Cors(false)',
      );
      problems.throwIfAny(where);
    }
    const fields = metadata as CorsPolicyOptions<IncomingMessage>;
    return this.compile({ ...below.options, ...fields }, where, {
      ...below.sources,
      ...Object.fromEntries(Object.keys(fields).map((name) => [name, where])),
    });
  }

  /** Where a compiled policy was declared, such as `ItemsController.update`, for logs. */
  labelOf(policy: CompiledCorsPolicy<IncomingMessage>): string {
    return this.labels.get(policy) ?? 'unknown';
  }

  private compile(
    options: CorsPolicyOptions<IncomingMessage>,
    where: string,
    sources: Record<string, string> = Object.fromEntries(
      Object.keys(options).map((name) => [name, where]),
    ),
  ): ResolvedPolicy {
    const fingerprint = this.fingerprintOf(options);
    let compiled = this.byFingerprint.get(fingerprint);
    if (compiled === undefined) {
      compiled = compilePolicy(options, { where, reportError: this.reportError });
      this.byFingerprint.set(fingerprint, compiled);
      this.labels.set(compiled, where);
    }
    return { options, compiled, sources };
  }

  /**
   * A key equal for options that mean the same policy: the same values, regexes with the same
   * source and flags, the same predicate function. Lets the route table see that two handlers
   * share a policy even when each declared it.
   */
  private fingerprintOf(value: unknown): string {
    if (value instanceof RegExp) return `re:${value.toString()}`;
    if (typeof value === 'function') {
      let id = this.functionIds.get(value);
      if (id === undefined) {
        id = this.nextFunctionId++;
        this.functionIds.set(value, id);
      }
      return `fn:${id}`;
    }
    if (Array.isArray(value)) return `[${value.map((item) => this.fingerprintOf(item)).join(',')}]`;
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${this.fingerprintOf(v)}`).join(',')}}`;
    }
    return JSON.stringify(value) ?? 'undefined';
  }
}

/** How errors and logs name the module's own options, from forRoot() or forRootAsync(). */
const MODULE_OPTIONS_PLACE = 'CorsModule options';

function readMetadata(target: object): CorsPolicyMetadata | undefined {
  return Reflect.getMetadata(CORS_POLICY_METADATA, target) as CorsPolicyMetadata | undefined;
}
