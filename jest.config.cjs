// Jest 30 configuration.
//
// Node 20 cannot run Nest 12's ESM-only packages inside Jest's CommonJS runtime, so @swc/jest
// down-levels both the TypeScript sources and the ESM packages in node_modules to CommonJS.
//
// NEST_VERSION_DIR (set by scripts/test-nest11.mjs) names a folder with its own install of
// another Nest major (test/nest11/latest, test/nest11/lowest). When it is set, every import of
// @nestjs/*, rxjs, reflect-metadata, express and fastify is redirected to that folder's
// node_modules, so the same suite runs against Nest 11.
const fs = require('node:fs');
const path = require('node:path');

/** Packages shipped as ESM only (Nest 12 and its dependencies) that Jest must transform. */
const esmPackages = [
  '@nestjs',
  'cookie',
  'file-type',
  'strtok3',
  'token-types',
  'uint8array-extras',
  '@tokenizer',
  '@borewit',
  'content-disposition',
];

const swcTypeScript = {
  swcrc: false,
  sourceMaps: 'inline',
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2022',
    keepClassNames: true,
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
  },
};

const swcJavaScript = {
  swcrc: false,
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2022',
    keepClassNames: true,
    parser: { syntax: 'ecmascript' },
  },
};

/** Redirects for a second Nest install, or nothing when NEST_VERSION_DIR is unset. */
function nestVersionMapper() {
  const dir = process.env.NEST_VERSION_DIR;
  if (!dir) return {};
  const nodeModules = path.resolve(__dirname, dir, 'node_modules');
  if (!fs.existsSync(path.join(nodeModules, '@nestjs', 'core', 'package.json'))) {
    throw new Error(
      `NEST_VERSION_DIR=${dir}: ${nodeModules} has no @nestjs/core; run "npm ci" in ${dir} first ` +
        '(scripts/test-nest11.mjs does this)',
    );
  }
  const mapper = {};
  const redirect = (name) => {
    const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    mapper[`^${escaped}(/.*)?$`] = `${path.join(nodeModules, name)}$1`;
  };
  for (const name of fs.readdirSync(path.join(nodeModules, '@nestjs'))) {
    redirect(`@nestjs/${name}`);
  }
  for (const name of ['rxjs', 'reflect-metadata', 'express', 'fastify']) {
    if (fs.existsSync(path.join(nodeModules, name, 'package.json'))) redirect(name);
  }
  return mapper;
}

const roots = ['lib', 'test']
  .map((dir) => path.join(__dirname, dir))
  .filter((dir) => fs.existsSync(dir));

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  roots: roots.length > 0 ? roots : [__dirname],
  testEnvironment: 'node',
  testMatch: [
    '<rootDir>/lib/**/*.spec.ts',
    '<rootDir>/test/**/*.spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
  ],
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/smoke/',
    '<rootDir>/test/nest11/',
    '/test/browser/',
    '<rootDir>/dist/',
    '<rootDir>/.smoke/',
  ],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.smoke/'],
  moduleFileExtensions: ['ts', 'cts', 'js', 'mjs', 'cjs', 'json', 'node'],
  transform: {
    // .cts: CommonJS TypeScript (lib/peers/load-peer.cts), compiled like the rest.
    '^.+\\.c?ts$': ['@swc/jest', swcTypeScript],
    'node_modules/.+\\.m?js$': ['@swc/jest', swcJavaScript],
  },
  // Leave node_modules untransformed, except for the ESM-only packages listed above. Only the
  // innermost node_modules segment of a path counts, so nested copies (for instance
  // light-my-request/node_modules/cookie, used by Fastify's inject()) are transformed too.
  transformIgnorePatterns: [`/node_modules/(?!(?:${esmPackages.join('|')})/)(?!.*/node_modules/)`],
  moduleNameMapper: {
    ...nestVersionMapper(),
    // NodeNext-style relative imports: './engine/compile-policy.js' -> './engine/compile-policy'
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // ... and the CommonJS peer loader: './load-peer.cjs' -> './load-peer' (the .cts source). Only
    // that name: packages such as graphql-ws require their own './client.cjs' next to an ESM
    // './client.js', which a general rule would pick instead.
    '^(\\.{1,2}/(?:.*/)?load-peer)\\.cjs$': '$1',
  },
  collectCoverageFrom: [
    'lib/**/*.{ts,cts}',
    '!lib/**/*.spec.ts',
    '!lib/**/*.e2e-spec.ts',
    '!lib/**/*.d.ts',
  ],
  coverageDirectory: 'coverage',
};
