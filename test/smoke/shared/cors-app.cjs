'use strict';
// What every smoke app shares: an application with per-route CORS, built from the packages each
// app resolved itself (so that each app still proves its own module format and Nest version), and
// the HTTP checks each app makes against it. test/smoke/run.mjs copies this file into every app.
const { request } = require('node:http');

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';

/** A root module with a module default and one handler with its own policy. */
function buildAppModule({ Controller, Get, Module, Put }, { Cors, CorsModule }) {
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
  return AppModule;
}

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

/** An actual request gets the module default; a preflight gets its route's own policy. */
async function checkServesCors(url) {
  const actual = await send(`${url}/items`, 'GET', { origin: APP });
  assert(actual.statusCode === 200, `GET /items answered ${actual.statusCode}`);
  const allowed = actual.headers['access-control-allow-origin'];
  assert(allowed === APP, `GET /items Access-Control-Allow-Origin: ${allowed}`);
  const preflight = await send(`${url}/items/1`, 'OPTIONS', {
    origin: ADMIN,
    'access-control-request-method': 'PUT',
  });
  assert(preflight.statusCode === 204, `preflight answered ${preflight.statusCode}`);
  const approved = preflight.headers['access-control-allow-origin'];
  assert(approved === ADMIN, `preflight Access-Control-Allow-Origin: ${approved}`);
}

/** The testing helpers, from the package's `nestjs-cors/testing` entry, judge the same app. */
async function checkTestingHelpers(testing, url) {
  await testing.expectCors(url).request('GET', '/items').from(APP).toBeAllowed();
  await testing
    .expectCors(url)
    .preflight('PUT', '/items/1')
    .from('https://evil.example')
    .toBeDenied();
}

module.exports = { APP, assert, buildAppModule, checkServesCors, checkTestingHelpers };
