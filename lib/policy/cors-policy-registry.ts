/**
 * The registry of policies: checks and compiles each configured policy once, gives every route a
 * handle, and replaces what the handles hold when the configuration is replaced at run time.
 */
import type { Type } from '@nestjs/common';
import type { CorsPolicyMetadata } from './policy-metadata.js';
import {
  MODULE_OPTIONS_PLACE,
  type CorsModuleOptions,
  type CorsPolicy,
  type CorsPolicyConfiguration,
} from './cors-module-options.js';
import type { CompiledCorsPolicy } from '../engine/index.js';
import {
  compileWithTrial,
  trialErrorReporter,
  type CorsPolicyOptionsWithTrial,
} from './trial-policy.js';
import { configurationDifferences } from './enable-cors-differences.js';
import {
  checkConfigurationShape,
  checkModuleOptions,
  refuseModuleSwitches,
} from './module-options-validation.js';
import {
  asPerRequestPolicy,
  isPerRequestPolicy,
  type CorsPolicyFunction,
  type PerRequestCorsPolicy,
} from './per-request-policy.js';
import { PolicyHandle, type PolicyValue } from './policy-handle.js';
import { fingerprintOf } from './policy-fingerprint.js';
import { checkConfigurationValue, readingConfiguration } from './plain-configuration.js';
import {
  DEFAULT_RECIPE,
  PolicyRecipes,
  baseOf,
  handleLabelOf,
  recipeKey,
  type CheckedPolicies,
  type CheckedPolicy,
  type Recipe,
} from './policy-recipes.js';
import { PolicyFunction, RequestPolicy, type RequestPolicyLog } from './request-policy.js';
import { CorsEventStream } from './cors-events.js';
import { TrialRecorder } from './trial-recorder.js';

/** Where a configuration given at run time is named in errors. */
const REPLACE_PLACE = 'CorsPolicies.replace()';

