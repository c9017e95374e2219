import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { CorsModule } from '../../lib';
import { PLATFORMS, startApp, type TestApp } from '../e2e/platforms';
import { readmeBlocks, writeBlock } from './readme-blocks';

const APP = 'https://app.example.com';

/** The README's Swagger entry, as written: its `corsWithSwagger` module. */
function readmeSwaggerCors(): DynamicModule {
  const block = readmeBlocks().find((b) => b.code.includes('export const corsWithSwagger'));
  if (block === undefined) throw new Error('the README has no corsWithSwagger block');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the file is written just now
  return (require(writeBlock(block)) as { corsWithSwagger: DynamicModule }).corsWithSwagger;
}

function appModule(cors: DynamicModule): Type {
  @Module({ imports: [cors] })
  class SwaggerAppModule {}
  return SwaggerAppModule;
}

/**
 * What `SwaggerModule.setup('docs', app, document)` registers on the platform before `init()`:
 * the UI, its assets below it, and the document beside it (`-json`, `-yaml`), plus the document at
 * `docs/json`, where `jsonDocumentUrl: 'docs/json'` puts it.
 */
function addSwaggerRoutes(app: INestApplication): void {
  const adapter = app.getHttpAdapter();
  for (const path of ['/docs', '/docs/ui.js', '/docs-json', '/docs-yaml', '/docs/json']) {
    adapter.get(path, (_request: unknown, response: unknown) => {
      adapter.reply(response, path, 200);
    });
  }
}

describe.each(PLATFORMS)("the README's paths entries for Swagger on %s", (platform) => {
  const allowOriginOf = async (app: TestApp, path: string) => {
    const received = await app.send({ method: 'GET', path, headers: { origin: APP } });
    expect(received.status).toBe(200);
    return received.headers['access-control-allow-origin'];
  };

  it("'/docs': false alone leaves /docs-json and /docs-yaml under the module default", async () => {
    const cors = CorsModule.forRoot({ origin: APP, paths: { '/docs': false } });
    const app = await startApp(platform, appModule(cors), addSwaggerRoutes);
    try {
      expect(await allowOriginOf(app, '/docs')).toBeUndefined();
      expect(await allowOriginOf(app, '/docs/ui.js')).toBeUndefined();
      expect(await allowOriginOf(app, '/docs/json')).toBeUndefined();
      expect(await allowOriginOf(app, '/docs-json')).toBe(APP);
      expect(await allowOriginOf(app, '/docs-yaml')).toBe(APP);
    } finally {
      await app.close();
    }
  });

  it('the entries the README writes cover the UI and both documents', async () => {
    const app = await startApp(platform, appModule(readmeSwaggerCors()), addSwaggerRoutes);
    try {
      for (const path of ['/docs', '/docs/ui.js', '/docs-json', '/docs-yaml'])
        expect(await allowOriginOf(app, path)).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
