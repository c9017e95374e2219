import { Controller, Get, Module } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { WebSocketGateway } from '@nestjs/websockets';
import Ajv from 'ajv';
import { Cors, perRequestPolicy, type CorsModuleOptions } from '../../lib';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import { buildPolicyReport, type ReportGateway } from '../../lib/report/policy-report';
import { renderReportPage } from '../../lib/report/report-page';
import { reportedPaths } from '../../lib/report/reported-paths';
import { findGateways } from '../../lib/routing/gateways';
import { pathPoliciesOf } from '../../lib/routing/path-policies';
import schema from '../../docs/policy-report.schema.json';
import { APP, PARTNER } from '../e2e/fixtures/origins';

const STUDIO = 'https://studio.example.com';

function byHost() {
  return { origin: APP };
}

const OPTIONS: CorsModuleOptions = {
  origin: APP,
  credentials: true,
  policies: { public: { origin: '*' } },
  paths: {
    '/graphql': { origin: STUDIO, maxAge: 600 },
    '/static': 'public',
    '/internal': false,
    '/tenant': perRequestPolicy(byHost),
  },
};

@Cors({ origin: PARTNER })
@WebSocketGateway({ namespace: 'chat' })
class ChatGateway {}

@WebSocketGateway({ path: '/live', namespace: /^\/room-\d+$/ })
class LiveGateway {}

@Cors(false)
@WebSocketGateway(8123)
class OffGateway {}

@Controller('x')
class XController {
  @Get() x() {
    return 'x';
  }
}

@Module({ controllers: [XController], providers: [ChatGateway, LiveGateway, OffGateway] })
class GatewaysModule {}

/**
 * The report's `paths` entries and gateways, built as the module's setup builds them: the registry
 * from the module options, the `paths` entries resolved first (as at startup), the gateways found
 * in Nest's modules.
 */
describe('the report of paths entries and gateways', () => {
  let report: ReturnType<typeof buildPolicyReport>;
  beforeAll(async () => {
    const registry = new CorsPolicyRegistry(OPTIONS, {
      error: () => undefined,
      warn: () => undefined,
      reportError: () => undefined,
    });
    pathPoliciesOf(OPTIONS.paths, registry);
    const moduleRef = await Test.createTestingModule({ imports: [GatewaysModule] }).compile();
    const gateways = findGateways(moduleRef.get(ModulesContainer));
    report = buildPolicyReport([], registry, { paths: reportedPaths(OPTIONS.paths), gateways });
    await moduleRef.close();
  });

  const fieldsOf = (entry: { cors: string; fields?: readonly { name: string }[] }) =>
    Object.fromEntries((entry.fields ?? []).map((field) => [field.name, field]));

  it('lists each paths entry in order, its fields over the default with their source', () => {
    expect(report.paths.map((entry) => [entry.path, entry.where, entry.cors])).toEqual([
      ['/graphql', 'paths["/graphql"]', 'on'],
      ['/static', 'paths["/static"]', 'on'],
      ['/internal', 'paths["/internal"]', 'off'],
      ['/tenant', 'paths["/tenant"]', 'on'],
    ]);
    const graphql = fieldsOf(report.paths[0]!);
    expect(graphql.origin).toEqual({ name: 'origin', value: STUDIO, from: 'paths["/graphql"]' });
    expect(graphql.maxAge).toEqual({ name: 'maxAge', value: '600', from: 'paths["/graphql"]' });
    expect(graphql.credentials).toEqual({
      name: 'credentials',
      value: 'true',
      from: 'CorsModule options',
    });
    expect(fieldsOf(report.paths[1]!).origin).toEqual({
      name: 'origin',
      value: '*',
      from: 'CorsModule options policies.public',
    });
    expect(report.paths[2]).not.toHaveProperty('fields');
    expect(fieldsOf(report.paths[3]!).origin).toEqual({
      name: 'origin',
      value: 'decided per request',
      from: 'paths["/tenant"]',
    });
  });

  it('lists each gateway with its server, path, namespace and policy', () => {
    const { gateways } = report;
    const withoutFields = ({ gateway, port, path, namespace, cors }: ReportGateway) => ({
      gateway,
      port,
      path,
      namespace,
      cors,
    });
    expect(gateways.map(withoutFields)).toEqual([
      { gateway: 'ChatGateway', port: 0, path: null, namespace: '/chat', cors: 'on' },
      { gateway: 'LiveGateway', port: 0, path: '/live', namespace: '/^\\/room-\\d+$/', cors: 'on' },
      { gateway: 'OffGateway', port: 8123, path: null, namespace: '/', cors: 'off' },
    ]);
    expect(fieldsOf(gateways[0]!).origin).toEqual({
      name: 'origin',
      value: PARTNER,
      from: 'ChatGateway',
    });
    expect(fieldsOf(gateways[1]!).origin).toEqual({
      name: 'origin',
      value: APP,
      from: 'CorsModule options',
    });
    expect(gateways[2]).not.toHaveProperty('fields');
  });

  it('shows them on the page, CORS off said as such', () => {
    const page = renderReportPage(report, '/_cors');
    for (const text of ['<code>/graphql</code>', 'paths[&#34;/internal&#34;]', 'LiveGateway'])
      expect(page).toContain(text);
    expect(page.match(/class="off">CORS off</g)).toHaveLength(2);
  });

  it('validates against docs/policy-report.schema.json, and the schema refuses a null fields', () => {
    const validate = new Ajv({ allErrors: true }).compile(schema);
    expect(validate(JSON.parse(JSON.stringify(report)))).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    const nullFields = {
      ...report,
      paths: [{ path: '/x', where: 'x', cors: 'off', fields: null }],
    };
    expect(validate(nullFields)).toBe(false);
    const offWithFields = { ...report, paths: [{ ...report.paths[0], cors: 'off' }] };
    expect(validate(offWithFields)).toBe(false);
    const onWithout = { ...report, gateways: [{ ...report.gateways[2], cors: 'on' }] };
    expect(validate(onWithout)).toBe(false);
  });
});
