import type { CorsPolicies, CorsPolicyConfiguration } from 'nestjs-cors';

/**
 * The module default's origins as a list that an origin can be added to, or `undefined` when the
 * default is not a list: a predicate, `true`, or a policy computed per request (`defaultPolicy`).
 * No `origin` at all allows no origin: an empty list.
 */
export function listedOrigins(
  configuration: CorsPolicyConfiguration,
): readonly (string | RegExp)[] | undefined {
  if (configuration.defaultPolicy !== undefined) return undefined;
  const { origin } = configuration;
  if (origin === undefined) return [];
  if (typeof origin === 'string' || origin instanceof RegExp) return [origin];
  if (Array.isArray(origin)) return origin as readonly (string | RegExp)[];
  return undefined;
}

/**
 * The origins the module default lists now, as text (a regex as `/…/`): what the admin endpoint
 * answers, and what the page server tells the page each time it is loaded, so that the page knows
 * whether its origin is allowed. An empty list when the default is not a list.
 */
export function originsInForce(policies: CorsPolicies): string[] {
  return (listedOrigins(policies.current()) ?? []).map(String);
}
