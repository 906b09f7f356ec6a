// `twin bench all` (`npm run bench`): every benchmark but accuracy and faults, each measurement in a
// fresh process of an esbuild bundle of the command line (Lambda runs a bundle too), with the
// Node.js options of the forecast Lambda; prints one table per benchmark and writes
// docs/benchmark-results.md.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FORECAST_NODE_OPTIONS } from '../../../contracts/resources.ts';
import { withSourceUrl } from '../../sourceUrl.ts';
import { defineBenchmark, progressTo, type Suite, type SuiteContext } from './benchmark.ts';
import { casymdaSuite, findSimpy } from './casymda.ts';
import { forecastSuite } from './forecast.ts';
import { forecastHandlerSuite } from './forecastHandler.ts';
import { forecastProcessSuite } from './forecastProcess.ts';
import { ingestSuite } from './ingest.ts';
import { lambdaColdSuite } from './lambdaCold.ts';
import { latencySuite } from './latency.ts';
import { mm1Suite } from './mm1.ts';
import { plantsSuite } from './plants.ts';
import { type AllResults, notMeasured, resultsMarkdown, resultsText, thisMachine } from './results.ts';
import { startupSuite } from './startup.ts';
import { whatIfSuite } from './whatif.ts';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The benchmarks of `twin bench all`, in the order they run and are reported. */
export const SUITES: readonly Suite<unknown>[] = [
  startupSuite,
  casymdaSuite,
  mm1Suite,
  forecastSuite,
  forecastProcessSuite,
  whatIfSuite,
  ingestSuite,
  forecastHandlerSuite,
  lambdaColdSuite,
  latencySuite,
  plantsSuite,
];

/** Runs every suite; one that fails (no Java, say) is reported as not measured, and the rest go on. */
export async function measureAll(
  context: SuiteContext,
  suites: readonly Suite<unknown>[] = SUITES,
): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const suite of suites) {
    try {
      results[suite.key] = await suite.measure(context);
    } catch (error) {
      results[suite.key] = notMeasured(error);
    }
  }
  return results;
}

/**
 * A new folder for the benchmarks' bundle, inside the project, so that the bundle resolves its
 * (external) packages from node_modules. Removed by the caller.
 */
export async function benchBundleFolder(): Promise<string> {
  await mkdir(join(root, 'node_modules/.cache'), { recursive: true });
  return mkdtemp(join(root, 'node_modules/.cache/twin-bench-'));
}

/** Bundles the command line as Lambda's bundling does (esbuild, packages external); returns the bundle's path. */
export async function bundleCli(dir: string): Promise<string> {
  const outfile = join(dir, 'twin.mjs');
  const { build } = await import('esbuild');
  await build({
    stdin: {
      contents: "import { main } from './cli/main.ts'; process.exitCode = await main(process.argv.slice(2));",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    packages: 'external',
    logLevel: 'error',
    // The sources keep their own address (cli/sourceUrl.ts): files beside them are found wherever
    // the bundle is, the worker threads' entry too.
    plugins: [
      {
        name: 'source-url',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
            contents: withSourceUrl(await readFile(path, 'utf8'), path, dir),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  return outfile;
}

export const allBenchmark = defineBenchmark({
  name: 'all',
  usage: [
    'twin bench all                                              every benchmark above but accuracy and faults,',
    '                                                            each run in a fresh process of an esbuild bundle',
    '                                                            (as Lambda runs it); SimPy beside when python3',
    '                                                            can import simpy; writes docs/benchmark-results.md',
    '                                                            (npm run bench)',
  ],
  options: {
    quick: { type: 'boolean', description: 'skip the 1,000,000-entity runs' },
    out: {
      type: 'string',
      value: 'FILE',
      description: "where to write the results (default: the project's docs/benchmark-results.md)",
    },
  },
  async run(values, io) {
    const out = values.out === undefined ? join(root, 'docs/benchmark-results.md') : resolve(values.out);
    const dir = await benchBundleFolder();
    try {
      const bundle = await bundleCli(dir);
      const json = async (script: string, args: string[]) =>
        JSON.parse(
          (await run(process.execPath, [FORECAST_NODE_OPTIONS, script, ...args], { maxBuffer: 1 << 26 }))
            .stdout,
        );
      const context: SuiteContext = {
        bundle: (args) => json(bundle, args),
        sources: (args) => json(join(root, 'bin/twin.cjs'), args),
        wallMs: async (args) => {
          const started = performance.now();
          await run(process.execPath, args);
          return performance.now() - started;
        },
        python: await findSimpy(),
        quick: values.quick,
        progress: progressTo(io),
      };
      const results = await measureAll(context);
      io.err(io.interactive ? '\r\x1b[K' : '');
      const all: AllResults = {
        machine: thisMachine(),
        command: values.quick ? 'twin bench all --quick' : 'npm run bench',
        results,
      };
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, resultsMarkdown(all, SUITES));
      io.out(values.json ? JSON.stringify(all, null, 2) : resultsText(all, SUITES));
      return 0;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
});
