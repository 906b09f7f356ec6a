// The forecast Lambda's cold start, from its bundle as Lambda runs it: lambdas/forecast.ts bundled
// with the esbuild options the CDK stack gives it (lib/TwinFunction.ts), loaded in a fresh process
// that the template's NODE_OPTIONS configure (module load), then invoked on DynamoDB Local tables
// holding N active orders (the first invocation), then again (warm), each process a cold start
// (bench/lambdaColdRunner.mjs). Its plant model is the stack's default, the demo plant's model file
// in the bundle, which the function reads and checks at its start (MODEL_FILE).
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FORECAST_NODE_OPTIONS, ModelFile, resourceNames } from '../contracts/resources.ts';
import { DEFAULT_FORECAST_MEMORY_MB, MAX_FUNCTION_MEMORY_MB, MB_PER_VCPU } from '../lib/functionSizes.ts';
import { createClients, destroyClients, LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/clients.ts';
import { startEmulators } from '../local/emulators/index.ts';
import { provision } from '../local/provision.ts';
import { quantileOf } from '../sim-core/quantile.ts';
import { putItems, syntheticStateItems } from './stateItems.ts';
import { syntheticSnapshot } from './workloads.ts';

/**
 * lib/TwinFunction.ts's banner: the bundle is ESM, and bundled CommonJS still calls require(). (Its
 * `import.meta.url` in two pieces: the command line's build rewrites that expression in its sources.)
 */
export const ESM_REQUIRE_SHIM = `import { createRequire } from 'node:module'; const require = createRequire(${'import.meta'}.url);`;

/** The forecast function's NODE_OPTIONS, as the template sets them (lib/TwinFunction.ts, lib/ForecastPipeline.ts). */
export const FORECAST_LAMBDA_NODE_OPTIONS = ['--enable-source-maps', FORECAST_NODE_OPTIONS].join(' ');

/**
 * A Monte Carlo forecast function: FORECAST_REPLICATIONS draws on FORECAST_THREADS threads, with the
 * memory that buys the stack's function that many vCPUs (lib/functionSizes.ts).
 */
export interface MonteCarloFunction {
  replications: number;
  threads: number;
}

/**
 * The memory (MB) of a forecast function with `threads` threads (1 to 6), as the stack would size
 * it: its default for one, else a vCPU's worth per thread, Lambda's most for six.
 */
export const memoryForThreads = (threads: number): number =>
  threads <= 1 ? DEFAULT_FORECAST_MEMORY_MB : Math.min(MAX_FUNCTION_MEMORY_MB, threads * MB_PER_VCPU);

/** What a row's function forecasts: "deterministic", or "100 draws, 2 threads". */
export const functionLabel = (fn: MonteCarloFunction | undefined): string =>
  fn === undefined
    ? 'deterministic'
    : `${fn.replications} draws, ${fn.threads} thread${fn.threads === 1 ? '' : 's'}`;

export interface LambdaColdRow {
  orders: number;
  /** The function's Monte Carlo draws and threads; none: deterministic, one thread. */
  monteCarlo?: MonteCarloFunction;
  /** Medians over the fresh processes (ms): Node.js's own start, the module's load, the first invocation. */
  startMs: number;
  loadMs: number;
  firstMs: number;
  /** Median of every warm invocation of every process. */
  warmMs: number;
  processes: number;
  warmRuns: number;
}

/**
 * Bundles lambdas/forecast.ts into `outDir`/index.mjs as NodejsFunction does for the stack
 * (esbuild: ESM for the Node.js 24 runtime, minified, source maps without sources, the require
 * shim, module fields first, every package bundled), with the demo plant's model file beside it as
 * the stack bundles it (lib/ForecastPipeline.ts); returns the bundle's path.
 */
export async function bundleForecastLambda(root: string, outDir: string): Promise<string> {
  const outfile = join(outDir, 'index.mjs');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'lambdas/forecast.ts')],
    bundle: true,
    target: 'node24',
    platform: 'node',
    format: 'esm',
    outfile,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    banner: { js: ESM_REQUIRE_SHIM },
    mainFields: ['module', 'main'],
    logLevel: 'error',
  });
  await copyFile(join(root, ModelFile.demoPath), join(outDir, ModelFile.bundledName));
  return outfile;
}

