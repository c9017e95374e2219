import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  ACAC,
  ACAH,
  ACAO,
  NOTHING_APPROVED,
  expectResponse,
  expectedOn,
  get,
  preflight,
  type Case,
} from './cases';
import { describeCasesOnEachPlatform } from './describe-cases';
import {
  addCatchAllRoutes,
  addCatchAllRoutesOn,
  addDocsRoute,
  addInternalRoute,
  catchAllPathsModule,
  docsBesideNestCatchAllModule,
  pathsAppModule,
  shadowingPathsModule,
} from './fixtures/paths-app';
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

/** The module default's answer to APP: credentials included. */
const DEFAULT_ANSWER = { [ACAO]: APP, [ACAC]: 'true' };

const CATCH_ALL_CASES: readonly Case[] = [
  {
    name: 'a catch-all route outside Nest serving /internal/x follows paths["/internal"]: false',
    request: get('/internal/x', APP),
    expected: { status: 200, body: 'catch-all', headers: NOTHING_APPROVED },
  },
  {
    name: 'its preflight approves nothing either',
    request: preflight('/internal/x', APP, 'GET', 'x-a'),
    expected: { headers: NOTHING_APPROVED },
  },
  {
    name: 'the catch-all keeps the module default where no entry names the URL',
    request: get('/elsewhere/x', APP),
    expected: { status: 200, body: 'catch-all', headers: DEFAULT_ANSWER },
  },
  {
    name: 'a wildcard route (POST /files/*) serving /files/private/x follows paths["/files/private"]: false',
    request: { method: 'POST', path: '/files/private/x', headers: { origin: APP } },
    expected: { status: 200, body: 'file', headers: NOTHING_APPROVED },
  },
  {
    name: 'its preflight approves nothing either',
    request: preflight('/files/private/x', APP, 'POST', 'x-a'),
    expected: { headers: NOTHING_APPROVED },
  },
  {
    name: 'the wildcard route keeps the module default beside the entry',
    request: { method: 'POST', path: '/files/public/x', headers: { origin: APP } },
    expected: { status: 200, body: 'file', headers: DEFAULT_ANSWER },
  },
  {
    name: 'a parametric route (PUT /users/:id) serving /users/admin follows that entry’s own policy',
    request: { method: 'PUT', path: '/users/admin', headers: { origin: PARTNER } },
    expected: { status: 200, body: 'user', headers: { [ACAO]: PARTNER, [ACAC]: 'true' } },
  },
  {
    name: 'the module default’s origin is not allowed there',
    request: { method: 'PUT', path: '/users/admin', headers: { origin: APP } },
    expected: { status: 200, body: 'user', headers: NOTHING_APPROVED },
  },
  {
    name: 'the preflight for PUT /users/admin follows the entry too',
    request: preflight('/users/admin', PARTNER, 'PUT', 'content-type'),
    expected: { status: 204, headers: { [ACAO]: PARTNER, [ACAC]: 'true' } },
  },
  {
    name: 'and approves nothing for the default’s origin',
    request: preflight('/users/admin', APP, 'PUT', 'content-type'),
    expected: { headers: NOTHING_APPROVED },
  },
  {
    name: 'the parametric route keeps the module default for another user',
    request: { method: 'PUT', path: '/users/bob', headers: { origin: APP } },
    expected: { status: 200, body: 'user', headers: DEFAULT_ANSWER },
  },
  {
    name: 'a route registered before init() under paths["/docs"]: false (Swagger UI) gets no CORS headers',
    request: get('/docs', APP),
    expected: { status: 200, body: 'docs', headers: NOTHING_APPROVED },
  },
  {
    name: 'nor does its preflight',
    request: preflight('/docs', APP, 'GET', 'x-a'),
    expected: { headers: NOTHING_APPROVED },
  },
];

// Both ways an application is made: under NestFactory.create() the module sees the adapter while
// it is instantiated; under the testing module only when createNestApplication() hands it over.
for (const viaNestFactory of [true, false]) {
  describeCasesOnEachPlatform(
    `paths that name URLs served by routes outside Nest (catch-all, wildcard, parametric), ${
      viaNestFactory ? 'NestFactory.create()' : 'Test.createTestingModule()'
    }`,
    { module: catchAllPathsModule(), setUp: addCatchAllRoutes, viaNestFactory },
    CATCH_ALL_CASES,
  );
}

describe.each(PLATFORMS)(
  'paths that name URLs served by routes added on the adapter before the application exists, on %s',
  (platform) => {
    let app: INestApplication;
    beforeAll(async () => {
      // Routes no hook of the module can see being added: they are found at their first request.
      const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
      addCatchAllRoutesOn(adapter);
      app = await NestFactory.create(catchAllPathsModule(), adapter, { logger: false });
      await app.init();
      if (platform === 'fastify') await (adapter as FastifyAdapter).getInstance().ready();
    });
    afterAll(() => app.close());

    it.each(CATCH_ALL_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      let pending = request(app.getHttpServer() as Server)[c.request.method.toLowerCase() as 'get'](
        c.request.path,
      );
      for (const [name, value] of Object.entries(c.request.headers ?? {}))
        pending = pending.set(name, value);
      const response = await pending;
      expectResponse(
        { status: response.status, headers: response.headers, body: response.text ?? '' },
        expectedOn(platform, c),
      );
    });
  },
);

const DOCS_BESIDE_NEST_CATCH_ALL_CASES: readonly Case[] = [
  {
    name: 'a route registered before init() under paths["/docs"]: false gets no CORS headers',
    request: get('/docs', APP),
    expected: { status: 200, body: 'docs', headers: NOTHING_APPROVED },
  },
  {
    name: "nor does its preflight, which the Nest catch-all's policy must not answer",
    request: preflight('/docs', APP, 'GET', 'x-a'),
    expected: { headers: NOTHING_APPROVED },
  },
  {
    name: 'the Nest catch-all keeps the module default',
    request: get('/page', APP),
    expected: { status: 200, body: 'spa', headers: DEFAULT_ANSWER },
  },
];

for (const viaNestFactory of [true, false]) {
  describeCasesOnEachPlatform(
    `paths beside a Nest catch-all, ${
      viaNestFactory ? 'NestFactory.create()' : 'Test.createTestingModule()'
    }`,
    { module: docsBesideNestCatchAllModule(), setUp: addDocsRoute, viaNestFactory },
    DOCS_BESIDE_NEST_CATCH_ALL_CASES,
  );
}

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
