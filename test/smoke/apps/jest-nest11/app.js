'use strict';
// CommonJS Nest 11 app whose controller calls nestjs-cors; app.test.js boots it under Jest.
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { compilePolicy, decideActual } = require('nestjs-cors');

const ORIGIN = 'https://app.example.com';

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

module.exports = { AppModule, ORIGIN };
