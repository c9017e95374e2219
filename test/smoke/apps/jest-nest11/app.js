'use strict';
// CommonJS Nest 11 app with per-route CORS; app.test.js boots it under plain Jest.
require('reflect-metadata');
const common = require('@nestjs/common');
const nestjsCors = require('nestjs-cors');
const { buildAppModule } = require('./cors-app.cjs');

module.exports = { AppModule: buildAppModule(common, nestjsCors) };
