// Test runner configuration: unit and property tests run in parallel, their temporary files in one
// folder of the run (test/support/globalSetup.ts); coverage is measured on sim-core.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files run at once: one per core but one, as Vitest does by default, yet at least two. Most of
 * the long files wait on processes of their own (DynamoDB Local, kinesalite, Chromium, the command
 * line) rather than compute, so on two cores a second file uses the time the first one waits.
 */
const maxWorkers = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    maxWorkers,
    globalSetup: ['test/support/globalSetup.ts'],
    coverage: {
      provider: 'v8',
      include: ['sim-core/**/*.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 95 },
    },
  },
});
