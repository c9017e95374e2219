/**
 * Which compiled policies each `CorsPolicies` serves: kept here rather than on the public class, so
 * that what only this package calls (attach them, read them for the WebSocket adapters) is no
 * member a user sees.
 */
import type { CorsPolicyRegistry } from '../policy/cors-policy-registry.js';

// Keyed by the CorsPolicies instance (typed `object`: naming the class here would close an import
// cycle with it). Weak, so that a closed application's policies are collected with it.
const registries = new WeakMap<object, CorsPolicyRegistry>();

/** Called once by the module's setup, when it has compiled the policies. */
export function attachRegistry(policies: object, registry: CorsPolicyRegistry): void {
  registries.set(policies, registry);
}

/** The compiled policies that `policies` serves, or `undefined` before `CorsModule` made them. */
export function attachedRegistry(policies: object): CorsPolicyRegistry | undefined {
  return registries.get(policies);
}

/**
 * The compiled policies that `policies` serves.
 *
 * @throws Error when `CorsModule` has not compiled them yet.
 */
export function registryOf(policies: object): CorsPolicyRegistry {
  const registry = registries.get(policies);
  if (registry === undefined) {
    throw new Error(
      'CorsPolicies is not ready: CorsModule compiles the policies while the application initializes. Use it from onModuleInit() or later.',
    );
  }
  return registry;
}
