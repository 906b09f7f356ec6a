// `twin bench lambda-cold`: the forecast Lambda's cold start from its bundle as Lambda runs it
// (module load, then the first invocation) beside its warm invocations, on DynamoDB Local.

import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  functionLabel,
  type LambdaColdRow,
  lambdaColdBench,
  type MonteCarloFunction,
  memoryForThreads,
} from '../../../bench/lambdaColdBench.ts';
import { intOption } from '../../command.ts';
import { CliError } from '../../errors.ts';
import { table } from '../../format.ts';
import { count, defineBenchmark, type ResultTable, type Suite, withProgress } from './benchmark.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SIZES = [1_000, 10_000];
/** The Monte Carlo function `all` measures beside the deterministic one: 100 draws on every core, up to Lambda's 6. */
const allMonteCarlo = (): MonteCarloFunction => ({
  replications: 100,
  threads: Math.min(6, availableParallelism()),
});

const ms = (x: number) => count(Math.round(x));

const coldTable: ResultTable<LambdaColdRow[]> = {
  title: "Forecast Lambda's cold start, from its bundle",
  measures:
    'lambdas/forecast.ts bundled with the esbuild options of the CDK stack, started in a fresh process with the ' +
    "template's NODE_OPTIONS: Node.js's own start, the module's load, the first invocation on DynamoDB Local (read " +
    'the active orders, forecast, write, and the recommendations when orders are late or at risk), beside the median ' +
    "warm invocation after it; medians of 3 processes. The deterministic function has the stack's default memory " +
    '(1,024 MB, one thread); the Monte Carlo one (FORECAST_REPLICATIONS) the memory that buys it a vCPU per thread of ' +
    "this machine's (FORECAST_THREADS). Locally, at full CPU: Lambda gives 1,024 MB about 0.6 of a CPU.",
  rows: (rows) => [
    [
      'active orders',
      'forecast',
      'memory MB',
      'Node.js start ms',
      'module load ms',
      'first invocation ms',
      'warm invocation ms',
      'first / warm',
    ],
    ...rows.map((r) => [
      count(r.orders),
      functionLabel(r.monteCarlo),
      count(memoryForThreads(r.monteCarlo?.threads ?? 1)),
      ms(r.startMs),
      ms(r.loadMs),
      ms(r.firstMs),
      ms(r.warmMs),
      `${Math.round((r.firstMs / r.warmMs) * 10) / 10}x`,
    ]),
  ],
};

export const lambdaColdBenchmark = defineBenchmark({
  name: 'lambda-cold',
  usage: [
    'twin bench lambda-cold [--orders N]                         the forecast Lambda bundle cold: module load and first',
    '  [--replications R [--threads T]]                          invocation beside warm ones, 1,000 and 10,000 orders;',
    '                                                            with R, also as a Monte Carlo function of R draws on',
    '                                                            T threads (default: every core, up to 6)',
  ],
  options: {
    orders: { type: 'string', value: 'N', description: 'only this many active orders' },
    replications: {
      type: 'string',
      value: 'R',
      description: 'also a Monte Carlo function of that many draws',
    },
    threads: {
      type: 'string',
      value: 'T',
      description: "the Monte Carlo function's threads, 1 to 6 (default: every core, up to 6)",
    },
  },
  async run(values, io) {
    const orders = intOption('orders', values.orders, 1);
    const replications = intOption('replications', values.replications, 2);
    const threads = intOption('threads', values.threads, 1);
    if (threads !== undefined && threads > 6) {
      throw new CliError(`--threads must be at most 6 (Lambda's vCPUs at most), got "${values.threads}"`);
    }
    if (threads !== undefined && replications === undefined) {
      throw new CliError('--threads goes with --replications (the Monte Carlo function)');
    }
    const monteCarlo =
      replications === undefined ? undefined : { replications, threads: threads ?? allMonteCarlo().threads };
    const rows = await withProgress(io, (progress) =>
      lambdaColdBench({
        root,
        sizes: orders === undefined ? SIZES : [orders],
        ...(monteCarlo && { monteCarlo }),
        progress,
      }),
    );
    io.out(values.json ? JSON.stringify(rows) : table(coldTable.rows(rows)));
    return 0;
  },
});

export const lambdaColdSuite: Suite<LambdaColdRow[]> = {
  key: 'lambdaCold',
  async measure({ bundle, progress }) {
    progress("forecast Lambda's cold start ...");
    const { replications, threads } = allMonteCarlo();
    const args = ['--replications', String(replications), '--threads', String(threads)];
    return (await bundle(['bench', 'lambda-cold', ...args, '--json'])) as LambdaColdRow[];
  },
  tables: [coldTable],
};
