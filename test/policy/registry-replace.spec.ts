import 'reflect-metadata';
import {
  Cors,
  perRequestPolicy,
  type CorsModuleOptions,
  type CorsPolicyConfiguration,
} from '../../lib';
import { internalsOf } from '../../lib/engine/model/compiled-policy-internals';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import { explainDefault, explainHandler } from '../../lib/policy/policy-explanation';
import type { PolicyHandle } from '../../lib/policy/policy-handle';
import {
  QUIET,
  allows,
  codesOf,
  handleOf,
  headerOf,
  methodsOf,
  refusal,
  request,
} from './policy-test-kit';

const APP = 'https://app.example.com';
const NEXT_APP = 'https://next.example.com';
const ADMIN = 'https://admin.example.com';
const PARTNER = 'https://partner.example.org';
const NEXT_PARTNER = 'https://partner.example.net';
const SHOP = 'https://shop.example.com';
const TENANT_A = 'https://a.example';
const TENANT_B = 'https://b.example';

/** No credentials, so that `@Cors({ origin: '*' })` below is valid until a replacement adds them. */
const INITIAL: CorsModuleOptions = {
  origin: APP,
  exposedHeaders: ['X-Request-Id'],
  policies: { public: { origin: '*' }, partner: { origin: PARTNER, maxAge: 600 } },
};

const NEXT: CorsPolicyConfiguration = {
  origin: NEXT_APP,
  credentials: true,
  policies: { public: { origin: SHOP }, partner: { origin: NEXT_PARTNER, maxAge: 30 } },
};

class Plain {
  list() {}
  @Cors({ methods: ['PUT'] }) update() {}
  @Cors({ methods: ['PUT'] }) overwrite() {}
  @Cors('public') catalog() {}
}

class Other {
  list() {}
  @Cors({ methods: ['PUT'] }) edit() {}
}

@Cors({ origin: ADMIN })
class Admin {
  list() {}
  @Cors({ methods: ['PUT'] }) update() {}
  @Cors('partner') partner() {}
}

@Cors('partner')
class Partner {
  list() {}
  @Cors({ maxAge: 60 }) short() {}
}

class Open {
  @Cors({ origin: '*' }) feed() {}
}

const tenantPolicy = perRequestPolicy(
  (req: { headers: Record<string, string> }) => ({
    origin: req.headers.host === 'a' ? TENANT_A : TENANT_B,
  }),
  { vary: ['Host'] },
);

class Tenant {
  @Cors(perRequestPolicy((_req: unknown) => ({ origin: TENANT_A }))) list() {}
}

function registry(options: CorsModuleOptions = INITIAL): CorsPolicyRegistry {
  return new CorsPolicyRegistry(options, QUIET);
}

/** One handle of every kind: the default, fields of a controller and of a handler, named ones. */
function everyHandle(from: CorsPolicyRegistry) {
  return {
    default: from.defaultHandle,
    handlerFields: handleOf(from, Plain, 'update'),
    controllerFields: handleOf(from, Admin, 'list'),
    controllerAndHandlerFields: handleOf(from, Admin, 'update'),
    named: handleOf(from, Plain, 'catalog'),
    namedOnHandler: handleOf(from, Admin, 'partner'),
    namedOnController: handleOf(from, Partner, 'list'),
    fieldsOverNamed: handleOf(from, Partner, 'short'),
  };
}

/** What every handle holds now, to compare before and after. */
function snapshot(handles: Record<string, PolicyHandle>) {
  return Object.fromEntries(
    Object.entries(handles).map(([name, handle]) => [name, handle.fixedPolicy]),
  );
}

