import type { Type } from '@nestjs/common';
import { PLATFORMS, startApp } from '../e2e/platforms';
import { readmeBlocks, writeBlock } from './readme-blocks';

/** The README's "Options from configuration" module, as written. */
function configAppModule(): Type {
  const block = readmeBlocks().find((b) => b.code.includes("getOrThrow<string>('CORS_ORIGINS')"));
  if (block === undefined) throw new Error('the README has no ConfigService example');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the file is written just now
  return (require(writeBlock(block)) as { AppModule: Type }).AppModule;
}

describe.each(PLATFORMS)("the README's ConfigService example on %s", (platform) => {
  const previous = process.env.CORS_ORIGINS;
  afterEach(() => {
    if (previous === undefined) delete process.env.CORS_ORIGINS;
    else process.env.CORS_ORIGINS = previous;
  });

  it.each([
    'https://a.example, https://b.example',
    'https://a.example,https://b.example,',
    ' https://a.example ,, https://b.example , ',
  ])('starts with CORS_ORIGINS=%j and allows both origins', async (value) => {
    process.env.CORS_ORIGINS = value;
    const app = await startApp(platform, configAppModule());
    try {
      for (const origin of ['https://a.example', 'https://b.example']) {
        const received = await app.send({
          method: 'OPTIONS',
          path: '/anything',
          headers: { origin, 'access-control-request-method': 'GET' },
        });
        expect(received.headers['access-control-allow-origin']).toBe(origin);
      }
    } finally {
      await app.close();
    }
  });
});