/** One configuration, checked: what the handles are built from. */
interface Generation extends CheckedPolicies {
  readonly configuration: CorsPolicyConfiguration;
}

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
  private readonly recipes: PolicyRecipes;
  private readonly handles = new Map<string, { handle: PolicyHandle; recipe: Recipe }>();
  /** Compiled policies by fingerprint: equal options written in two places share one policy. */
  private compiled = new Map<string, CompiledCorsPolicy<unknown>>();
  /**
   * Per-request policies, checked once each, by what the user gave: the same function given again
   * (by `@Cors(fn)`, or in a replaced configuration) keeps its cache.
   */
  private readonly policyFunctions = new WeakMap<object, PolicyFunction>();
  private readonly listeners: (() => void)[] = [];
  /** Where requests are compared with their policy's trial, and the differences counted. */
  readonly trials: TrialRecorder;

  /**
   * @param events where what is decided is reported; the registry reports replacements itself,
   *   and the request hook and the WebSocket adapters reach it here.
   */
  constructor(
    options: CorsModuleOptions,
    private readonly log: RequestPolicyLog,
    readonly events: CorsEventStream = new CorsEventStream(),
  ) {
    checkModuleOptions(options);
    this.trials = new TrialRecorder(events, log.warn, (error) =>
      log.error(
        'Comparing a request with its CORS trial failed; the response was not changed.',
        error,
      ),
    );
    this.recipes = new PolicyRecipes(
      (policy, where) => this.functionOf(policy, where),
      // Made now, so that an invalid policy stops the start, named.
      (recipe) => this.handleFor(recipe),
    );
    this.generation = this.check(options);
    this.defaultHandle = this.handleFor(DEFAULT_RECIPE);
  }

  /** The configuration in force. */
  get configuration(): CorsPolicyConfiguration {
    return this.generation.configuration;
  }

  /** The policies in force, checked: what recipes take their base from. */
  get policiesInForce(): CheckedPolicies {
    return this.generation;
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
    const recipe = this.recipes.ofController(target);
    return recipe === null ? null : this.handleFor(recipe);
  }

  /**
   * The policy of what `@Cors(metadata)` would give a controller, declared elsewhere (an entry of
   * the module's `paths`); `where` names it in messages.
   */
  resolveMetadata(metadata: CorsPolicyMetadata, where: string): PolicyHandle | null {
    const recipe = this.recipes.withMetadata(DEFAULT_RECIPE, metadata, where);
    return recipe === null ? null : this.handleFor(recipe);
  }

  /** How one handler's policy is composed, or `null` when CORS is switched off for it. */
  recipeOf(controller: Type, handler: object, methodName: string): Recipe | null {
    return this.recipes.ofHandler(controller, handler, methodName);
  }

  /** Calls `listener` after every {@link replace}. */
  onReplace(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Makes `configuration` the one in force, for every route, from the next request on.
   *
   * @param place how errors name where the configuration came from.
   * @param source what the `policies-replaced` event says it came through.
   * @throws CorsConfigurationError when it is not a plain object, is invalid, or lacks a named
   *   policy that `@Cors()` uses; the configuration in force then stays.
   */
  replace(
    configuration: CorsPolicyConfiguration,
    place: string = REPLACE_PLACE,
    source: 'replace' | 'watch' = 'replace',
  ): void {
    // Checked before anything reads it: junk must not read as a configuration without policies.
    checkConfigurationValue(configuration, place);
    readingConfiguration(configuration, place, () => this.replaceChecked(configuration, place));
    if (this.events.listening) this.events.emit({ kind: 'policies-replaced', source });
  }

  private replaceChecked(configuration: CorsPolicyConfiguration, place: string): void {
    refuseModuleSwitches(configuration, place);
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
    const optionsOf = (policy: CheckedPolicy) =>
      policy.kind === 'options' ? policy.options : undefined;
    const { defaults, named } = this.generation;
    return configurationDifferences(
      optionsOf(defaults),
      [...named].map(([name, policy]) => [name, optionsOf(policy)] as const),
    );
  }

  /**
   * Checks a configuration: the default and every named policy.
   *
   * @param place how errors name where the configuration came from.
   */
  private check(
    configuration: CorsPolicyConfiguration,
    place: string = MODULE_OPTIONS_PLACE,
  ): Generation {
    checkConfigurationShape(configuration, place);
    const {
      policies,
      defaultPolicy,
      debug: _debug,
      debugHeader: _debugHeader,
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
    const options = policy as CorsPolicyOptionsWithTrial<unknown>;
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
        handle: new PolicyHandle(handleLabelOf(recipe), this.build(recipe, this.generation)),
        recipe,
      };
      this.handles.set(key, entry);
    }
    return entry.handle;
  }

  /** What a recipe makes under one configuration. */
  private build(recipe: Recipe, generation: Generation): PolicyValue {
    const base = baseOf(recipe, generation);
    if (base.kind === 'per-request')
      return new RequestPolicy(base.fn, recipe.fields, recipe.where, this.log);
    if (recipe.fields === undefined) return this.compile(base.options, recipe.where);
    return this.compile({ ...base.options, ...recipe.fields }, recipe.where);
  }

  /**
   * Keyed by the whole options, trial included: policies equal but for their trial are compiled
   * apart, since a compiled policy carries its trial (see `trialOf`).
   */
  private compile(
    options: CorsPolicyOptionsWithTrial<unknown>,
    where: string,
  ): CompiledCorsPolicy<unknown> {
    const fingerprint = fingerprintOf(options);
    let compiled = this.compiled.get(fingerprint);
    if (compiled === undefined) {
      compiled = compileWithTrial(options, {
        where,
        reportError: this.log.reportError,
        reportTrialError: trialErrorReporter(this.log.error),
      });
      this.compiled.set(fingerprint, compiled);
    }
    return compiled;
  }
}
