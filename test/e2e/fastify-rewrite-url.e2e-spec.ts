import type { Http2ServerRequest } from 'node:http2';
import type { IncomingMessage } from 'node:http';
import { Controller, Get, Module, Param, Put } from '@nestjs/common';
import { Cors, CorsModule } from '../../lib';
import { ACAO, NOTHING_APPROVED, expectResponse, get, preflight, type Case } from './cases';
import { ADMIN, APP, PARTNER } from './fixtures/origins';
import { startApp, type TestApp } from './platforms';

@Controller('items')
class ItemsController {
  @Cors({ origin: ADMIN }) @Get('special') special() {
    return 'special';
  }

  @Cors({ origin: PARTNER }) @Get(':id') one(@Param('id') id: string) {
    return `item ${id}`;
  }

  @Cors({ origin: PARTNER, methods: ['PUT'] }) @Put(':id') update() {
    return 'updated';
  }
}

@Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [ItemsController] })
class RewriteAppModule {}

/** Fastify's `rewriteUrl` runs before its router: `/legacy/...` is served as `/items/...`. */
const rewriteUrl = (request: IncomingMessage | Http2ServerRequest) =>
  (request.url ?? '/').replace(/^\/legacy\//, '/items/');

/**
 * Fastify only (Express has no `rewriteUrl`): the policy follows the route of the rewritten URL,
 * for actual requests and for preflights alike, because both are routed by Fastify itself.
 */
const CASES: readonly Case[] = [
  {
    name: 'a rewritten URL runs the static route, with its policy',
    request: get('/legacy/special', ADMIN),
    expected: { status: 200, body: 'special', headers: { [ACAO]: ADMIN } },
  },
  {
    name: "a rewritten URL refuses the sibling route's origin",
    request: get('/legacy/special', PARTNER),
    expected: { status: 200, body: 'special', headers: NOTHING_APPROVED },
  },
  {
    name: 'a preflight to a rewritten URL follows the route it is rewritten to',
    request: preflight('/legacy/42', PARTNER, 'PUT'),
    expected: { status: 204, headers: { [ACAO]: PARTNER } },
  },
  {
    name: "a preflight to a rewritten static URL takes that route's policy, not the parameter's",
    request: preflight('/legacy/special', PARTNER, 'GET'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
];

describe('rewriteUrl on fastify', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp('fastify', RewriteAppModule, undefined, {}, { rewriteUrl });
  });
  afterAll(() => app.close());

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expectResponse(await app.send(c.request), c.expected);
  });
});
