'use strict';
// The CommonJS apps' entry point: `require` must resolve nestjs-cors to its CommonJS build, and the
// app must run on the Nest major its package.json pins.
require('reflect-metadata');
const common = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const nestjsCors = require('nestjs-cors');
const engine = require('nestjs-cors/engine');
const testing = require('nestjs-cors/testing');
const {
  APP,
  assert,
  buildAppModule,
  checkServesCors,
  checkTestingHelpers,
} = require('./cors-app.cjs');

async function main() {
  const entry = require.resolve('nestjs-cors');
  assert(/[\\/]dist[\\/]cjs[\\/]index\.js$/.test(entry), `nestjs-cors resolved to ${entry}`);
  const testingEntry = require.resolve('nestjs-cors/testing');
  assert(
    /[\\/]dist[\\/]cjs[\\/]testing[\\/]index\.js$/.test(testingEntry),
    `nestjs-cors/testing resolved to ${testingEntry}`,
  );
  const nestVersion = require('@nestjs/core/package.json').version;
  const pinned = require('./package.json').dependencies['@nestjs/core'];
  assert(
    nestVersion.split('.')[0] === pinned.split('.')[0],
    `@nestjs/core ${nestVersion}, pinned ${pinned}`,
  );
  const engineEntry = require.resolve('nestjs-cors/engine');
  assert(
    /[\\/]dist[\\/]cjs[\\/]engine[\\/]public-api\.js$/.test(engineEntry),
    `nestjs-cors/engine resolved to ${engineEntry}`,
  );
  const { compilePolicy, decideActual } = engine;
  assert(
    decideActual(compilePolicy({ origin: APP }), APP).allowed === true,
    'the engine allows APP',
  );
  // The engine moved to its own entry: the root no longer exports it.
  assert(!('compilePolicy' in nestjsCors), 'nestjs-cors exports no engine function');
  assert(
    engine.CorsConfigurationError === nestjsCors.CorsConfigurationError,
    'one CorsConfigurationError for both entries',
  );

  const app = await NestFactory.create(buildAppModule(common, nestjsCors), { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
    await checkServesCors(await app.getUrl());
    await checkTestingHelpers(testing, await app.getUrl());
  } finally {
    await app.close();
  }
  console.log(`ok: CommonJS, @nestjs/core ${nestVersion}, nestjs-cors from ${entry}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
