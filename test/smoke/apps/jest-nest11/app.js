'use strict';
// CommonJS Nest 11 app with per-route CORS; app.test.js boots it under plain Jest.
require('reflect-metadata');
const { Controller, Get, Module, Put } = require('@nestjs/common');
const { Cors, CorsModule } = require('nestjs-cors');

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';

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

module.exports = { AppModule, APP, ADMIN };
