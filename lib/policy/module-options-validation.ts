/**
 * Checks of what holds the module's options and policies: the module's switches (`debug`,
 * `debugHeader`, `enforce`, `report`) and the shape of `policies` and `defaultPolicy`. Each
 * policy's own options are checked when the registry compiles it.
 */
import { POLICY_OPTION_NAMES, ProblemList, readBoolean } from '../engine/index.js';
import {
  MODULE_OPTIONS_PLACE,
  type CorsModuleOptions,
  type CorsPolicyConfiguration,
} from './cors-module-options.js';
import { isPerRequestPolicy } from './per-request-policy.js';
import { isInstanceWithFields, isPlainObject, kindOf } from './plain-configuration.js';

/** Options of the module that are not policies, set once at startup. */
const MODULE_SWITCHES = ['debug', 'debugHeader', 'enforce', 'report', 'paths'] as const;

/** The one value of `debugHeader` that turns the header on, in production too. */
export const DEBUG_HEADER_IN_PRODUCTION = 'even-in-production';

/**
 * Checks the module's switches and the shape of its policies, at startup.
 *
 * @throws CorsConfigurationError naming every problem at once.
 */
export function checkModuleOptions(options: CorsModuleOptions): void {
  const problems = new ProblemList();
  const { debug, enforce, report } = options;
  const debugOn = readBoolean(debug, 'debug', problems);
  checkDebugHeader(options.debugHeader, debugOn, problems);
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
}

/**
 * `debugHeader`: `false`, or the one explicit value that sends the header in production too, which
 * only means something with `debug: true`.
 */
function checkDebugHeader(value: unknown, debugOn: boolean, problems: ProblemList): void {
  if (value === undefined || value === false) return;
  if (value !== DEBUG_HEADER_IN_PRODUCTION) {
    problems.add(
      'module-options-invalid',
      'debugHeader',
      value,
      `is neither false nor "${DEBUG_HEADER_IN_PRODUCTION}"`,
      value === true
        ? `remove it: debug: true sends the header outside production; write debugHeader: "${DEBUG_HEADER_IN_PRODUCTION}" to send it in production too`
        : `write debugHeader: false to keep the header off, or debugHeader: "${DEBUG_HEADER_IN_PRODUCTION}" to send it in production too`,
    );
  } else if (!debugOn) {
    problems.add(
      'module-options-invalid',
      'debugHeader',
      value,
      'has no effect without debug: true',
      'add debug: true, or remove debugHeader',
    );
  }
}

/**
 * Checks what holds a configuration's policies.
 *
 * @param place how errors name where the configuration came from.
 * @throws CorsConfigurationError naming every problem at once.
 */
export function checkConfigurationShape(
  configuration: CorsPolicyConfiguration,
  place: string,
): void {
  const problems = new ProblemList();
  checkShape(configuration, problems);
  problems.throwIfAny(place);
}

/**
 * Refuses the module's switches in a configuration given at run time: they are set once, at
 * startup, and a policy cannot carry them.
 *
 * @param place how errors name where the configuration came from.
 */
export function refuseModuleSwitches(configuration: CorsPolicyConfiguration, place: string): void {
  const switches = Object.keys(configuration).filter((name) =>
    (MODULE_SWITCHES as readonly string[]).includes(name),
  );
  if (switches.length === 0) return;
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
  // `trial` too: beside defaultPolicy it would try nothing, silently (the answer carries its own).
  const inline = Object.keys(configuration).filter(
    (name) => (POLICY_OPTION_NAMES as readonly string[]).includes(name) || name === 'trial',
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
