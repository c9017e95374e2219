// The same e2e test under Jest, in native ESM mode (the project is "type": "module"): swc compiles
// the TypeScript with decorator metadata and keeps ES modules; Nest 12's ESM packages load as they
// are, with no transform.
export default {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        swcrc: false,
        module: { type: 'es6' },
        jsc: {
          target: 'es2022',
          keepClassNames: true,
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
      },
    ],
  },
  // nodenext imports name the compiled file (`./app.module.js`); Jest finds the source.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
