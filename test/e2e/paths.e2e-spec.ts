import {
  ACAC,
  ACAH,
  ACAO,
  NOTHING_APPROVED,
  expectResponse,
  get,
  preflight,
  type Case,
} from './cases';
import { describeCasesOnEachPlatform } from './describe-cases';
import { addInternalRoute, pathsAppModule, shadowingPathsModule } from './fixtures/paths-app';
import { LogRecorder } from './fixtures/debug-app';
import { APP, EVIL, PARTNER } from './fixtures/origins';
import { PLATFORMS, startApp } from './platforms';

const QUERY = JSON.stringify({ query: '{ hello }' });

/** A GraphQL query as a page sends it with `fetch(url, { method: 'POST', credentials: 'include' })`. */
function graphqlPost(origin: string, path = '/graphql') {
  return {
    method: 'POST',
    path,
    headers: { origin, 'content-type': 'application/json' },
    body: QUERY,
  };
}

const PATHS_CASES: readonly Case[] = [
  {
    name: "a GraphQL query from the origin of /graphql's own policy is answered and readable, with credentials",
    request: graphqlPost(PARTNER),
    expected: {
      status: 200,
      body: '{"data":{"hello":"world"}}\n',
      headers: { [ACAO]: PARTNER, [ACAC]: 'true' },
      varyIncludes: ['Origin'],
    },
  },
  {
    name: "the module default's origin is not allowed on /graphql, which has a policy of its own",
    request: graphqlPost(APP),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: "a preflight for the GraphQL POST follows /graphql's policy",
    request: preflight('/graphql', PARTNER, 'POST', 'content-type'),
    expected: {
      status: 204,
      headers: { [ACAO]: PARTNER, [ACAC]: 'true', [ACAH]: 'content-type' },
    },
  },
  {
    name: 'a preflight for /graphql from another origin approves nothing',
    request: preflight('/graphql', EVIL, 'POST', 'content-type'),
    expected: { headers: NOTHING_APPROVED },
  },
  {
    name: 'a preflight for /graphql from the default origin approves nothing either',
    request: preflight('/graphql', APP, 'POST', 'content-type'),
    expected: { headers: NOTHING_APPROVED },
  },
  {
    name: 'a static file under /static gets the named policy "public": any origin',
    request: get('/static/hello.txt', EVIL),
    expected: { status: 200, body: 'hello from a static file\n', headers: { [ACAO]: '*' } },
  },
  {
    name: 'a preflight for a static file follows "public" too',
    request: preflight('/static/hello.txt', EVIL, 'GET', 'x-requested-with'),
    expected: { status: 204, headers: { [ACAO]: '*', [ACAH]: 'x-requested-with' } },
  },
  {
    name: 'a route added on the adapter under a paths entry set to false gets no CORS headers',
    request: get('/internal/ping', APP),
    expected: { status: 200, body: 'pong', headers: NOTHING_APPROVED, varyExcludes: ['Origin'] },
  },
  {
    name: 'the controller route next to them keeps the module default',
    request: get('/items', APP),
    expected: { status: 200, body: 'items', headers: { [ACAO]: APP } },
  },
  {
    name: "the controller route does not take /graphql's origin",
    request: get('/items', PARTNER),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
  {
    name: 'a path beside /graphql (not under it) keeps the module default',
    request: get('/graphqlx', APP),
    expected: { status: 404, headers: { [ACAO]: APP } },
  },
];

describeCasesOnEachPlatform(
  'paths: GraphQL and static files with policies of their own',
  {
    module: { express: pathsAppModule(), fastify: pathsAppModule() },
    setUp: addInternalRoute,
    viaNestFactory: true,
  },
  PATHS_CASES,
);

describe.each(PLATFORMS)('paths that shadow controller routes on %s', (platform) => {
  it('are a startup warning naming the entry and the routes, and the routes keep their policy', async () => {
    const logs = new LogRecorder();
    const app = await startApp(platform, shadowingPathsModule(), () => undefined, {
      logger: logs,
    });
    try {
      expectResponse(await app.send(get('/items', APP)), { status: 200, headers: { [ACAO]: APP } });
    } finally {
      await app.close();
    }
    expect(logs.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
      expect.stringMatching(/^paths\["\/items"\] also covers controller routes \(GET \/items\)/),
    ]);
  });
});

describe('paths on Fastify: a plugin that registers one path for two hosts', () => {
  it('starts, and both routes take the entry that covers them, preflights included', async () => {
    type Instance = {
      route(options: object): unknown;
      register(plugin: (instance: Instance) => Promise<void>): unknown;
    };
    const app = await startApp(
      'fastify',
      shadowingPathsModule(),
      (nest) => {
        const fastify = nest.getHttpAdapter().getInstance() as Instance;
        fastify.register(async (instance) => {
          for (const host of ['a.test', 'b.test'])
            instance.route({
              method: 'GET',
              url: '/items-two-hosts/x',
              constraints: { host },
              handler: () => host,
            });
        });
      },
      {},
      undefined,
      true,
    );
    try {
      for (const host of ['a.test', 'b.test']) {
        expectResponse(await app.send(get('/items-two-hosts/x', PARTNER, { host })), {
          status: 200,
          body: host,
          headers: { [ACAO]: PARTNER },
        });
      }
      expectResponse(await app.send(preflight('/items-two-hosts/x', PARTNER, 'GET', 'x-a')), {
        status: 204,
        headers: { [ACAO]: PARTNER },
      });
    } finally {
      await app.close();
    }
  });
});