/** Checks that every handle holds the policy NEXT makes. */
function expectNext(handles: ReturnType<typeof everyHandle>): void {
  const fixed = (handle: PolicyHandle) => handle.fixedPolicy!;
  expect(allows(fixed(handles.default), NEXT_APP)).toBe(true);
  expect(allows(fixed(handles.default), APP)).toBe(false);
  expect(headerOf(fixed(handles.default), NEXT_APP, 'Access-Control-Allow-Credentials')).toBe(
    'true',
  );
  // Inline fields of the old default are gone: the replacement is the whole default.
  expect(headerOf(fixed(handles.default), NEXT_APP, 'Access-Control-Expose-Headers')).toBe(
    undefined,
  );

  expect(allows(fixed(handles.handlerFields), NEXT_APP)).toBe(true);
  expect(allows(fixed(handles.handlerFields), APP)).toBe(false);
  expect(methodsOf(fixed(handles.handlerFields))).toEqual(['PUT']);

  for (const handle of [handles.controllerFields, handles.controllerAndHandlerFields]) {
    expect(allows(fixed(handle), ADMIN)).toBe(true);
    expect(headerOf(fixed(handle), ADMIN, 'Access-Control-Allow-Credentials')).toBe('true');
  }
  expect(methodsOf(fixed(handles.controllerAndHandlerFields))).toEqual(['PUT']);

  expect(allows(fixed(handles.named), SHOP)).toBe(true);
  expect(allows(fixed(handles.named), 'https://elsewhere.example')).toBe(false);

  for (const handle of [
    handles.namedOnHandler,
    handles.namedOnController,
    handles.fieldsOverNamed,
  ]) {
    expect(allows(fixed(handle), NEXT_PARTNER)).toBe(true);
    expect(allows(fixed(handle), PARTNER)).toBe(false);
    // Named policies inherit nothing from the default, before or after.
    expect(headerOf(fixed(handle), NEXT_PARTNER, 'Access-Control-Allow-Credentials')).toBe(
      undefined,
    );
  }
  expect(internalsOf(fixed(handles.namedOnHandler)).maxAgeValue).toBe('30');
  expect(internalsOf(fixed(handles.fieldsOverNamed)).maxAgeValue).toBe('60');
}

