'use strict';
// Plain Jest (no config): node_modules, nestjs-cors included, is loaded without any transform.
const { NestFactory } = require('@nestjs/core');
const { AppModule, ORIGIN } = require('./app');

test('nestjs-cors resolves to its CommonJS build', () => {
  expect(require.resolve('nestjs-cors')).toMatch(/[\\/]dist[\\/]cjs[\\/]index\.js$/);
  expect(require('@nestjs/core/package.json').version).toMatch(/^11\./);
});

test('a Nest 11 app answers with the decision of nestjs-cors', async () => {
  const app = await NestFactory.create(AppModule, { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
    const response = await fetch(`${await app.getUrl()}/check`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.allowed).toBe(true);
    expect(body.headers).toContainEqual(['Access-Control-Allow-Origin', ORIGIN]);
  } finally {
    await app.close();
  }
});
