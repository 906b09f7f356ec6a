// `twin bench lambda-cold`: the forecast Lambda's cold start from its bundle as Lambda runs it
// (module load, then the first invocation) beside its warm invocations, on DynamoDB Local.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LambdaColdRow, lambdaColdBench } from '../../../bench/lambdaColdBench.ts';
import { intOption } from '../../command.ts';
import { table } from '../../format.ts';
import { count, defineBenchmark, type ResultTable, type Suite, withProgress } from './benchmark.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SIZES = [1_000, 10_000];

const ms = (x: number) => count(Math.round(x));

const coldTable: ResultTable<LambdaColdRow[]> = {
  title: "Forecast Lambda's cold start, from its bundle",
  measures:
    'lambdas/forecast.ts bundled with the esbuild options of the CDK stack, started in a fresh process with the ' +
    "template's NODE_OPTIONS: Node.js's own start, the module's load, the first invocation on DynamoDB Local (read " +
    'the active orders, forecast, write), beside the median warm invocation after it; medians of 3 processes. ' +
    'Locally, at full CPU: Lambda gives 1,024 MB about 0.6 of a CPU.',
  rows: (rows) => [
    [
      'active orders',
      'Node.js start ms',
      'module load ms',
      'first invocation ms',
      'warm invocation ms',
      'first / warm',
    ],
    ...rows.map((r) => [
      count(r.orders),
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
    '                                                            invocation beside warm ones, 1,000 and 10,000 orders',
  ],
  options: {
    orders: { type: 'string', value: 'N', description: 'only this many active orders' },
  },
  async run(values, io) {
    const orders = intOption('orders', values.orders, 1);
    const rows = await withProgress(io, (progress) =>
      lambdaColdBench({ root, sizes: orders === undefined ? SIZES : [orders], progress }),
    );
    io.out(values.json ? JSON.stringify(rows) : table(coldTable.rows(rows)));
    return 0;
  },
});

export const lambdaColdSuite: Suite<LambdaColdRow[]> = {
  key: 'lambdaCold',
  async measure({ bundle, progress }) {
    progress("forecast Lambda's cold start ...");
    return (await bundle(['bench', 'lambda-cold', '--json'])) as LambdaColdRow[];
  },
  tables: [coldTable],
};