describe('CorsPolicyRegistry.replace()', () => {
  it('gives every handle the new policy in one call', () => {
    const policies = registry();
    const handles = everyHandle(policies);
    expect(allows(handles.default.fixedPolicy, APP)).toBe(true);
    expect(allows(handles.named.fixedPolicy, 'https://elsewhere.example')).toBe(true);

    policies.replace(NEXT);

    expectNext(handles);
    // The handles themselves stay: routes keep the ones they resolved at startup.
    const again = everyHandle(policies);
    for (const name of Object.keys(handles) as (keyof typeof handles)[])
      expect(again[name]).toBe(handles[name]);
  });

  it('has changed every handle by the time its listeners run', () => {
    const policies = registry();
    const handles = everyHandle(policies);
    let seen = false;
    policies.onReplace(() => {
      expectNext(handles);
      seen = true;
    });
    policies.replace(NEXT);
    expect(seen).toBe(true);
  });

  it('gives handlers that resolve the same way one handle, before and after a replacement', () => {
    const policies = registry();
    expect(handleOf(policies, Plain, 'list')).toBe(policies.defaultHandle);
    expect(handleOf(policies, Other, 'list')).toBe(policies.defaultHandle);
    const update = handleOf(policies, Plain, 'update');
    expect(handleOf(policies, Plain, 'overwrite')).toBe(update);
    expect(handleOf(policies, Other, 'edit')).toBe(update);
    expect(handleOf(policies, Partner, 'list')).toBe(handleOf(policies, Admin, 'partner'));
    expect(handleOf(policies, Partner, 'short')).not.toBe(handleOf(policies, Partner, 'list'));
    expect(handleOf(policies, Admin, 'update')).not.toBe(update);

    policies.replace(NEXT);

    expect(handleOf(policies, Other, 'edit')).toBe(update);
    expect(handleOf(policies, Plain, 'list')).toBe(policies.defaultHandle);
    expect(update.fixedPolicy).toBe(handleOf(policies, Plain, 'overwrite').fixedPolicy);
  });

  it('gives a handler resolved after a replacement the new policy', () => {
    const policies = registry();
    policies.replace(NEXT);
    expect(allows(handleOf(policies, Other, 'edit').fixedPolicy, NEXT_APP)).toBe(true);
    expect(allows(handleOf(policies, Partner, 'list').fixedPolicy, NEXT_PARTNER)).toBe(true);
  });

  it('returns the new configuration from `configuration`', () => {
    const policies = registry();
    expect(policies.configuration).toEqual(INITIAL);
    policies.replace(NEXT);
    expect(policies.configuration).toEqual(NEXT);
    // The names in force, in order, as a refusal of an unknown one lists them.
    class Unknown {
      @Cors('nope') list() {}
    }
    expect(refusal(() => handleOf(policies, Unknown, 'list')).problems[0]!.fix).toBe(
      'use one of "public", "partner", or add it to policies',
    );
    const perRequest = { defaultPolicy: tenantPolicy, policies: NEXT.policies! };
    policies.replace(perRequest);
    expect(policies.configuration).toEqual(perRequest);
    expect(policies.configuration.defaultPolicy).toBe(tenantPolicy);
  });

  it("leaves the module's switches out of `configuration`, and refuses them in a replacement", () => {
    const policies = registry({ ...INITIAL, debug: true, enforce: false, report: { path: '/_c' } });
    expect(policies.configuration).toEqual(INITIAL);
    const listener = jest.fn();
    policies.onReplace(listener);
    const before = policies.defaultHandle.fixedPolicy;
    const error = refusal(() =>
      policies.replace({ ...NEXT, debug: true, report: { path: '/_c' } } as CorsModuleOptions),
    );
    expect(error.problems.map((p) => [p.code, p.option])).toEqual([
      ['unknown-option', 'debug'],
      ['unknown-option', 'report'],
    ]);
    expect(error.where).toBe('CorsPolicies.replace()');
    expect(policies.defaultHandle.fixedPolicy).toBe(before);
    expect(listener).not.toHaveBeenCalled();
    // What current() gives can be edited and given back.
    policies.replace({ ...policies.configuration, origin: NEXT_APP });
    expect(allows(policies.defaultHandle.fixedPolicy, NEXT_APP)).toBe(true);
  });

  describe('refuses an invalid replacement and changes nothing', () => {
    function attempt(
      configuration: CorsPolicyConfiguration,
      more: (from: CorsPolicyRegistry) => Record<string, PolicyHandle> = () => ({}),
    ) {
      const policies = registry();
      const handles: Record<string, PolicyHandle> = { ...everyHandle(policies), ...more(policies) };
      const listener = jest.fn();
      policies.onReplace(listener);
      const before = snapshot(handles);
      for (const policy of Object.values(before)) expect(policy).toBeDefined();
      const error = refusal(() => policies.replace(configuration));
      for (const name of Object.keys(handles))
        expect([name, handles[name]!.fixedPolicy]).toEqual([name, before[name]]);
      for (const name of Object.keys(handles))
        expect(handles[name]!.fixedPolicy).toBe(before[name]);
      expect(policies.configuration).toEqual(INITIAL);
      expect(listener).not.toHaveBeenCalled();
      // And the configuration in force still works afterwards.
      expect(allows(policies.defaultHandle.fixedPolicy, APP)).toBe(true);
      return { error, policies, handles };
    }

    it('an invalid default', () => {
      const { error } = attempt({ origin: 'https://app.example.com/' });
      expect(error.where).toBe('CorsPolicies.replace()');
      expect(error.problems.map((p) => p.code)).toEqual(['origin-not-serialized']);
    });

    it('an invalid named policy, naming it', () => {
      const { error } = attempt({
        origin: NEXT_APP,
        policies: { public: { origin: '*', credentials: true }, partner: { origin: PARTNER } },
      });
      expect(error.where).toBe('CorsPolicies.replace() policies.public');
      expect(error.problems.map((p) => p.code)).toEqual(['origin-any-with-credentials']);
    });

    it("a default that is valid alone but not under a handler's fields", () => {
      // Open.feed's origin '*' with the new default's credentials: the default itself is valid,
      // so the failure comes while the handles are built, after others were built already.
      const { error } = attempt(NEXT, (from) => ({ open: handleOf(from, Open, 'feed') }));
      expect(error.where).toBe('Open.feed');
      expect(error.problems.map((p) => p.code)).toEqual(['origin-any-with-credentials']);
    });

    it("one that lacks a named policy a @Cors('name') uses, naming the place", () => {
      const { error } = attempt({ origin: NEXT_APP, policies: { public: { origin: SHOP } } });
      expect(error.problems.map((p) => [p.code, p.option, p.value])).toEqual([
        ['policy-name-unknown', '@Cors()', 'partner'],
      ]);
      // The first place that resolved to it.
      expect(error.where).toBe('Admin.partner');
      expect(error.problems[0]!.fix).toContain('"public"');
    });

    it('one with no named policies at all, when @Cors("name") is used', () => {
      const { error } = attempt({ origin: NEXT_APP });
      expect(error.problems.map((p) => p.code)).toEqual(['policy-name-unknown']);
      expect(error.problems[0]!.fix).toContain('add policies');
    });

    it('a shape that is wrong', () => {
      const { error } = attempt({ origin: NEXT_APP, policies: [] as never });
      expect(error.problems.map((p) => p.code)).toEqual(['policies-not-object']);
    });

    it('an unknown field', () => {
      const { error } = attempt({ origin: NEXT_APP, origins: [APP] } as never);
      expect(error.problems.map((p) => p.code)).toEqual(['unknown-option']);
    });

    // Each of these read as a configuration without policies, which denies every origin.
    it.each([
      ['a number', 42, 'a number'],
      ['a boolean', true, 'a boolean'],
      ['a string', 'https://app.example.com', 'a string'],
      ['an array', [], 'an array'],
      ['a Date', new Date(0), 'a Date'],
      ['a Map', new Map([['origin', APP]]), 'a Map'],
      ['a class instance', new (class Settings {})(), 'a Settings'],
      ['a function', () => ({ origin: APP }), 'a function'],
      ['undefined', undefined, 'undefined'],
      ['null', null, 'null'],
    ])('%s as the whole configuration', (_kind, value, kind) => {
      const { error } = attempt(value as never);
      expect(error.where).toBe('CorsPolicies.replace()');
      expect(error.problems.map((p) => [p.code, p.option])).toEqual([
        ['module-options-invalid', 'configuration'],
      ]);
      expect(error.message).toContain(`is ${kind}, not a plain object of policies`);
    });

    it('a promise (a missing await), saying so', () => {
      const pending = Promise.resolve(NEXT);
      const { error } = attempt(pending as never);
      expect(error.message).toContain('is a Promise, not a plain object of policies');
      expect(error.message).toContain('did you forget `await`?');
    });

    it('takes an object without a prototype', () => {
      const policies = registry();
      policies.replace(Object.assign(Object.create(null) as object, { ...NEXT }));
      expect(allows(policies.defaultHandle.fixedPolicy, NEXT_APP)).toBe(true);
    });

    it.each([
      ['policies a Map', { origin: NEXT_APP, policies: new Map() }, 'policies-not-object'],
      [
        'a named policy a Date',
        { ...NEXT, policies: { ...NEXT.policies, partner: new Date() } },
        'policy-not-object',
      ],
      [
        'a named policy a promise',
        { ...NEXT, policies: { ...NEXT.policies, partner: Promise.resolve({}) } },
        'policy-not-object',
      ],
      [
        'a named policy a number',
        { ...NEXT, policies: { ...NEXT.policies, partner: 42 } },
        'policy-not-object',
      ],
    ])('junk inside a configuration: %s', (_what, configuration, code) => {
      const { error } = attempt(configuration as never);
      expect(error.problems.map((p) => p.code)).toEqual([code]);
    });

    it('a configuration whose getter throws, as a CorsConfigurationError', () => {
      const configuration = {
        get origin(): string {
          throw new TypeError('settings not loaded');
        },
      };
      const { error } = attempt(configuration);
      expect(error.problems.map((p) => [p.code, p.option])).toEqual([
        ['module-options-invalid', 'configuration'],
      ]);
      expect(error.message).toContain('could not be read: settings not loaded');
    });

    it('a class instance with fields (an entity, plainToInstance() output), saying to spread it', () => {
      class Settings {
        origin = NEXT_APP;
      }
      const settings = new Settings();
      const { error } = attempt(settings);
      expect(error.message).toContain('is a Settings, not a plain object of policies');
      expect(error.problems[0]!.fix).toContain('replace({ ...config })');
      const policies = registry();
      policies.replace({ ...settings });
      expect(allows(policies.defaultHandle.fixedPolicy, NEXT_APP)).toBe(true);
    });

    it('a fieldless instance (a Map, a Date) is not told to spread: a spread would lose its data', () => {
      for (const value of [new Map([['origin', APP]]), new Date(0), new (class Empty {})()]) {
        expect(attempt(value as never).error.problems[0]!.fix).not.toContain('...');
      }
    });

    it('a named policy that is a class instance, saying to spread it', () => {
      class PartnerSettings {
        origin = NEXT_PARTNER;
      }
      const configuration = {
        ...NEXT,
        policies: { ...NEXT.policies, partner: new PartnerSettings() },
      };
      const { error } = attempt(configuration);
      expect(error.problems.map((p) => [p.code, p.fix])).toEqual([
        ['policy-not-object', expect.stringContaining('partner: { ...policy }')],
      ]);
    });

    it('a getter that throws deep inside, as a CorsConfigurationError', () => {
      const partner = {
        get origin(): string {
          throw new TypeError('partner settings not loaded');
        },
      };
      const { error } = attempt({ ...NEXT, policies: { ...NEXT.policies, partner } });
      expect(error.message).toContain('could not be read: partner settings not loaded');
    });

    it('an error of its own, not of reading the configuration, is not blamed on the configuration', () => {
      const policies = registry();
      const bug = new TypeError("Cannot read properties of undefined (reading 'origin')");
      // White-box: a failure inside the registry's own checks, with a configuration that reads fine.
      (policies as unknown as { replaceChecked: () => never }).replaceChecked = () => {
        throw bug;
      };
      expect(() => policies.replace(NEXT)).toThrow(bug);
    });

    it('a revoked proxy', () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      const { error } = attempt(proxy);
      expect(error.problems.map((p) => p.code)).toEqual(['module-options-invalid']);
    });
  });

  it('keeps only the compiled policies of the configuration in force', () => {
    const policies = registry();
    everyHandle(policies);
    // White-box: the registry's table of compiled policies must not grow with each replacement.
    const table = () => (policies as unknown as { compiled: Map<string, unknown> }).compiled;
    const size = table().size;
    for (let i = 0; i < 50; i++) {
      const configuration = { ...NEXT, origin: `https://v${i}.example.com` };
      policies.replace(configuration);
      // A refused replacement leaves the table of the configuration in force.
      expect(() => policies.replace({ origin: 'nope' })).toThrow();
    }
    expect(table().size).toBeLessThanOrEqual(size);
    expect(allows(policies.defaultHandle.fixedPolicy, 'https://v49.example.com')).toBe(true);
    expect(allows(handleOf(policies, Other, 'edit').fixedPolicy, 'https://v49.example.com')).toBe(
      true,
    );
  });

  it('calls its listeners once after each successful replacement, in order', () => {
    const policies = registry();
    const calls: string[] = [];
    policies.onReplace(() => calls.push('first'));
    policies.onReplace(() => calls.push('second'));
    policies.replace(NEXT);
    expect(calls).toEqual(['first', 'second']);
    expect(() => policies.replace({ origin: 'nope' })).toThrow();
    expect(calls).toEqual(['first', 'second']);
    policies.replace(INITIAL);
    expect(calls).toEqual(['first', 'second', 'first', 'second']);
  });

  describe('per-request default policies', () => {
    const perRequest: CorsPolicyConfiguration = {
      defaultPolicy: tenantPolicy,
      policies: INITIAL.policies!,
    };

    it('leaves fixedPolicy undefined and compiles the answer in policyFor(request)', () => {
      const policies = registry();
      const handles = everyHandle(policies);
      policies.replace(perRequest);

      expect(policies.defaultHandle.fixedPolicy).toBeUndefined();
      const forA = policies.defaultHandle.policyFor(request({ host: 'a' }));
      expect(allows(forA as never, TENANT_A)).toBe(true);
      expect(allows(forA as never, TENANT_B)).toBe(false);
      const forB = policies.defaultHandle.policyFor(request({ host: 'b' }));
      expect(allows(forB as never, TENANT_B)).toBe(true);

      // Fields of controllers and handlers apply over the answer.
      expect(handles.controllerFields.fixedPolicy).toBeUndefined();
      const admin = handles.controllerFields.policyFor(request({ host: 'a' }));
      expect(allows(admin as never, ADMIN)).toBe(true);
      expect(allows(admin as never, TENANT_A)).toBe(false);
      const update = handles.handlerFields.policyFor(request({ host: 'b' }));
      expect(allows(update as never, TENANT_B)).toBe(true);
      expect(methodsOf(update as never)).toEqual(['PUT']);

      // Named policies are not computed per request.
      expect(allows(handles.namedOnController.fixedPolicy, PARTNER)).toBe(true);
    });

    it('makes fixedPolicy defined again when static options replace it', () => {
      const policies = registry({ defaultPolicy: tenantPolicy, policies: INITIAL.policies! });
      const update = handleOf(policies, Plain, 'update');
      expect(policies.defaultHandle.fixedPolicy).toBeUndefined();
      expect(update.fixedPolicy).toBeUndefined();

      policies.replace(NEXT);

      expect(allows(policies.defaultHandle.fixedPolicy, NEXT_APP)).toBe(true);
      expect(policies.defaultHandle.policyFor(request())).toBe(policies.defaultHandle.fixedPolicy);
      expect(allows(update.fixedPolicy, NEXT_APP)).toBe(true);
    });

    it('accepts a bare function as defaultPolicy', () => {
      const policies = registry();
      policies.replace({ defaultPolicy: () => ({ origin: TENANT_A }), policies: NEXT.policies! });
      const policy = policies.defaultHandle.policyFor(request());
      expect(allows(policy as never, TENANT_A)).toBe(true);
    });

    it('is reported by explainDefault() and explainHandler() with where the function is', () => {
      const policies = registry();
      policies.replace(perRequest);
      expect(explainDefault(policies)).toEqual({
        options: {},
        sources: {},
        perRequest: 'CorsPolicies.replace()',
      });
      expect(explainHandler(policies, Admin, Admin.prototype.update, 'update')).toEqual({
        options: { origin: ADMIN, methods: ['PUT'] },
        sources: { origin: 'Admin', methods: 'Admin.update' },
        perRequest: 'CorsPolicies.replace()',
      });
      expect(explainHandler(policies, Plain, Plain.prototype.catalog, 'catalog')?.perRequest).toBe(
        undefined,
      );

      policies.replace(INITIAL);
      expect(explainDefault(policies).perRequest).toBeUndefined();
      expect(explainDefault(policies).sources).toEqual({
        origin: 'CorsPolicies.replace()',
        exposedHeaders: 'CorsPolicies.replace()',
      });
    });

    it('names the module options as the place of a per-request default given at startup', () => {
      const policies = registry({ defaultPolicy: tenantPolicy });
      expect(explainDefault(policies).perRequest).toBe('CorsModule options');
    });

    it('reports a named per-request policy and @Cors(fn) with their places', () => {
      const policies = registry({
        origin: APP,
        policies: {
          public: perRequestPolicy(() => ({ origin: '*' })),
          partner: { origin: PARTNER },
        },
      });
      expect(explainHandler(policies, Plain, Plain.prototype.catalog, 'catalog')?.perRequest).toBe(
        'CorsModule options policies.public',
      );
      expect(explainHandler(policies, Tenant, Tenant.prototype.list, 'list')?.perRequest).toBe(
        'Tenant.list',
      );
      expect(handleOf(policies, Plain, 'catalog').fixedPolicy).toBeUndefined();
    });
  });

  describe('defaultPolicy', () => {
    it('refuses it together with inline fields, at startup and in a replacement', () => {
      const twice = { defaultPolicy: tenantPolicy, origin: APP, credentials: true };
      const error = refusal(() => registry(twice));
      expect(error.problems.map((p) => [p.code, p.option])).toEqual([
        ['default-policy-twice', 'defaultPolicy'],
      ]);
      expect(error.problems[0]!.problem).toContain('origin, credentials');
      expect(error.where).toBe('CorsModule options');

      const policies = registry();
      const before = policies.defaultHandle.fixedPolicy;
      const replaced = refusal(() => policies.replace(twice));
      expect(replaced.problems.map((p) => p.code)).toEqual(['default-policy-twice']);
      expect(replaced.where).toBe('CorsPolicies.replace()');
      expect(policies.defaultHandle.fixedPolicy).toBe(before);
    });

    it('refuses one that is not a function or a perRequestPolicy()', () => {
      for (const defaultPolicy of [{ origin: '*' }, 'tenant', null, 42]) {
        const configuration = { defaultPolicy } as unknown as CorsModuleOptions;
        expect(codesOf(() => registry(configuration))).toEqual(['module-options-invalid']);
        const policies = registry();
        expect(codesOf(() => policies.replace(configuration))).toEqual(['module-options-invalid']);
        expect(policies.configuration).toEqual(INITIAL);
      }
    });
  });
});
