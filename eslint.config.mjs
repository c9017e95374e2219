// ESLint 10 flat config: type-aware typescript-eslint rules for the TypeScript sources (types come
// from tsconfig.json through the project service), plain recommended rules for the JavaScript
// tooling files (configs, scripts, smoke-test apps).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    'dist/',
    'node_modules/',
    'coverage/',
    '.smoke/',
    'test/nest11/*/node_modules/',
    'sample/node_modules/',
    'sample/dist/',
    'test/readme/.generated/',
    // A user's project, as `nest new` makes it: it brings its own tooling.
    'test/smoke/apps/nest-new-12/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
    },
  },
  {
    // Tests: Jest globals; unsafe-any rules are noisy with supertest bodies and expect helpers, and
    // async stubs without `await` are common on purpose.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    languageOptions: {
      globals: { ...globals.jest },
    },
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // JavaScript tooling is not part of any tsconfig project: no type-aware rules there.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    files: ['**/*.cjs', 'test/smoke/apps/{cjs,jest}-*/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // The sample's page: plain browser scripts, no modules, no build step.
    files: ['sample/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    files: ['test/smoke/apps/**/*.test.js'],
    languageOptions: { globals: { ...globals.jest } },
  },
);
