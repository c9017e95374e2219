/**
 * Recipes: how a route's policy is composed from the module default, a named policy or a function
 * from `@Cors(fn)`, and the fields that controllers' and handlers' `@Cors()` write above it.
 */
import type { Type } from '@nestjs/common';
import { ProblemList, type CorsPolicyOptions } from '../engine/index.js';
import { MODULE_OPTIONS_PLACE } from './cors-module-options.js';
import {
  isPerRequestPolicy,
  type CorsPolicyFunction,
  type PerRequestCorsPolicy,
} from './per-request-policy.js';
import { fingerprintOf } from './policy-fingerprint.js';
import { CORS_POLICY_METADATA, type CorsPolicyMetadata } from './policy-metadata.js';
import type { PolicyFunction } from './request-policy.js';

/** A configured policy, checked: options compiled, or a per-request function ready to call. */
export type CheckedPolicy =
  | {
      readonly kind: 'options';
      readonly options: CorsPolicyOptions<unknown>;
      /** Where each option was written, for the report and the debug log. */
      readonly sources: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'per-request'; readonly fn: PolicyFunction };

/** The policies of one configuration, checked: what recipes take their base from. */
export interface CheckedPolicies {
  readonly defaults: CheckedPolicy;
  readonly named: ReadonlyMap<string, CheckedPolicy>;
}

/**
 * How a route's policy is made from whatever configuration is in force: a base (the default, a
 * named policy, or a function from `@Cors(fn)`) and the fields written above it by controllers and
 * handlers. Recipes do not change at run time; what they make does.
 */
export interface Recipe {
  readonly base:
    | { readonly kind: 'default' }
    | { readonly kind: 'named'; readonly name: string }
    | { readonly kind: 'function'; readonly fn: PolicyFunction };
  readonly fields: CorsPolicyOptions<unknown> | undefined;
  /** Where each of `fields` was written, for the report and the debug log. */
  readonly fieldSources: Readonly<Record<string, string>>;
  /** The topmost declaration, such as `ItemsController.update`, for errors and logs. */
  readonly where: string;
}

/** The recipe of routes without `@Cors()`: the module default as it is. */
export const DEFAULT_RECIPE: Recipe = {
  base: { kind: 'default' },
  fields: undefined,
  fieldSources: {},
  where: MODULE_OPTIONS_PLACE,
};

/** Checks a per-request policy once, by what the user gave (see the registry's `functionOf`). */
export type PolicyFunctionOf = (
  policy: CorsPolicyFunction | PerRequestCorsPolicy,
  where: string,
) => PolicyFunction;

/**
 * The recipe of every controller and handler, read from their `@Cors()` metadata. A controller's
 * recipe is read once and kept.
 */
export class PolicyRecipes {
  private readonly byController = new Map<Type, Recipe | null>();

  constructor(
    private readonly functionOf: PolicyFunctionOf,
    /** Called once with each controller's recipe, so that an invalid policy stops the start. */
    private readonly onControllerRecipe: (recipe: Recipe) => void,
  ) {}

  /** A handler's recipe, or `null` when CORS is switched off for it. */
  ofHandler(controller: Type, handler: object, methodName: string): Recipe | null {
    const handlerMetadata = readMetadata(handler);
    const controllerRecipe = this.ofController(controller);
    if (handlerMetadata === undefined) return controllerRecipe;
    // A handler's fields re-enable CORS inside a switched-off controller, over the module default.
    return this.withMetadata(
      controllerRecipe ?? DEFAULT_RECIPE,
      handlerMetadata,
      `${controller.name}.${methodName}`,
    );
  }

  /** A controller's (or a gateway's) recipe, or `null` when it says `@Cors(false)`. */
  ofController(controller: Type): Recipe | null {
    let recipe = this.byController.get(controller);
    if (recipe === undefined) {
      const metadata = readMetadata(controller);
      recipe =
        metadata === undefined
          ? DEFAULT_RECIPE
          : this.withMetadata(DEFAULT_RECIPE, metadata, controller.name);
      this.byController.set(controller, recipe);
      if (recipe !== null) this.onControllerRecipe(recipe);
    }
    return recipe;
  }

  /**
   * What `@Cors(metadata)`, declared at `where`, makes of the recipe below it, or `null` for
   * `@Cors(false)`.
   *
   * @throws CorsConfigurationError when `metadata` is no policy, name, function or `false`.
   */
  withMetadata(below: Recipe, metadata: CorsPolicyMetadata, where: string): Recipe | null {
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
}

/**
 * The base a recipe takes from `policies`: the default, the named policy, or its own function.
 *
 * @throws CorsConfigurationError when the named policy does not exist.
 */
export function baseOf(recipe: Recipe, policies: CheckedPolicies): CheckedPolicy {
  const { base } = recipe;
  if (base.kind === 'default') return policies.defaults;
  if (base.kind === 'function') return { kind: 'per-request', fn: base.fn };
  const named = policies.named.get(base.name);
  if (named !== undefined) return named;
  const problems = new ProblemList();
  const known = [...policies.named.keys()];
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

/** How logs name the policy a recipe makes (its handle's label): where it was written, or the named policy it is. */
export function handleLabelOf({ base, fields, where }: Recipe): string {
  if (fields !== undefined) return where;
  if (base.kind === 'named') return `${MODULE_OPTIONS_PLACE} policies.${base.name}`;
  return base.kind === 'function' ? `${where} (per request)` : where;
}

/** Equal for recipes that make the same policy under any configuration. */
export function recipeKey({ base, fields }: Recipe): string {
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
