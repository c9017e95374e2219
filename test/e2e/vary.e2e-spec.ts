import { Controller, Get, Header, Module } from '@nestjs/common';
import { CorsModule } from '../../lib';
import { ACAO, get, type Case } from './cases';
import { APP } from './fixtures/origins';
import { describeCasesOnEachPlatform } from './describe-cases';

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

describeCasesOnEachPlatform("a handler's own Vary", { module: UniformPolicyAppModule }, VARY_CASES);
