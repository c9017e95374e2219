// Vitest runs the specs that must pass under both test runners (the nestjs-cors/testing helpers are
// for users of either); Jest runs everything else. Globals on, so that one file serves both.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globals: true,
    environment: 'node',
    include: ['test/testing/expect-cors-any-server.spec.ts'],
  },
});
