import type { Type } from '@nestjs/common';
import { CORS_POLICY_METADATA, type CorsPolicyMetadata } from './policy-metadata.js';
import type {
  CorsModuleOptions,
  CorsPolicy,
  CorsPolicyConfiguration,
} from './cors-module-options.js';
import {
  POLICY_OPTION_NAMES,
  ProblemList,
  compilePolicy,
  readBoolean,
  type CompiledCorsPolicy,
  type CorsPolicyOptions,
} from '../engine/index.js';
import { differencesFromEnableCors } from './enable-cors-differences.js';
import {
  asPerRequestPolicy,
  isPerRequestPolicy,
  type CorsPolicyFunction,
  type PerRequestCorsPolicy,
} from './per-request-policy.js';
import { PolicyHandle, type PolicyValue } from './policy-handle.js';
import { fingerprintOf } from './policy-fingerprint.js';
import {
  checkConfigurationValue,
  isInstanceWithFields,
  isPlainObject,
  kindOf,
  readingConfiguration,
} from './plain-configuration.js';
import { PolicyFunction, RequestPolicy, type RequestPolicyLog } from './request-policy.js';

/** A handler's effective options, and where each came from, for the policy report. */
export interface PolicyExplanation {
  readonly options: CorsPolicyOptions<unknown>;
  readonly sources: Readonly<Record<string, string>>;
  /** Where the function was declared, when the policy is computed per request. */
  readonly perRequest: string | undefined;
}

/** Options of the module that are not policies, set once at startup. */
const MODULE_SWITCHES = ['debug', 'enforce', 'report', 'paths'] as const;

/** Where the module's own options are named in errors and logs. */
const MODULE_OPTIONS_PLACE = 'CorsModule options';
/** Where a configuration given at run time is named in errors. */
const REPLACE_PLACE = 'CorsPolicies.replace()';

/** A configured policy, checked: options compiled, or a per-request function ready to call. */
type CheckedPolicy =
  | {
      readonly kind: 'options';
      readonly options: CorsPolicyOptions<unknown>;
      readonly sources: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'per-request'; readonly fn: PolicyFunction };

/** One configuration, checked: what the handles are built from. */
interface Generation {
  readonly configuration: CorsPolicyConfiguration;
  readonly defaults: CheckedPolicy;
  readonly named: ReadonlyMap<string, CheckedPolicy>;
}

/**
 * How a route's policy is made from whatever configuration is in force: a base (the default, a
 * named policy, or a function from `@Cors(fn)`) and the fields written above it by controllers and
 * handlers. Recipes do not change at run time; what they make does.
 */
interface Recipe {
  readonly base:
    | { readonly kind: 'default' }
    | { readonly kind: 'named'; readonly name: string }
    | { readonly kind: 'function'; readonly fn: PolicyFunction };
  readonly fields: CorsPolicyOptions<unknown> | undefined;
  readonly fieldSources: Readonly<Record<string, string>>;
  /** The topmost declaration, such as `ItemsController.update`, for errors and logs. */
  readonly where: string;
}

const DEFAULT_RECIPE: Recipe = {
  base: { kind: 'default' },
  fields: undefined,
  fieldSources: {},
  where: MODULE_OPTIONS_PLACE,
};

/**
 * Turns the module's policies and the `@Cors()` metadata of every controller and handler into the
 * handles routes read their policy from. Each distinct policy is checked and compiled once; an
 * invalid one throws a `CorsConfigurationError` that says where it was declared. {@link replace}
 * swaps the configuration at run time: everything is checked first, then every handle changes in
 * one synchronous step, so that no request sees half of an update.
 */
