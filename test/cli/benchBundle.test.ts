// `npm run bench` measures from a bundle of the command line in a folder of its own: its worker
// threads must start there, or a figure reported for two threads would be one thread's.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { benchBundleFolder, bundleCli } from '../../cli/commands/bench/all.ts';
import { withSourceUrl } from '../../cli/sourceUrl.ts';
import { FORECAST_NODE_OPTIONS } from '../../contracts/resources.ts';

const run = promisify(execFile);

describe('withSourceUrl', () => {
  it("gives a bundled source its own address, relative to the bundle's", () => {
    const source = 'const page = new URL("./page/", import.meta.url); const own = import.meta.url;';
    expect(withSourceUrl(source, '/p/dashboard/build.ts', '/p/dist/cli')).toBe(
      'const page = new URL("./page/", new URL("../../dashboard/build.ts", import.meta.url).href); ' +
        'const own = new URL("../../dashboard/build.ts", import.meta.url).href;',
    );
    expect(withSourceUrl('f(import.meta.url)', '/p/a.ts', '/p/out', 'base')).toBe(
      'f(new URL("../a.ts", base).href)',
    );
  });
});

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