/** Runs one cold start of `bundle` against `endpoint`'s tables `names`; its timings. */
export function coldStart(
  root: string,
  bundle: string,
  endpoint: string,
  names: ReturnType<typeof resourceNames>,
  asOf: number,
  warm: number,
  resultFile: string,
  monteCarlo?: MonteCarloFunction,
): Promise<{ startMs: number; loadMs: number; firstMs: number; warmMs: number[] }> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    NODE_OPTIONS: FORECAST_LAMBDA_NODE_OPTIONS,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: 'twin-forecast-bench',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryForThreads(monteCarlo?.threads ?? 1)),
    // As Lambda starts a function on demand: Powertools' logs then mark the first invocation as cold.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_CONFIG_FILE: join(tmpdir(), 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'no-aws-credentials'),
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    ORDER_STATE_TABLE: names.orderStateTable,
    FORECASTS_TABLE: names.forecastsTable,
    MODEL_FILE: join(dirname(bundle), ModelFile.bundledName),
    // The synthetic plant's clock: its orders' latest event (the wall clock is months after it).
    FORECAST_CLOCK: 'latest-event',
    ...(monteCarlo && {
      FORECAST_REPLICATIONS: String(monteCarlo.replications),
      FORECAST_THREADS: String(monteCarlo.threads),
    }),
  };
  const runner = join(root, 'bench/lambdaColdRunner.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runner, bundle, String(asOf), String(warm), resultFile], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', async (code) => {
      if (code !== 0)
        return reject(new Error(`the forecast bundle's cold start failed (${code}): ${err.trim()}`));
      resolve(JSON.parse(await readFile(resultFile, 'utf8')));
    });
  });
}

const median = (xs: number[]) => Math.round(quantileOf(xs, 0.5) * 10) / 10;

/** Times cold starts of the forecast Lambda's bundle for each plant size; see the file comment. */
export async function lambdaColdBench(options: {
  root: string;
  sizes: readonly number[];
  /** Also each size again as a Monte Carlo forecast function. */
  monteCarlo?: MonteCarloFunction;
  processes?: number;
  warm?: number;
  progress?: (text: string) => void;
}): Promise<LambdaColdRow[]> {
  const { root, sizes, monteCarlo, processes = 3, warm = 5, progress = () => {} } = options;
  const functions: (MonteCarloFunction | undefined)[] = monteCarlo ? [undefined, monteCarlo] : [undefined];
  const dir = await mkdtemp(join(tmpdir(), 'twin-bench-lambda-'));
  try {
    progress('forecast Lambda: bundling lambdas/forecast.ts as the stack does ...');
    const bundle = await bundleForecastLambda(root, join(dir, 'asset'));
    const asOf = syntheticSnapshot(0).asOf;
    const emulators = await startEmulators({ kinesis: 'kinesalite' });
    const clients = createClients(emulators.endpoints);
    try {
      const rows: LambdaColdRow[] = [];
      for (const orders of sizes) {
        progress(`forecast Lambda, ${orders.toLocaleString('en')} active orders: filling the table ...`);
        const names = resourceNames(`cold-${orders}-`);
        await provision(clients, names);
        await putItems(clients.documentClient, names.orderStateTable, syntheticStateItems(orders));
        for (const fn of functions) {
          const what = `forecast Lambda, ${orders.toLocaleString('en')} active orders, ${functionLabel(fn)}`;
          // One cold start unmeasured first: DynamoDB Local is warm in a real plant, as the service is.
          const runs = [];
          for (let p = -1; p < processes; p++) {
            progress(`${what}: cold start ${Math.max(p + 1, 0)} of ${processes} ...`);
            const file = join(dir, `result-${orders}-${fn ? 'mc' : 'det'}-${p}.json`);
            const endpoint = emulators.endpoints.dynamodb;
            const run = await coldStart(root, bundle, endpoint, names, asOf, warm, file, fn);
            if (p >= 0) runs.push(run);
          }
          rows.push({
            orders,
            ...(fn && { monteCarlo: fn }),
            startMs: median(runs.map((r) => r.startMs)),
            loadMs: median(runs.map((r) => r.loadMs)),
            firstMs: median(runs.map((r) => r.firstMs)),
            warmMs: median(runs.flatMap((r) => r.warmMs)),
            processes,
            warmRuns: warm,
          });
        }
      }
      return rows;
    } finally {
      destroyClients(clients);
      await emulators.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
