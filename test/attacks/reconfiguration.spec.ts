/**
 * Attacks on run-time reconfiguration: `CorsPolicies.replace()` and what a `watch()` loader
 * yields, given every kind of JavaScript value (primitives, boxed values, arrays, Maps, Dates,
 * promises and thenables, class instances, functions, proxies, objects whose getters throw,
 * bigints, values that contain themselves) as
 * the whole configuration, and the same junk in place of each option of an otherwise valid
 * configuration, of a named policy and of the named policies object. A replacement either applies
 * a valid configuration, exactly as a fresh start with it would, or throws a
 * CorsConfigurationError and changes nothing: any other error, a partial change, or junk applied
 * as a configuration is a finding.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import {
  Cors,
  CorsConfigurationError,
  CorsPolicies,
  type CorsPolicyConfiguration,
} from '../../lib';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import { attachRegistry } from '../../lib/nest/attached-registry';
import type { PolicyHandle } from '../../lib/policy/policy-handle';
import { QUIET, handleOf, headerOf, now } from '../policy/policy-test-kit';
import { POLICY_OPTION_NAMES, decideActual } from '../../lib/engine';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const PARTNER = 'https://partner.example.org';
const ORIGINS = [APP, ADMIN, PARTNER, 'https://evil.example', 'null'];

class Items {
  list() {}
  @Cors({ methods: ['PUT'] }) update() {}
  @Cors('partner') partner() {}
}

@Cors({ origin: ADMIN })
class Admin {
  list() {}
}

const INITIAL: CorsPolicyConfiguration = {
  origin: APP,
  credentials: true,
  policies: { partner: { origin: PARTNER, maxAge: 600 } },
};

/** Values of every kind, none of them a configuration. */
function oddValues(): unknown[] {
  return [
    undefined,
    null,
    0,
    42,
    -1,
    Number.NaN,
    10n,
    true,
    false,
    '',
    '{"origin":"https://app.example.com"}',
    Symbol('configuration'),
    [],
    [INITIAL],
    new Date(0),
    new Map([['origin', APP]]),
    new Set([APP]),
    new WeakMap(),
    /app/,
    new Error('configuration'),
    new Uint8Array(2),
    Object(42),
    Object('https://app.example.com'),
    Promise.resolve(INITIAL),
    { then: () => undefined },
    new (class Settings {
      origin = APP;
    })(),
    Object.create({ origin: APP }) as unknown,
    () => INITIAL,
    {
      get origin(): string {
        throw new TypeError('getter');
      },
    },
  ];
}

/**
 * Values our own code once failed on while reading a configuration (a bigint, which JSON cannot
 * write, and values that contain themselves), probed at every place, made afresh for each probe.
 */
function unserializableValues(): unknown[] {
  return [
    10n,
    [APP, 10n],
    { origin: APP, maxAge: 1n },
    selfContaining([APP]),
    selfContaining({ origin: APP }),
  ];
}

/** `value` with one more entry that is `value` itself: a cycle, which JSON cannot write. */
function selfContaining(value: unknown[] | Record<string, unknown>): unknown {
  if (Array.isArray(value)) value.push(value);
  else value.self = value;
  return value;
}

/**
 * Proxies that throw at a look, probed as they are: fast-check cannot sample them (it looks into
 * what it generates).
 */
function hostileProxies(): unknown[] {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  return [
    revoked.proxy,
    new Proxy(
      {},
      {
        ownKeys() {
          throw new TypeError('ownKeys trap');
        },
      },
    ),
    new Proxy(
      {},
      {
        get() {
          throw new TypeError('get trap');
        },
      },
    ),
  ];
}

/** By index, made afresh for each probe, so that no probe shares an object with another. */
const odd = fc.oneof(
  fc.nat({ max: oddValues().length - 1 }).map((index) => oddValues()[index]),
  fc.anything({
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withDate: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withBigInt: true,
    maxDepth: 2,
  }),
);

