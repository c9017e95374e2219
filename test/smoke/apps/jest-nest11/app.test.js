'use strict';
// Plain Jest (no config): node_modules, nestjs-cors included, is loaded without any transform.
const { NestFactory } = require('@nestjs/core');
const { checkServesCors } = require('./cors-app.cjs');
const { AppModule } = require('./app');

test('nestjs-cors resolves to its CommonJS build', () => {
  expect(require.resolve('nestjs-cors')).toMatch(/[\\/]dist[\\/]cjs[\\/]index\.js$/);
  expect(require('@nestjs/core/package.json').version).toMatch(/^11\./);
});

test('a Nest 11 app answers actual requests and preflights with each route policy', async () => {
  const app = await NestFactory.create(AppModule, { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
    await checkServesCors(await app.getUrl());
  } finally {
    await app.close();
  }
});
