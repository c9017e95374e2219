'use strict';
// Plain Jest (no config): node_modules, nestjs-cors included, is loaded without any transform.
const { request } = require('node:http');
const { NestFactory } = require('@nestjs/core');
const { AppModule, APP, ADMIN } = require('./app');

function send(url, method, headers) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end();
  });
}

test('nestjs-cors resolves to its CommonJS build', () => {
  expect(require.resolve('nestjs-cors')).toMatch(/[\\/]dist[\\/]cjs[\\/]index\.js$/);
  expect(require('@nestjs/core/package.json').version).toMatch(/^11\./);
});

test('a Nest 11 app answers actual requests and preflights with each route policy', async () => {
  const app = await NestFactory.create(AppModule, { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    const actual = await send(`${url}/items`, 'GET', { origin: APP });
    expect(actual.statusCode).toBe(200);
    expect(actual.headers['access-control-allow-origin']).toBe(APP);
    const preflight = await send(`${url}/items/1`, 'OPTIONS', {
      origin: ADMIN,
      'access-control-request-method': 'PUT',
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ADMIN);
  } finally {
    await app.close();
  }
});