export class CorsPolicyRegistry {
  /** The policy of routes without `@Cors()` and of requests that match no route. */
  readonly defaultHandle: PolicyHandle;
  private generation: Generation;
  private readonly byController = new Map<Type, Recipe | null>();
  private readonly handles = new Map<string, { handle: PolicyHandle; recipe: Recipe }>();
  private readonly labels = new WeakMap<object, string>();
  /** Compiled policies by fingerprint: equal options written in two places share one policy. */
  private compiled = new Map<string, CompiledCorsPolicy<unknown>>();
  /**
   * Per-request policies, checked once each, by what the user gave: the same function given again
   * (by `@Cors(fn)`, or in a replaced configuration) keeps its cache.
   */
  private readonly policyFunctions = new WeakMap<object, PolicyFunction>();
  private readonly listeners: (() => void)[] = [];

  constructor(
    options: CorsModuleOptions,
    private readonly log: RequestPolicyLog,
  ) {
    const problems = new ProblemList();
    const { debug, enforce, report } = options;
    readBoolean(debug, 'debug', problems);
    readBoolean(enforce, 'enforce', problems);
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
    checkShape(options, problems);
    problems.throwIfAny(MODULE_OPTIONS_PLACE);
    this.generation = this.check(options);
    this.defaultHandle = this.handleFor(DEFAULT_RECIPE);
  }

  /** The configuration in force. */
  get configuration(): CorsPolicyConfiguration {
    return this.generation.configuration;
  }

  /** The names of the named policies, for messages. */
  get policyNames(): string[] {
    return [...this.generation.named.keys()];
  }

  /**
   * Where one handler finds its policy, or `null` when CORS is switched off for it. Handlers that
   * resolve the same way share a handle.
   */
  resolve(controller: Type, handler: object, methodName: string): PolicyHandle | null {
    const recipe = this.recipeOf(controller, handler, methodName);
    return recipe === null ? null : this.handleFor(recipe);
  }

  /**
   * The policy of a class judged as a whole (a WebSocket gateway): its own `@Cors()` over the
   * module default, or `null` when it says `@Cors(false)`.
   */
  resolveClass(target: Type): PolicyHandle | null {
    const recipe = this.controllerRecipe(target);
    return recipe === null ? null : this.handleFor(recipe);
  }

  /**
   * The policy of what `@Cors(metadata)` would give a controller, declared elsewhere (an entry of
   * the module's `paths`); `where` names it in messages.
   */
  resolveMetadata(metadata: CorsPolicyMetadata, where: string): PolicyHandle | null {
    const recipe = this.apply(DEFAULT_RECIPE, metadata, where);
    return recipe === null ? null : this.handleFor(recipe);
  }

  /** A handler's effective options and where each was written, or `null` for CORS off. */
  explain(controller: Type, handler: object, methodName: string): PolicyExplanation | null {
    const recipe = this.recipeOf(controller, handler, methodName);
    return recipe === null ? null : this.explainRecipe(recipe);
  }

  /** The module default's options and where each was written. */
  explainDefault(): PolicyExplanation {
    return this.explainRecipe(DEFAULT_RECIPE);
  }

  /** Where a compiled policy was declared, such as `ItemsController.update`, for logs. */
  labelOf(policy: CompiledCorsPolicy<never>): string {
    return this.labels.get(policy) ?? 'unknown';
  }

