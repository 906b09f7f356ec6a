// Test runner configuration: unit and property tests run in parallel, their temporary files in one
// folder of the run (test/support/globalSetup.ts); coverage is measured on sim-core.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    globalSetup: ['test/support/globalSetup.ts'],
    coverage: {
      provider: 'v8',
      include: ['sim-core/**/*.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 95 },
    },
  },
});
