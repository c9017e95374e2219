// ESM app on Nest 12: `import` must resolve nestjs-cors to its ES module build.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as common from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import * as nestjsCors from 'nestjs-cors';
import * as engine from 'nestjs-cors/engine';
import * as testing from 'nestjs-cors/testing';
import smoke from './cors-app.cjs';

const { APP, assert, buildAppModule, checkServesCors, checkTestingHelpers } = smoke;

const entry = fileURLToPath(import.meta.resolve('nestjs-cors'));
assert(/[\\/]dist[\\/]esm[\\/]index\.js$/.test(entry), `nestjs-cors resolved to ${entry}`);
const testingEntry = fileURLToPath(import.meta.resolve('nestjs-cors/testing'));
assert(
  /[\\/]dist[\\/]esm[\\/]testing[\\/]index\.js$/.test(testingEntry),
  `nestjs-cors/testing resolved to ${testingEntry}`,
);
const engineEntry = fileURLToPath(import.meta.resolve('nestjs-cors/engine'));
assert(
  /[\\/]dist[\\/]esm[\\/]engine[\\/]public-api\.js$/.test(engineEntry),
  `nestjs-cors/engine resolved to ${engineEntry}`,
);
const nestVersion = createRequire(import.meta.url)('@nestjs/core/package.json').version;
assert(nestVersion.startsWith('12.'), `@nestjs/core ${nestVersion}`);
const { compilePolicy, decideActual } = engine;
assert(decideActual(compilePolicy({ origin: APP }), APP).allowed === true, 'the engine allows APP');
// The engine moved to its own entry: the root no longer exports it.
assert(!('compilePolicy' in nestjsCors), 'nestjs-cors exports no engine function');
assert(
  engine.CorsConfigurationError === nestjsCors.CorsConfigurationError,
  'one CorsConfigurationError for both entries',
);

// The WebSocket adapters live in subpaths whose peers this app does not install: nestjs-cors loaded
// above without them, and each subpath, imported or required, says what to install.
const require = createRequire(import.meta.url);
for (const [subpath, peer] of [
  ['nestjs-cors/socket.io', '@nestjs/platform-socket.io'],
  ['nestjs-cors/ws', '@nestjs/platform-ws'],
]) {
  const wanted = `needs ${peer}: npm install ${peer} @nestjs/websockets`;
  const imported = await import(subpath).then(
    () => new Error('no error'),
    (error) => error,
  );
  assert(
    imported.message.includes(wanted),
    `import('${subpath}') failed with: ${imported.message}`,
  );
  let required = new Error('no error');
  try {
    require(subpath);
  } catch (error) {
    required = error;
  }
  assert(
    required.message.includes(wanted),
    `require('${subpath}') failed with: ${required.message}`,
  );
}

const app = await NestFactory.create(buildAppModule(common, nestjsCors), { logger: false });
try {
  await app.listen(0, '127.0.0.1');
  await checkServesCors(await app.getUrl());
  await checkTestingHelpers(testing, await app.getUrl());
} finally {
  await app.close();
}
console.log(`ok: ESM, @nestjs/core ${nestVersion}, nestjs-cors from ${entry}`);
