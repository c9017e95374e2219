'use strict';
// CommonJS app on Nest 12: `require` must resolve nestjs-cors to its CommonJS build.
require('reflect-metadata');
const common = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const nestjsCors = require('nestjs-cors');
const { APP, assert, buildAppModule, checkServesCors } = require('./cors-app.cjs');

async function main() {
  const entry = require.resolve('nestjs-cors');
  assert(/[\\/]dist[\\/]cjs[\\/]index\.js$/.test(entry), `nestjs-cors resolved to ${entry}`);
  const nestVersion = require('@nestjs/core/package.json').version;
  assert(nestVersion.startsWith('12.'), `@nestjs/core ${nestVersion}`);
  const { compilePolicy, decideActual } = nestjsCors;
  assert(
    decideActual(compilePolicy({ origin: APP }), APP).allowed === true,
    'the engine allows APP',
  );

  const app = await NestFactory.create(buildAppModule(common, nestjsCors), { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
    await checkServesCors(await app.getUrl());
  } finally {
    await app.close();
  }
  console.log(`ok: CommonJS, @nestjs/core ${nestVersion}, nestjs-cors from ${entry}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