  /** Calls `listener` after every {@link replace}. */
  onReplace(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Makes `configuration` the one in force, for every route, from the next request on.
   *
   * @param place how errors name where the configuration came from.
   * @throws CorsConfigurationError when it is not a plain object, is invalid, or lacks a named
   *   policy that `@Cors()` uses; the configuration in force then stays.
   */
  replace(configuration: CorsPolicyConfiguration, place: string = REPLACE_PLACE): void {
    // Checked before anything reads it: junk must not read as a configuration without policies.
    checkConfigurationValue(configuration, place);
    readingConfiguration(configuration, place, () => this.replaceChecked(configuration, place));
  }

  private replaceChecked(configuration: CorsPolicyConfiguration, place: string): void {
    const switches = Object.keys(configuration).filter((name) =>
      (MODULE_SWITCHES as readonly string[]).includes(name),
    );
    if (switches.length > 0) {
      const problems = new ProblemList();
      for (const name of switches) {
        problems.add(
          'unknown-option',
          name,
          (configuration as Record<string, unknown>)[name],
          'is a switch of the module, set once at startup, not a policy',
          'remove it from the configuration given to CorsPolicies',
        );
      }
      problems.throwIfAny(place);
    }
    // A fresh table of compiled policies per configuration, so that a process that replaces its
    // policies for months keeps only those in force.
    const previous = this.compiled;
    this.compiled = new Map();
    let next: Generation;
    const values = new Map<PolicyHandle, PolicyValue>();
    try {
      next = this.check(configuration, place);
      for (const { handle, recipe } of this.handles.values())
        values.set(handle, this.build(recipe, next));
    } catch (error) {
      this.compiled = previous;
      throw error;
    }
    // Nothing above can fail now: every handle changes before any request runs again.
    this.generation = next;
    for (const [handle, value] of values) handle.set(value);
    for (const listener of this.listeners) listener();
  }

  /** Notes on where the configuration means less than it did to `app.enableCors()`. */
  differencesFromEnableCors(): string[] {
    const notes: string[] = [];
    const { defaults, named } = this.generation;
    if (defaults.kind === 'options') {
      const meaning = 'cross-origin requests are allowed only where @Cors() allows them';
      for (const note of differencesFromEnableCors(defaults.options, meaning))
        notes.push(`${MODULE_OPTIONS_PLACE}: the default policy ${note}.`);
    }
    for (const [name, policy] of named) {
      if (policy.kind !== 'options') continue;
      for (const note of differencesFromEnableCors(policy.options))
        notes.push(`${MODULE_OPTIONS_PLACE} policies.${name} ${note}.`);
    }
    return notes;
  }

  /** Checks a configuration: the default and every named policy. */
  /** @param place how errors name where the configuration came from. */
  private check(
    configuration: CorsPolicyConfiguration,
    place: string = MODULE_OPTIONS_PLACE,
  ): Generation {
    const problems = new ProblemList();
    checkShape(configuration, problems);
    problems.throwIfAny(place);
    const {
      policies,
      defaultPolicy,
      debug: _debug,
      enforce: _enforce,
      report: _report,
      paths: _paths,
      ...fields
    } = configuration as CorsModuleOptions;
    const defaults = this.checkPolicy(defaultPolicy ?? fields, place);
    const named = new Map<string, CheckedPolicy>();
    for (const [name, policy] of Object.entries(policies ?? {}))
      named.set(name, this.checkPolicy(policy, `${place} policies.${name}`));
    // Kept without the module's switches, so that current() can be edited and given to replace().
    const policiesOnly: CorsPolicyConfiguration = { ...fields };
    if (defaultPolicy !== undefined) policiesOnly.defaultPolicy = defaultPolicy;
    if (policies !== undefined) policiesOnly.policies = policies;
    return { configuration: policiesOnly, defaults, named };
  }

  private checkPolicy(policy: CorsPolicy, where: string): CheckedPolicy {
    if (isPerRequestPolicy(policy))
      return { kind: 'per-request', fn: this.functionOf(policy, where) };
    const options = policy as CorsPolicyOptions<unknown>;
    // Compiled now so that an invalid policy stops the start (or the replace), named.
    this.compile(options, where);
    return {
      kind: 'options',
      options,
      sources: Object.fromEntries(Object.keys(options).map((name) => [name, where])),
    };
  }

  private functionOf(
    policy: CorsPolicyFunction | PerRequestCorsPolicy,
    where: string,
  ): PolicyFunction {
    let fn = this.policyFunctions.get(policy);
    if (fn === undefined) {
      fn = new PolicyFunction(asPerRequestPolicy(policy), where);
      this.policyFunctions.set(policy, fn);
    }
    return fn;
  }

  private handleFor(recipe: Recipe): PolicyHandle {
    const key = recipeKey(recipe);
    let entry = this.handles.get(key);
    if (entry === undefined) {
      entry = {
        handle: new PolicyHandle(labelOf(recipe), this.build(recipe, this.generation)),
        recipe,
      };
      this.handles.set(key, entry);
    }
    return entry.handle;
  }

  /** What a recipe makes under one configuration. */
  private build(recipe: Recipe, generation: Generation): PolicyValue {
    const base = this.baseOf(recipe, generation);
    if (base.kind === 'per-request')
      return new RequestPolicy(base.fn, recipe.fields, recipe.where, this.log, (policy, label) =>
        this.labels.set(policy, label),
      );
    if (recipe.fields === undefined) return this.compile(base.options, recipe.where);
    return this.compile({ ...base.options, ...recipe.fields }, recipe.where);
  }

  private baseOf(recipe: Recipe, generation: Generation): CheckedPolicy {
    const { base } = recipe;
    if (base.kind === 'default') return generation.defaults;
    if (base.kind === 'function') return { kind: 'per-request', fn: base.fn };
    const named = generation.named.get(base.name);
    if (named !== undefined) return named;
    const problems = new ProblemList();
    const known = [...generation.named.keys()];
    problems.add(
      'policy-name-unknown',
      '@Cors()',
      base.name,
      'is not a policy name of CorsModule.forRoot({ policies })',
      known.length === 0
        ? `add policies: { ${JSON.stringify(base.name)}: { ... } } to the CorsModule options`
        : `use one of ${known.map((name) => JSON.stringify(name)).join(', ')}, or add it to policies`,
    );
    return problems.throwIfAny(recipe.where) as never;
  }

  private recipeOf(controller: Type, handler: object, methodName: string): Recipe | null {
    const handlerMetadata = readMetadata(handler);
    const controllerRecipe = this.controllerRecipe(controller);
    if (handlerMetadata === undefined) return controllerRecipe;
    // A handler's fields re-enable CORS inside a switched-off controller, over the module default.
    return this.apply(
      controllerRecipe ?? DEFAULT_RECIPE,
      handlerMetadata,
      `${controller.name}.${methodName}`,
    );
  }

  private controllerRecipe(controller: Type): Recipe | null {
    let recipe = this.byController.get(controller);
    if (recipe === undefined) {
      const metadata = readMetadata(controller);
      recipe =
        metadata === undefined
          ? DEFAULT_RECIPE
          : this.apply(DEFAULT_RECIPE, metadata, controller.name);
      this.byController.set(controller, recipe);
      // Made now, so that an invalid policy stops the start, named.
      if (recipe !== null) this.handleFor(recipe);
    }
    return recipe;
  }

  private apply(below: Recipe, metadata: CorsPolicyMetadata, where: string): Recipe | null {
    if (metadata === false) return null;
    if (typeof metadata === 'string')
      return {
        base: { kind: 'named', name: metadata },
        fields: undefined,
        fieldSources: {},
        where,
      };
    if (isPerRequestPolicy(metadata)) {
      const fn = this.functionOf(metadata, where);
      return { base: { kind: 'function', fn }, fields: undefined, fieldSources: {}, where };
    }
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      const problems = new ProblemList();
      problems.add(
        'decorator-argument-invalid',
        '@Cors()',
        metadata,
        'is not a policy, a per-request policy, a policy name or false',
        'write @Cors({ origin: "https://app.example.com" }), @Cors("name") or @Cors(false)',
      );
      problems.throwIfAny(where);
    }
    const fields = metadata as CorsPolicyOptions<unknown>;
    return {
      base: below.base,
      fields: { ...below.fields, ...fields },
      fieldSources: {
        ...below.fieldSources,
        ...Object.fromEntries(Object.keys(fields).map((name) => [name, where])),
      },
      where,
    };
  }

