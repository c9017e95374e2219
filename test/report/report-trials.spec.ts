import { Controller, Get, Module, Post, Put, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { WebSocketGateway } from '@nestjs/websockets';
import Ajv from 'ajv';
import { Cors, perRequestPolicy, type CorsModuleOptions } from '../../lib';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import {
  buildPolicyReport,
  type PolicyReport,
  type ReportField,
  type ReportPolicy,
} from '../../lib/report/policy-report';
import { reportedPaths } from '../../lib/report/reported-paths';
import { findGateways } from '../../lib/routing/gateways';
import { pathPoliciesOf } from '../../lib/routing/path-policies';
import type { RouteRecord } from '../../lib/routing/route-record';
import schema from '../../docs/policy-report.schema.json';
import { APP, EVIL, PARTNER } from '../e2e/fixtures/origins';

const MODULE = 'CorsModule options';
const BOTH = `${APP}, ${PARTNER}`;

const OPTIONS: CorsModuleOptions = {
  origin: [APP, PARTNER],
  credentials: true,
  trial: { origin: [APP] },
  policies: { public: { origin: '*', credentials: false, trial: { maxAge: 600 } } },
  paths: {
    '/docs': { origin: [PARTNER], credentials: false, trial: { origin: [APP] } },
    '/static': { origin: '*', credentials: false, trial: false },
    '/tenant': perRequestPolicy(() => ({ origin: APP, trial: { origin: PARTNER } })),
    '/internal': false,
  },
};

@Controller('items')
class ItemsController {
  /** The module default's trial, inherited. */
  @Get() list() {
    return 'list';
  }

  /** `trial: false` drops it. */
  @Cors({ trial: false }) @Get('settled') settled() {
    return 'settled';
  }

  /** A trial of its own replaces the inherited one as a whole: the module trial's origin is gone. */
  @Cors({ methods: ['GET', 'PUT'], trial: { methods: ['GET'] } }) @Put(':id') update() {
    return 'update';
  }

  /** A named policy's trial. */
  @Cors('public') @Get('catalog') catalog() {
    return 'catalog';
  }

  @Cors(false) @Post('internal') internal() {
    return 'internal';
  }
}

/** A controller's trial, under a handler that changes a field of the policy (not of the trial). */
@Cors({ origin: [APP], trial: { origin: [APP, EVIL] } })
@Controller('strict')
class StrictController {
  @Cors({ credentials: false }) @Get() get() {
    return 'strict';
  }
}

/** A per-request policy: its trial comes with each answer. */
@Cors(perRequestPolicy(() => ({ origin: APP, trial: { origin: PARTNER } })))
@Controller('tenant')
class TenantController {
  @Get() get() {
    return 'tenant';
  }
}

@Cors({ origin: PARTNER, trial: { origin: APP, credentials: false } })
@WebSocketGateway({ namespace: 'chat' })
class ChatGateway {}

@WebSocketGateway({ path: '/live' })
class LiveGateway {}

@Cors({ trial: false })
@WebSocketGateway(8124)
class QuietGateway {}

@Controller('x')
class XController {
  @Get() x() {
    return 'x';
  }
}

@Module({ controllers: [XController], providers: [ChatGateway, LiveGateway, QuietGateway] })
class GatewaysModule {}

const QUIET = { error: () => undefined, warn: () => undefined, reportError: () => undefined };

function record(method: string, path: string, controller: Type, methodName: string): RouteRecord {
  const handler = (controller.prototype as Record<string, object>)[methodName]!;
  return {
    method,
    path,
    controller,
    methodName,
    handler,
    policy: null,
    hosts: undefined,
    versions: undefined,
  };
}

const RECORDS = [
  record('GET', '/items', ItemsController, 'list'),
  record('GET', '/items/settled', ItemsController, 'settled'),
  record('PUT', '/items/:id', ItemsController, 'update'),
  record('GET', '/items/catalog', ItemsController, 'catalog'),
  record('POST', '/items/internal', ItemsController, 'internal'),
  record('GET', '/strict', StrictController, 'get'),
  record('GET', '/tenant', TenantController, 'get'),
];

/** `fields` with some replaced, by name: what a trial over them should read. */
function over(fields: readonly ReportField[], tried: Record<string, [string, string]>) {
  return fields.map((field) =>
    field.name in tried
      ? { name: field.name, value: tried[field.name]![0], from: tried[field.name]![1] }
      : field,
  );
}

function on(policy: ReportPolicy | undefined) {
  if (policy?.cors !== 'on') throw new Error('expected CORS on');
  return policy;
}

/** The report of a registry made from `options`, as the module's setup makes it. */
async function reportOf(options: CorsModuleOptions): Promise<PolicyReport> {
  const registry = new CorsPolicyRegistry(options, QUIET);
  pathPoliciesOf(options.paths, registry);
  const moduleRef = await Test.createTestingModule({ imports: [GatewaysModule] }).compile();
  const gateways = findGateways(moduleRef.get(ModulesContainer));
  await moduleRef.close();
  return buildPolicyReport(RECORDS, registry, { paths: reportedPaths(options.paths), gateways });
}

describe("the report of policies' trials", () => {
  let report: PolicyReport;
  beforeAll(async () => {
    report = await reportOf(OPTIONS);
  });
  const route = (path: string) => on(report.routes.find((r) => r.path === path));

  it("shows the default policy's trial beside it", () => {
    expect(report.defaultTrial).toEqual(over(report.defaultPolicy, { origin: [APP, MODULE] }));
    expect(report.defaultPolicy[0]).toEqual({ name: 'origin', value: BOTH, from: MODULE });
  });

  it("shows an inherited trial over the route's own fields; trial: false as none", () => {
    const list = route('/items');
    expect(list.trial).toEqual(over(list.fields, { origin: [APP, MODULE] }));
    expect(route('/items/settled').trial).toBeNull();
  });

  it('shows a trial of its own as replacing the inherited one, not adding to it', () => {
    const update = route('/items/:id');
    expect(update.trial).toEqual(
      over(update.fields, { methods: ['GET', 'ItemsController.update'] }),
    );
    // The policy's origin, not the module trial's: a trial is one field, replaced as a whole.
    expect(update.trial![0]).toEqual({ name: 'origin', value: BOTH, from: MODULE });
  });

  it("shows a named policy's trial from where it was written", () => {
    const catalog = route('/items/catalog');
    expect(catalog.trial).toEqual(
      over(catalog.fields, { maxAge: ['600', 'CorsModule options policies.public'] }),
    );
  });

  it("shows a controller's trial over a handler's own field", () => {
    const strict = route('/strict');
    expect(strict.trial).toEqual(
      over(strict.fields, { origin: [`${APP}, ${EVIL}`, 'StrictController'] }),
    );
    expect(strict.trial![1]).toEqual({
      name: 'credentials',
      value: 'false',
      from: 'StrictController.get',
    });
  });

  it('shows no trial for CORS off, and null for a per-request policy', () => {
    expect(report.routes.find((r) => r.path === '/items/internal')).not.toHaveProperty('trial');
    expect(route('/tenant').trial).toBeNull();
  });

  it("shows each paths entry's trial, trial: false as none, per request as null", () => {
    const [docs, statics, tenant, internal] = report.paths.map((entry) => entry);
    expect(on(docs).trial).toEqual(over(on(docs).fields, { origin: [APP, 'paths["/docs"]'] }));
    expect(on(statics).trial).toBeNull();
    expect(on(tenant).trial).toBeNull();
    expect(internal).not.toHaveProperty('trial');
  });

  it("shows each gateway's trial: its own, the inherited one, and none", () => {
    const [chat, live, quiet] = report.gateways.map((gateway) => on(gateway));
    expect(chat!.trial).toEqual(
      over(chat!.fields, { origin: [APP, 'ChatGateway'], credentials: ['false', 'ChatGateway'] }),
    );
    expect(live!.trial).toEqual(over(live!.fields, { origin: [APP, MODULE] }));
    expect(quiet!.trial).toBeNull();
  });

  it('shows no trial where none is written or inherited, and none for a per-request default', async () => {
    const plain = await reportOf({
      origin: APP,
      policies: { public: { origin: '*' } },
      paths: { '/docs': { origin: PARTNER } },
    });
    expect(plain.defaultTrial).toBeNull();
    expect(on(plain.routes[0]).trial).toBeNull();
    expect(on(plain.routes[3]).trial).toBeNull();
    expect(on(plain.paths[0]).trial).toBeNull();
    expect(on(plain.gateways[1]).trial).toBeNull();
    // A route's own trial is shown whatever the module says.
    expect(on(plain.routes[2]).trial).toEqual(
      over(on(plain.routes[2]).fields, { methods: ['GET', 'ItemsController.update'] }),
    );
    const perRequest = await reportOf({
      defaultPolicy: perRequestPolicy(() => ({ origin: APP, trial: { origin: PARTNER } })),
      policies: { public: { origin: '*' } },
    });
    expect(perRequest.defaultTrial).toBeNull();
  });

  it("counts the registry's trial differences when no counts are handed", () => {
    expect(report.counts.trials).toEqual({ since: expect.any(String) as unknown, routes: [] });
  });

  describe('docs/policy-report.schema.json', () => {
    const validate = new Ajv({ allErrors: true }).compile(schema);
    const json = () => JSON.parse(JSON.stringify(report)) as Record<string, unknown>;

    it('describes the report with its trials', () => {
      expect(validate(json())).toBe(true);
      expect(validate.errors ?? []).toEqual([]);
    });

    it('refuses a policy on without its trial, one off with a trial, and a trial short of a field', () => {
      const list = on(report.routes[0]);
      const { trial: _trial, ...withoutTrial } = list;
      for (const routes of [
        [withoutTrial],
        [{ ...report.routes[4], trial: null }],
        [{ ...list, trial: list.trial!.slice(1) }],
        [{ ...list, trial: [...list.trial!].reverse() }],
      ])
        expect(validate({ ...json(), routes })).toBe(false);
      const { defaultTrial: _defaultTrial, ...withoutDefaultTrial } = json();
      expect(validate(withoutDefaultTrial)).toBe(false);
    });

    it('describes trial counts, and refuses an unknown difference', () => {
      const counted = {
        route: 'GET /items',
        total: 2,
        differences: { refuses: 1, 'drops-credentials': 1 },
        topOrigins: [
          { origin: PARTNER, difference: 'refuses', count: 1 },
          { origin: APP, difference: 'drops-credentials', count: 1 },
        ],
      };
      const withTrials = (routes: unknown[]) => ({
        ...json(),
        counts: { ...report.counts, trials: { since: report.counts.since, routes } },
      });
      expect(validate(withTrials([counted]))).toBe(true);
      expect(validate(withTrials([{ ...counted, differences: { blocks: 1 } }]))).toBe(false);
      expect(
        validate(
          withTrials([{ ...counted, topOrigins: [{ origin: APP, difference: 'x', count: 1 }] }]),
        ),
      ).toBe(false);
      const { trials: _trials, ...withoutTrials } = report.counts;
      expect(validate({ ...json(), counts: withoutTrials })).toBe(false);
    });
  });
});
