/**
 * Explanations of a handler's policy: its effective options and where each was written, for the
 * policy report and the debug log.
 */
import type { Type } from '@nestjs/common';
import type { CorsPolicyOptionsWithTrial } from './trial-policy.js';
import type { CorsPolicyRegistry } from './cors-policy-registry.js';
import { DEFAULT_RECIPE, baseOf, type CheckedPolicies, type Recipe } from './policy-recipes.js';

/** A handler's effective options, and where each came from, for the policy report. */
export interface PolicyExplanation {
  readonly options: CorsPolicyOptionsWithTrial<unknown>;
  readonly sources: Readonly<Record<string, string>>;
  /** Where the function was declared, when the policy is computed per request. */
  readonly perRequest: string | undefined;
}

/** A handler's effective options and where each was written, or `null` for CORS off. */
export function explainHandler(
  registry: CorsPolicyRegistry,
  controller: Type,
  handler: object,
  methodName: string,
): PolicyExplanation | null {
  const recipe = registry.recipeOf(controller, handler, methodName);
  return recipe === null ? null : explainRecipe(recipe, registry.policiesInForce);
}

/** The module default's options and where each was written. */
export function explainDefault(registry: CorsPolicyRegistry): PolicyExplanation {
  return explainRecipe(DEFAULT_RECIPE, registry.policiesInForce);
}

function explainRecipe(recipe: Recipe, policies: CheckedPolicies): PolicyExplanation {
  const base = baseOf(recipe, policies);
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