  private explainRecipe(recipe: Recipe): PolicyExplanation {
    const base = this.baseOf(recipe, this.generation);
    if (base.kind === 'per-request')
      return {
        options: recipe.fields ?? {},
        sources: recipe.fieldSources,
        perRequest: base.fn.where,
      };
    return {
      options: { ...base.options, ...recipe.fields },
      sources: { ...base.sources, ...recipe.fieldSources },
      perRequest: undefined,
    };
  }

  private compile(options: CorsPolicyOptions<unknown>, where: string): CompiledCorsPolicy<unknown> {
    const fingerprint = fingerprintOf(options);
    let compiled = this.compiled.get(fingerprint);
    if (compiled === undefined) {
      compiled = compilePolicy(options, { where, reportError: this.log.reportError });
      this.compiled.set(fingerprint, compiled);
      this.labels.set(compiled, where);
    }
    return compiled;
  }
}

/** Checks what holds the policies: `policies` an object, `defaultPolicy` alone and per request. */
function checkShape(configuration: CorsPolicyConfiguration, problems: ProblemList): void {
  const { policies, defaultPolicy } = configuration;
  if (policies !== undefined && !isPlainObject(policies)) {
    problems.add(
      'policies-not-object',
      'policies',
      policies,
      `is ${kindOf(policies)}, not a plain object of named policies`,
      isInstanceWithFields(policies)
        ? 'copy its fields into a plain object: policies: { ...policies }'
        : 'write policies: { public: { origin: "*" } }',
    );
  } else if (policies !== undefined) {
    for (const [name, policy] of Object.entries(policies)) {
      if (isPlainObject(policy) || isPerRequestPolicy(policy)) continue;
      problems.add(
        'policy-not-object',
        `policies.${name}`,
        policy,
        `is ${kindOf(policy)}, not a plain object of policy options nor a per-request policy`,
        isInstanceWithFields(policy)
          ? `copy its fields into a plain object: ${name}: { ...policy }`
          : 'write an object such as { origin: "https://app.example.com" }',
      );
    }
  }
  const inline = Object.keys(configuration).filter((name) =>
    (POLICY_OPTION_NAMES as readonly string[]).includes(name),
  );
  if (defaultPolicy !== undefined && !isPerRequestPolicy(defaultPolicy)) {
    problems.add(
      'module-options-invalid',
      'defaultPolicy',
      defaultPolicy,
      'is not a per-request policy',
      'write defaultPolicy: perRequestPolicy((req) => ({ ... })), or write the default policy inline',
    );
  } else if (defaultPolicy !== undefined && inline.length > 0) {
    problems.add(
      'default-policy-twice',
      'defaultPolicy',
      defaultPolicy,
      `and the inline fields ${inline.join(', ')} both give the default policy`,
      'keep one: move the fields into what defaultPolicy answers, or remove defaultPolicy',
    );
  }
}

/** How logs name a recipe's policy: where it was written, or the named policy it is. */
function labelOf({ base, fields, where }: Recipe): string {
  if (fields !== undefined) return where;
  if (base.kind === 'named') return `${MODULE_OPTIONS_PLACE} policies.${base.name}`;
  return base.kind === 'function' ? `${where} (per request)` : where;
}

/** Equal for recipes that make the same policy under any configuration. */
function recipeKey({ base, fields }: Recipe): string {
  const baseKey =
    base.kind === 'default'
      ? 'default'
      : base.kind === 'named'
        ? `named:${JSON.stringify(base.name)}`
        : `function:${fingerprintOf(base.fn)}`;
  return `${baseKey}|${fields === undefined ? '' : fingerprintOf(fields)}`;
}

function readMetadata(target: object): CorsPolicyMetadata | undefined {
  return Reflect.getMetadata(CORS_POLICY_METADATA, target) as CorsPolicyMetadata | undefined;
}
