// ESM app on Nest 12: `import` must resolve nestjs-cors to its ES module build.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { compilePolicy, decideActual } from 'nestjs-cors';

const ORIGIN = 'https://app.example.com';
const EXPECTED_NEST_MAJOR = 12;

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

const entry = fileURLToPath(import.meta.resolve('nestjs-cors'));
assert(/[\\/]dist[\\/]esm[\\/]index\.js$/.test(entry), `nestjs-cors resolved to ${entry}`);
const nestVersion = createRequire(import.meta.url)('@nestjs/core/package.json').version;
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
console.log(`ok: ESM, @nestjs/core ${nestVersion}, nestjs-cors from ${entry}`);
