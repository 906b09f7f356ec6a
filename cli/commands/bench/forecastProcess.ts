// `twin bench forecast-process`: `twin forecast --state FILE --json` as a whole process, beside the
// same forecast in plain SimPy (bench/wip_forecast_simpy.py) on the same snapshot file.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cliBundleIsCurrent,
  type ForecastProcessResult,
  forecastProcessBench,
} from '../../../bench/forecastProcessBench.ts';
import { intOption } from '../../command.ts';
import { CliError } from '../../errors.ts';
import { table } from '../../format.ts';
import { count, defineBenchmark, type ResultTable, type Suite, withProgress } from './benchmark.ts';
import { findSimpy } from './casymda.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SIZES = [0, 1_000, 10_000];
const ROUNDS = 10;

const ratio = (simpy: number | undefined, twin: number) =>
  simpy === undefined ? '-' : `${Math.round((simpy / twin) * 100) / 100}x`;

const processTable: ResultTable<ForecastProcessResult> = {
  title: 'Whole-process forecast beside SimPy',
  measures:
    '`twin forecast --state FILE --json` as a user runs it (node bin/twin.cjs, from the bundle npm install builds), ' +
    'a whole process from its start to its exit, beside the same forecast of the work in process in plain SimPy ' +
    '(bench/wip_forecast_simpy.py: restore the WIP of the demo plant, run the line to the end) on the same synthetic ' +
    `snapshot file; both first agree on every order's completion. Medians of ${ROUNDS} alternating rounds; ` +
    'SimPy / twin above 1 is the twin faster by that much.',
  rows: (r) => [
    ['active orders', 'twin ms', 'SimPy ms', 'SimPy / twin', 'completions agree'],
    [
      'process start alone: node -e 0, python3 -c "import simpy"',
      count(r.nodeAloneMs),
      r.pythonAloneMs === undefined ? '-' : count(r.pythonAloneMs),
      ratio(r.pythonAloneMs, r.nodeAloneMs),
      '-',
    ],
    ...r.rows.map((row) => [
      count(row.orders),
      count(row.twinMs),
      row.simpyMs !== undefined ? count(row.simpyMs) : `not measured: ${r.simpyMissing ?? 'no SimPy'}`,
      ratio(row.simpyMs, row.twinMs),
      row.agreed === undefined ? '-' : `${count(row.agreed)} of ${count(row.agreed)}`,
    ]),
  ],
};

export const forecastProcessBenchmark = defineBenchmark({
  name: 'forecast-process',
  usage: [
    'twin bench forecast-process [--orders N] [--rounds N]        twin forecast --json as a whole process beside',
    '                                                            plain SimPy on the same snapshot (0, 1,000 and',
    '                                                            10,000 active orders); run npm run build:cli first',
  ],
  options: {
    orders: { type: 'string', value: 'N', description: 'only this many active orders' },
    rounds: { type: 'string', value: 'N', description: 'alternating rounds timed', default: String(ROUNDS) },
  },
  async run(values, io) {
    const orders = intOption('orders', values.orders, 0);
    const rounds = intOption('rounds', values.rounds ?? String(ROUNDS), 1)!;
    // Otherwise bin/twin.cjs would compile the TypeScript sources, and the benchmark would time that.
    if (!(await cliBundleIsCurrent(root))) {
      throw new CliError(
        'the command line is not built from the sources as they are: run npm run build:cli first',
      );
    }
    const python = await findSimpy();
    const result = await withProgress(io, (progress) =>
      forecastProcessBench({
        root,
        python,
        sizes: orders === undefined ? SIZES : [orders],
        rounds,
        progress,
      }),
    );
    io.out(values.json ? JSON.stringify(result) : table(processTable.rows(result)));
    return 0;
  },
});

export const forecastProcessSuite: Suite<ForecastProcessResult> = {
  key: 'forecastProcess',
  async measure({ bundle, progress }) {
    progress('twin forecast as a whole process, beside SimPy ...');
    return (await bundle(['bench', 'forecast-process', '--json'])) as ForecastProcessResult;
  },
  tables: [processTable],
};
