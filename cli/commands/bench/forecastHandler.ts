// `twin bench forecast-handler`: the forecast Lambda's handler on DynamoDB Local, its first
// invocation in a fresh process beside warm ones. Each plant size is timed in a process of its own,
// started from the same entry point as this one (the sources, or `twin bench all`'s bundle).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  type ForecastHandlerBenchRow,
  forecastHandlerBench,
  timeForecastHandler,
} from '../../../bench/forecastHandlerBench.ts';
import { intOption } from '../../command.ts';
import { table } from '../../format.ts';
import { count, defineBenchmark, type ResultTable, type Suite, withProgress } from './benchmark.ts';

const run = promisify(execFile);
const SIZES = [100, 1_000, 10_000];

const handlerTable: ResultTable<ForecastHandlerBenchRow[]> = {
  title: 'Forecast handler on DynamoDB Local: cold beside warm',
  measures:
    'The forecast handler (read the active orders, simulate, write the forecast): its first invocation in a fresh ' +
    'process (cold, as a cold Lambda pays it) beside the median of 5 invocations after it (warm), on a warm DynamoDB Local.',
  rows: (rows) => [
    [
      'active orders',
      'cold ms',
      'warm ms',
      'warm read ms',
      'warm simulate ms',
      'warm write ms',
      'DynamoDB calls',
      'stored KB',
    ],
    ...rows.map((r) => [
      count(r.orders),
      count(r.coldMs),
      count(r.warmMs),
      count(r.readMs),
      count(r.simulateMs),
      count(r.writeMs),
      count(r.calls),
      count(Math.round(r.storedBytes / 1000)),
    ]),
  ],
};

/** Times one plant size in a fresh process of this same command line, against `endpoint`. */
async function inFreshProcess(endpoint: string, orders: number): Promise<ForecastHandlerBenchRow> {
  const args = ['bench', 'forecast-handler', '--dynamodb', endpoint, '--orders', String(orders), '--json'];
  const { stdout } = await run(process.execPath, [...process.execArgv, process.argv[1]!, ...args]);
  return JSON.parse(stdout) as ForecastHandlerBenchRow;
}

export const forecastHandlerBenchmark = defineBenchmark({
  name: 'forecast-handler',
  usage: [
    'twin bench forecast-handler                                 forecast handler, cold and warm, for 100, 1,000',
    '                                                            and 10,000 active orders on DynamoDB Local',
  ],
  options: {
    orders: { type: 'string', value: 'N', description: 'only this many active orders' },
    dynamodb: {
      type: 'string',
      value: 'URL',
      description:
        "time the handler in this process against the benchmark's filled tables there (its fresh processes)",
    },
  },
  async run(values, io) {
    const orders = intOption('orders', values.orders, 1);
    if (values.dynamodb !== undefined) {
      const row = await timeForecastHandler(values.dynamodb, orders ?? SIZES[0]!);
      io.out(values.json ? JSON.stringify(row) : table(handlerTable.rows([row])));
      return 0;
    }
    const rows = await withProgress(io, (progress) =>
      forecastHandlerBench(orders === undefined ? SIZES : [orders], inFreshProcess, progress),
    );
    io.out(values.json ? JSON.stringify(rows) : table(handlerTable.rows(rows)));
    return 0;
  },
});

export const forecastHandlerSuite: Suite<ForecastHandlerBenchRow[]> = {
  key: 'forecastHandler',
  async measure({ bundle, progress }) {
    progress('forecast handler on DynamoDB Local ...');
    return (await bundle(['bench', 'forecast-handler', '--json'])) as ForecastHandlerBenchRow[];
  },
  tables: [handlerTable],
};
