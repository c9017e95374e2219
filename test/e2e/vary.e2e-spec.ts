import { Controller, Get, Header, Module } from '@nestjs/common';
import { CorsModule } from '../../lib';
import { ACAO, expectResponse, get, type Case } from './cases';
import { APP } from './fixtures/origins';
import { PLATFORMS, startApp, type TestApp } from './platforms';

@Controller('pages')
class PagesController {
  @Get() @Header('Vary', 'Accept-Encoding') page() {
    return 'page';
  }
}

/**
 * Every route shares one policy, so the request hook answers requests without Origin without a
 * route lookup: the handler's @Header('Vary') must still end with Origin appended.
 */
@Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [PagesController] })
class UniformPolicyAppModule {}

const VARY_CASES: readonly Case[] = [
  {
    name: 'a request with Origin',
    request: get('/pages', APP),
    expected: { status: 200, headers: { [ACAO]: APP, vary: 'Accept-Encoding, Origin' } },
  },
  {
    name: 'a request without Origin',
    request: get('/pages'),
    expected: { status: 200, headers: { [ACAO]: null, vary: 'Accept-Encoding, Origin' } },
  },
];

describe.each(PLATFORMS)("a handler's own Vary on %s", (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(platform, UniformPolicyAppModule);
  });
  afterAll(() => app.close());

  it.each(VARY_CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, { request, expected }) => {
      expectResponse(await app.send(request), expected);
    },
  );
});
