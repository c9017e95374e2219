'use strict';
// CommonJS app on Nest 11: `require` must resolve nestjs-cors to its CommonJS build, and CorsModule
// must answer a preflight with the policy of the route it is for.
require('reflect-metadata');
const { request } = require('node:http');
const { Controller, Get, Module, Put } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Cors, CorsModule, compilePolicy, decideActual } = require('nestjs-cors');

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const EXPECTED_NEST_MAJOR = 11;

class ItemsController {
  list() {
    return 'list';
  }
  update() {
    return 'updated';
  }
}
const method = (name) => Object.getOwnPropertyDescriptor(ItemsController.prototype, name);
Reflect.decorate([Get()], ItemsController.prototype, 'list', method('list'));
Reflect.decorate(
  [Cors({ origin: ADMIN, methods: ['PUT'] }), Put(':id')],
  ItemsController.prototype,
  'update',
  method('update'),
);
Reflect.decorate([Controller('items')], ItemsController);

class AppModule {}
Reflect.decorate(
  [Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [ItemsController] })],
  AppModule,
);

function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

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

const entry = require.resolve('nestjs-cors');
assert(/[\\/]dist[\\/]cjs[\\/]index\.js$/.test(entry), `nestjs-cors resolved to ${entry}`);
const nestVersion = require('@nestjs/core/package.json').version;
assert(Number(nestVersion.split('.')[0]) === EXPECTED_NEST_MAJOR, `@nestjs/core ${nestVersion}`);
assert(decideActual(compilePolicy({ origin: APP }), APP).allowed === true, 'the engine allows APP');

async function main() {
  const app = await NestFactory.create(AppModule, { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    const actual = await send(`${url}/items`, 'GET', { origin: APP });
    assert(actual.statusCode === 200, `GET /items answered ${actual.statusCode}`);
    assert(
      actual.headers['access-control-allow-origin'] === APP,
      `GET /items ACAO ${actual.headers['access-control-allow-origin']}`,
    );
    const preflight = await send(`${url}/items/1`, 'OPTIONS', {
      origin: ADMIN,
      'access-control-request-method': 'PUT',
    });
    assert(preflight.statusCode === 204, `preflight answered ${preflight.statusCode}`);
    assert(
      preflight.headers['access-control-allow-origin'] === ADMIN,
      `preflight ACAO ${preflight.headers['access-control-allow-origin']}`,
    );
  } finally {
    await app.close();
  }
  console.log(`ok: CommonJS, @nestjs/core ${nestVersion}, nestjs-cors from ${entry}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
