'use strict';
// CommonJS app on Nest 11: `require` must resolve nestjs-cors to its CommonJS build.
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { compilePolicy, decideActual } = require('nestjs-cors');

const ORIGIN = 'https://app.example.com';
const EXPECTED_NEST_MAJOR = 11;

class CorsController {
  check() {
    const policy = compilePolicy({ origin: ORIGIN });
    const decision = decideActual(policy, ORIGIN);
    return { allowed: decision.allowed, headers: decision.headers };
  }
}
Reflect.decorate(
  [Get('check')],
  CorsController.prototype,
  'check',
  Object.getOwnPropertyDescriptor(CorsController.prototype, 'check'),
);
Reflect.decorate([Controller()], CorsController);

class AppModule {}
Reflect.decorate([Module({ controllers: [CorsController] })], AppModule);

function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

async function main() {
  const entry = require.resolve('nestjs-cors');
  assert(/[\\/]dist[\\/]cjs[\\/]index\.js$/.test(entry), `nestjs-cors resolved to ${entry}`);
  const nestVersion = require('@nestjs/core/package.json').version;
  assert(Number(nestVersion.split('.')[0]) === EXPECTED_NEST_MAJOR, `@nestjs/core ${nestVersion}`);

  const app = await NestFactory.create(AppModule, { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
    const response = await fetch(`${await app.getUrl()}/check`);
    assert(response.status === 200, `GET /check answered ${response.status}`);
    const body = await response.json();
    assert(body.allowed === true, `decision.allowed is ${body.allowed}`);
    assert(
      body.headers.some(
        ([name, value]) => name === 'Access-Control-Allow-Origin' && value === ORIGIN,
      ),
      `decision.headers is ${JSON.stringify(body.headers)}`,
    );
  } finally {
    await app.close();
  }
  console.log(`ok: CommonJS, @nestjs/core ${nestVersion}, nestjs-cors from ${entry}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
