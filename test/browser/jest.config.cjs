// Jest configuration of the browser suite (`npm run test:browser`, through test/browser/run.mjs).
// The root configuration ignores test/browser/; this one reuses its transforms (swc for TypeScript
// and for Nest 12's ESM-only packages) and runs only the browser specs, one file at a time (each
// starts a Chromium of its own).
const path = require('node:path');
const base = require('../../jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: [__dirname],
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  moduleNameMapper: {
    // The sample imports the package by name; the tests run it against lib/, like the e2e suite.
    '^nestjs-cors$': path.join(base.rootDir, 'lib', 'index.ts'),
    '^nestjs-cors/socket\\.io$': path.join(
      base.rootDir,
      'lib',
      'websockets',
      'socket.io',
      'index.ts',
    ),
    '^nestjs-cors/ws$': path.join(base.rootDir, 'lib', 'websockets', 'ws', 'index.ts'),
    ...base.moduleNameMapper,
  },
  testTimeout: 60_000,
  maxWorkers: 1,
};
