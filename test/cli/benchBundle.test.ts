// `npm run bench` measures from a bundle of the command line in a folder of its own: its worker
// threads must start there, or a figure reported for two threads would be one thread's.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { benchBundleFolder, bundleCli } from '../../cli/commands/bench/all.ts';
import { FORECAST_NODE_OPTIONS } from '../../contracts/resources.ts';

const run = promisify(execFile);

describe("the benchmarks' bundle", () => {
  it('runs a Monte Carlo forecast on two threads', async () => {
    const dir = await benchBundleFolder();
    try {
      const bundle = await bundleCli(dir);
      const args = ['--orders', '1000', '--replications', '40', '--threads', '2', '--json'];
      const { stdout } = await run(process.execPath, [
        FORECAST_NODE_OPTIONS,
        bundle,
        'bench',
        'forecast',
        ...args,
      ]);
      expect(JSON.parse(stdout)).toMatchObject({ orders: 1000, replications: 40, threads: 2 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