/** Values an option might really have, valid or not: the engine judges them. */
const plausible = fc.constantFrom<unknown>(
  APP,
  [APP, ADMIN],
  '*',
  true,
  false,
  ['GET', 'PUT'],
  ['X-Token'],
  600,
  -1,
  'https://app.example.com/',
  'null',
  /^https:\/\/[a-z]+\.example\.com$/,
);

/** Where a probe puts its value in a valid base: an option, a named policy, an option of one. */
const PLACES: readonly string[][] = [
  ...POLICY_OPTION_NAMES.map((name) => [name]),
  ...POLICY_OPTION_NAMES.map((name) => ['policies', 'partner', name]),
  ['policies'],
  ['policies', 'partner'],
  ['policies', 'other'],
  ['defaultPolicy'],
  ['debug'],
  ['origin', '1'],
  ['policies', 'partner', 'origin', '0'],
];

/** A valid base, with one option, named policy or option of a named policy set to `value`. */
function placed(where: readonly string[], value: unknown) {
  const configuration: Record<string, unknown> = {
    origin: [APP, ADMIN],
    credentials: true,
    policies: { partner: { origin: [PARTNER], maxAge: 600 } },
  };
  let parent = configuration;
  for (const key of where.slice(0, -1)) {
    const child = parent[key];
    if (child === null || typeof child !== 'object') parent[key] = {};
    parent = parent[key] as Record<string, unknown>;
  }
  parent[where.at(-1)!] = value;
  return { where: where.join('.'), configuration: configuration };
}

const nested = fc
  .record({ where: fc.constantFrom(...PLACES), value: fc.oneof(odd, plausible) })
  .map(({ where, value }) => placed(where, value));

const TOP_LEVEL = fc.sample(odd, { numRuns: 300, seed: 1704 });
const NESTED = [
  ...fc.sample(nested, { numRuns: 600, seed: 1705 }),
  ...PLACES.flatMap((where) => unserializableValues().map((value) => placed(where, value))),
];

/** Plain data as the test judges it: made by an object literal or with a null prototype. */
function isPlain(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  try {
    const prototype: unknown = Object.getPrototypeOf(value);
    return prototype === Object.prototype || prototype === null;
  } catch {
    return false;
  }
}

function attached() {
  const registry = new CorsPolicyRegistry(INITIAL, QUIET);
  const policies = new CorsPolicies();
  attachRegistry(policies, registry);
  return { registry, policies };
}

function handlesOf(registry: CorsPolicyRegistry): Record<string, PolicyHandle> {
  return {
    default: registry.defaultHandle,
    fields: handleOf(registry, Items, 'update'),
    named: handleOf(registry, Items, 'partner'),
    controller: handleOf(registry, Admin, 'list'),
  };
}

/** What a handle's policy answers each origin: allowed, and with credentials. */
function behaviourOf(handle: PolicyHandle): string[] | undefined {
  const policy = handle.fixedPolicy;
  if (policy === undefined) return undefined;
  return ORIGINS.map(
    (origin) =>
      `${origin} ${now(decideActual(policy, origin)).allowed} ${headerOf(policy, origin, 'Access-Control-Allow-Credentials')}`,
  );
}

function describeProbe(value: unknown): string {
  try {
    return typeof value === 'symbol'
      ? value.toString()
      : (JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ??
          String(value));
  } catch {
    return 'a value that cannot be read';
  }
}

