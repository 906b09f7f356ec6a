// Test runner configuration: unit and property tests run in parallel, their temporary files in one
// folder of the run (test/support/globalSetup.ts); coverage is measured on sim-core.
import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The test files that bound a wall time near what it takes (a page drawn within 100 ms, a recovery
 * after an outage within seconds): they run one at a time after all the others, so that no other
 * file's processes share the cores with them. (A bound that only tells a hang, well above what the
 * command takes even beside other files, as the command line's refusals have, needs no place here.)
 */
const TIMED = [
  'test/faults/*.test.ts',
  'test/integration/dashboard-browser.test.ts',
  'test/integration/dashboard-whatif-browser.test.ts',
  'test/local/provision.test.ts',
  'test/local/shardPollerPacing.test.ts',
  'test/orderflow/shifts.test.ts',
];

/**
 * The other files run as many at once as Vitest runs by default (one per core but one), yet at
 * least two: most of the long ones wait on processes of their own (DynamoDB Local, kinesalite,
 * Chromium, the command line) rather than compute, so on two cores a second file uses the time the
 * first one waits.
 */
const parallel = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    globalSetup: ['test/support/globalSetup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...TIMED],
          maxWorkers: parallel,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'timed', include: TIMED, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['sim-core/**/*.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 95 },
    },
  },
});
