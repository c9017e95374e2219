import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { Cors, CorsConfigurationError, type CorsModuleOptions } from '../../lib';
import { internalsOf } from '../../lib/engine/model/compiled-policy-internals';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import { explainHandler } from '../../lib/policy/policy-explanation';
import { handleOf, methodsOf } from './policy-test-kit';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const PARTNER = 'https://partner.example.org';

const OPTIONS: CorsModuleOptions = {
  origin: APP,
  credentials: true,
  exposedHeaders: ['X-Request-Id'],
  policies: { public: { origin: '*' }, partner: { origin: PARTNER, maxAge: 600 } },
};

function registry(options: CorsModuleOptions = OPTIONS): CorsPolicyRegistry {
  return new CorsPolicyRegistry(options, QUIET);
}

const QUIET = { error: () => undefined, warn: () => undefined, reportError: () => undefined };

/** The policy `registry` resolves for `controller.method`. */
function policyOf(controller: Type, method: string, from = registry()) {
  const handler = (controller.prototype as Record<string, object>)[method]!;
  const handle = from.resolve(controller, handler, method);
  return handle === null ? null : handle.fixedPolicy!;
}

function refusal(run: () => unknown): CorsConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigurationError);
    return error as CorsConfigurationError;
  }
  throw new Error('expected a CorsConfigurationError');
}

class Plain {
  list() {}
  @Cors({ methods: ['PUT'] }) update() {}
  @Cors('public') catalog() {}
  @Cors(false) internal() {}
}

@Cors({ origin: ADMIN })
class Admin {
  list() {}
  @Cors({ methods: ['PUT'] }) update() {}
  @Cors('partner') partner() {}
}

@Cors(false)
class Off {
  list() {}
  @Cors({ origin: ADMIN }) reopened() {}
}

@Cors({ origin: ADMIN })
class SameAsAdmin {
  list() {}
}

describe('CorsPolicyRegistry', () => {
  it('gives a handler without @Cors in a controller without @Cors the module default itself', () => {
    const policies = registry();
    expect(policyOf(Plain, 'list', policies)).toBe(policies.defaultHandle.fixedPolicy);
  });

  it("merges a handler's fields over the module default", () => {
    const policy = internalsOf(policyOf(Plain, 'update')!);
    expect(methodsOf(policy)).toEqual(['PUT']);
    expect(policy.credentials).toBe(true);
    expect(policy.originRule.kind === 'match' && [...policy.originRule.matcher.exact]).toEqual([
      APP,
    ]);
  });

  it("merges a controller's fields over the default, and a handler's over the controller's", () => {
    const list = internalsOf(policyOf(Admin, 'list')!);
    expect(list.originRule.kind === 'match' && [...list.originRule.matcher.exact]).toEqual([ADMIN]);
    expect(list.credentials).toBe(true);
    expect(list.actualHeadersAfterOrigin).toContainEqual([
      'Access-Control-Expose-Headers',
      'X-Request-Id',
    ]);
    const update = internalsOf(policyOf(Admin, 'update')!);
    expect(update.originRule.kind === 'match' && [...update.originRule.matcher.exact]).toEqual([
      ADMIN,
    ]);
    expect(methodsOf(update)).toEqual(['PUT']);
  });

  it('replaces what is below with a named policy, which inherits nothing', () => {
    const policies = registry();
    const catalog = internalsOf(policyOf(Plain, 'catalog', policies)!);
    expect(catalog.originRule.kind).toBe('any');
    expect(catalog.credentials).toBe(false);
    const partner = internalsOf(policyOf(Admin, 'partner', policies)!);
    expect(partner.maxAgeValue).toBe('600');
    expect(partner.credentials).toBe(false);
  });

  it('switches CORS off with false, on a handler or a controller', () => {
    expect(policyOf(Plain, 'internal')).toBeNull();
    expect(policyOf(Off, 'list')).toBeNull();
  });

  it('switches it back on for a handler inside a switched-off controller, over the module default', () => {
    const reopened = internalsOf(policyOf(Off, 'reopened')!);
    expect(reopened.originRule.kind === 'match' && [...reopened.originRule.matcher.exact]).toEqual([
      ADMIN,
    ]);
    expect(reopened.credentials).toBe(true);
  });

  it('compiles equal options declared in two places once', () => {
    const policies = registry();
    expect(policyOf(SameAsAdmin, 'list', policies)).toBe(policyOf(Admin, 'list', policies));
    // One handle too, named (in logs) after the place resolved first.
    expect(handleOf(policies, Admin, 'list')).toBe(handleOf(policies, SameAsAdmin, 'list'));
    expect(handleOf(policies, Admin, 'list').label).toBe('SameAsAdmin');
  });

  it('names where each policy was declared', () => {
    const policies = registry();
    expect(policies.defaultHandle.label).toBe('CorsModule options');
    expect(handleOf(policies, Plain, 'update').label).toBe('Plain.update');
    expect(handleOf(policies, Plain, 'catalog').label).toBe('CorsModule options policies.public');
  });

  it('refuses an unknown policy name, saying where and which names exist', () => {
    class Unknown {
      @Cors('nope') list() {}
    }
    const error = refusal(() => policyOf(Unknown, 'list'));
    expect(error.problems.map((p) => p.code)).toEqual(['policy-name-unknown']);
    expect(error.where).toBe('Unknown.list');
    expect(error.problems[0]!.fix).toContain('"public", "partner"');
  });

  it('refuses a decorator argument that is neither a policy, a name nor false', () => {
    class Odd {
      @Cors(42 as never) list() {}
    }
    expect(refusal(() => policyOf(Odd, 'list')).problems.map((p) => p.code)).toEqual([
      'decorator-argument-invalid',
    ]);
  });

  it('refuses invalid module switches and policies at once', () => {
    const error = refusal(() =>
      registry({ debug: 'yes', enforce: 1, policies: [] } as unknown as CorsModuleOptions),
    );
    expect(error.problems.map((p) => [p.code, p.option])).toEqual([
      ['not-boolean', 'debug'],
      ['not-boolean', 'enforce'],
      ['policies-not-object', 'policies'],
    ]);
  });

  it('refuses a report option without a path that starts with "/"', () => {
    for (const report of [{ path: '_cors' }, { path: 5 }, '/_cors', null]) {
      const error = refusal(() => registry({ report } as unknown as CorsModuleOptions));
      expect(error.problems.map((p) => p.code)).toEqual(['report-invalid']);
    }
    expect(() => registry({ report: { path: '/_cors' } })).not.toThrow();
  });

  it('says where each field of a policy was written', () => {
    const policies = registry();
    expect(explainHandler(policies, Admin, Admin.prototype.update, 'update')?.sources).toEqual({
      origin: 'Admin',
      credentials: 'CorsModule options',
      exposedHeaders: 'CorsModule options',
      methods: 'Admin.update',
    });
    expect(explainHandler(policies, Plain, Plain.prototype.internal, 'internal')).toBeNull();
  });

  it('says where an invalid named policy is', () => {
    const error = refusal(() =>
      registry({ policies: { broken: { origin: 'https://a.example/' } } }),
    );
    expect(error.where).toBe('CorsModule options policies.broken');
  });
});