/** Replaces with `value` and reports every way the outcome breaks the rule above. */
function findingsOf(
  { registry, policies }: ReturnType<typeof attached>,
  label: string,
  value: unknown,
): string[] {
  const handles = handlesOf(registry);
  const before = policies.current();
  const policiesBefore = Object.fromEntries(
    Object.entries(handles).map(([name, handle]) => [name, handle.fixedPolicy]),
  );
  try {
    policies.replace(value as CorsPolicyConfiguration);
  } catch (error) {
    const found: string[] = [];
    if (!(error instanceof CorsConfigurationError))
      found.push(`${label}: threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
    if (policies.current() !== before) found.push(`${label}: refused, but current() changed`);
    for (const [name, handle] of Object.entries(handles))
      if (handle.fixedPolicy !== policiesBefore[name])
        found.push(`${label}: refused, but the ${name} policy changed`);
    return found;
  }
  const found: string[] = [];
  const named = (value as { policies?: unknown }).policies;
  if (!isPlain(value)) found.push(`${label}: applied a value that is not a plain object`);
  else if (
    named !== undefined &&
    (!isPlain(named) ||
      Object.values(named as object).some((p) => typeof p !== 'function' && !isPlain(p)))
  )
    found.push(`${label}: applied named policies that are not plain objects`);
  else {
    // Applied: exactly what starting with it gives.
    let fresh: CorsPolicyRegistry | undefined;
    try {
      fresh = new CorsPolicyRegistry(value as CorsPolicyConfiguration, QUIET);
    } catch (error) {
      found.push(`${label}: applied, but refused at startup: ${(error as Error).message}`);
    }
    if (fresh !== undefined) {
      const expected = handlesOf(fresh);
      for (const [name, handle] of Object.entries(handles)) {
        if (JSON.stringify(behaviourOf(handle)) !== JSON.stringify(behaviourOf(expected[name]!)))
          found.push(`${label}: the ${name} policy differs from a fresh start with it`);
      }
    }
  }
  policies.replace(INITIAL);
  return found;
}

describe('attack: reconfiguration inputs', () => {
  afterEach(() => jest.restoreAllMocks());

  it('probes values of every kind, and junk at every option', () => {
    expect(new Set(TOP_LEVEL.map((value) => typeof value)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(NESTED.map(({ where }) => where)).size).toBeGreaterThan(
      POLICY_OPTION_NAMES.length,
    );
  });

  it('replace() refuses every value that is not a configuration, changing nothing', () => {
    const target = attached();
    const findings = [
      ...oddValues(),
      ...hostileProxies(),
      ...unserializableValues(),
      ...TOP_LEVEL,
    ].flatMap((value) => findingsOf(target, describeProbe(value), value));
    expect(findings.slice(0, 10)).toEqual([]);
  });

  it('replace() applies a configuration with junk inside wholly and validly, or not at all', () => {
    const target = attached();
    const findings = NESTED.flatMap(({ where, configuration }) =>
      findingsOf(target, `${where} = ${describeProbe(configuration)}`, configuration),
    );
    expect(findings.slice(0, 10)).toEqual([]);
    // Some of them were valid, and applied: the check is not one that refuses everything.
    const applied = NESTED.filter(({ configuration }) => {
      try {
        attached().policies.replace(configuration);
        return true;
      } catch {
        return false;
      }
    });
    expect(applied.length).toBeGreaterThan(20);
  });

  it('a watch() loader yielding any of them leaves the policies in force, refused by name', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { policies } = attached();
    const findings: string[] = [];
    for (const value of [...oddValues(), ...hostileProxies()]) {
      const label = describeProbe(value);
      const before = policies.current();
      const error: unknown = await policies
        .watch(() => value as CorsPolicyConfiguration, { interval: 60_000, timeout: 100 })
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      policies.stop();
      const timedOut = error instanceof Error && /did not settle within/.test(error.message);
      // A promise of a valid configuration is what an asynchronous loader gives: applied.
      const applied = error === undefined && value instanceof Promise;
      if (!(error instanceof CorsConfigurationError) && !timedOut && !applied)
        findings.push(`${label}: the read ended with ${String(error)}`);
      if (!applied && policies.current() !== before)
        findings.push(`${label}: the policies changed`);
      if (applied) policies.replace(INITIAL);
    }
    expect(findings).toEqual([]);
  });
});
