// `twin bench mm1`: sim-core's kernel on the textbook M/M/1 queue, and in `twin bench all` the same
// queue in SimPy beside it, each with its mean time in system beside the theory's.
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MM1_THEORY_TIME_IN_SYSTEM, mm1 } from '../../../bench/mm1.ts';
import { quantileOf } from '../../../sim-core/quantile.ts';
import { intOption } from '../../command.ts';
import { count, defineBenchmark, freshAndWarm, type Suite, warmOptions } from './benchmark.ts';
import { SIMPY_MISSING, speedUp } from './casymda.ts';

const run = promisify(execFile);
const simpyScript = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/mm1_simpy.py');

export const mm1Benchmark = defineBenchmark({
  name: 'mm1',
  usage: [
    'twin bench mm1 --customers N [--warmup N [--runs K]] --json the M/M/1 queue (arrivals 0.9, service 1), one',
    '                                                            run: { "endTime", "customers", "events", "wallMs",',
    '                                                            "meanTimeInSystem" } (theory: 10); with --warmup N',
    '                                                            [--runs K], the median of K runs after N more, the',
    '                                                            first as "freshMs"',
  ],
  options: {
    customers: { type: 'string', value: 'N', description: 'number of customers', default: '1000000' },
    ...warmOptions,
  },
  run(values, io) {
    const customers = intOption('customers', values.customers, 1)!;
    const out = freshAndWarm(() => mm1(customers), values);
    io.out(
      values.json
        ? JSON.stringify(out)
        : `${count(out.customers)} customers, ${count(out.events)} events, ${out.wallMs} ms` +
            `${out.freshMs !== undefined ? ` (fresh ${out.freshMs} ms)` : ''}, ` +
            `${count(Math.round((out.events / out.wallMs) * 1000))} events/s, ` +
            `mean time in system ${out.meanTimeInSystem.toFixed(2)} (theory ${MM1_THEORY_TIME_IN_SYSTEM.toFixed(2)})`,
    );
    return 0;
  },
});

export interface MM1Row {
  customers: number;
  events: number;
  /** The first run in a fresh process (compilation included), ms. */
  freshMs: number;
  /** After warm-up runs in the same process, ms. */
  warmMs: number;
  meanTimeInSystem: number;
  /** SimPy's run in a fresh Python process: its own event count, ms and mean time in system. */
  simpy?: { events: number; wallMs: number; meanTimeInSystem: number };
}

export interface MM1SuiteResult {
  rows: MM1Row[];
  /** Why SimPy did not run beside, if it did not. */
  simpyMissing?: string;
}

const median = (xs: number[]) => quantileOf(xs, 0.5);
const perSecond = (events: number, ms: number) => count(Math.round((events / ms) * 1000));
const WARM_UP_RUNS = 3;
/** Warm runs measured after them in each process: the median is the process's warm figure. */
const WARM_RUNS = 5;

export const mm1Suite: Suite<MM1SuiteResult> = {
  key: 'mm1',
  async measure({ bundle, python, quick, progress }) {
    const rows: MM1Row[] = [];
    for (const customers of quick ? [100_000] : [100_000, 1_000_000]) {
      const size = `${customers.toLocaleString('en')} customers`;
      progress(`mm1 ${size} ...`);
      const runs: { events: number; freshMs: number; wallMs: number; meanTimeInSystem: number }[] = [];
      for (let i = 0; i < 3; i++) {
        const args = [
          'bench',
          'mm1',
          '--customers',
          String(customers),
          '--warmup',
          String(WARM_UP_RUNS),
          '--runs',
          String(WARM_RUNS),
        ];
        runs.push((await bundle([...args, '--json'])) as (typeof runs)[number]);
      }
      const row: MM1Row = {
        customers,
        events: runs[0]!.events,
        freshMs: median(runs.map((r) => r.freshMs)),
        warmMs: median(runs.map((r) => r.wallMs)),
        meanTimeInSystem: runs[0]!.meanTimeInSystem,
      };
      if (python) {
        progress(`simpy mm1 ${size} ...`);
        // SimPy takes about 15 s for 1,000,000 customers: one process at that size.
        const simpy: { events: number; wallMs: number; meanTimeInSystem: number }[] = [];
        for (let i = 0; i < (customers >= 1_000_000 ? 1 : 3); i++) {
          simpy.push(JSON.parse((await run(python, [simpyScript, String(customers)])).stdout));
        }
        row.simpy = { ...simpy[0]!, wallMs: median(simpy.map((r) => r.wallMs)) };
      }
      rows.push(row);
    }
    return {
      rows,
      ...(!python && {
        simpyMissing: SIMPY_MISSING,
      }),
    };
  },
  tables: [
    {
      title: 'The M/M/1 queue: sim-core beside SimPy',
      measures:
        'Customers arriving at rate 0.9 for one server of rate 1, to the last one out: one run in a fresh process ' +
        `(fresh, compilation included) and the median of ${WARM_RUNS} runs after ${WARM_UP_RUNS} more in it (warm), medians of 3 processes, ` +
        'beside SimPy running the same queue in plain Python (medians of 3, 1 at 1,000,000 customers). Events are ' +
        "each kernel's own: SimPy's release is an event, sim-core's is not. " +
        'The mean time in system of each beside the theory, 1 / (μ − λ).',
      rows: ({ rows, simpyMissing }) => [
        [
          'customers',
          'events',
          'sim-core fresh ms',
          'sim-core warm ms',
          'events/s warm',
          'SimPy events',
          'SimPy ms',
          'SimPy events/s',
          'speed-up fresh / warm',
          'time in system sim-core',
          'time in system SimPy',
          'theory',
        ],
        ...rows.map((r) => [
          count(r.customers),
          count(r.events),
          count(r.freshMs),
          count(r.warmMs),
          perSecond(r.events, r.warmMs),
          count(r.simpy?.events),
          r.simpy !== undefined
            ? count(r.simpy.wallMs)
            : simpyMissing
              ? `not measured: ${simpyMissing}`
              : '-',
          r.simpy === undefined ? '-' : perSecond(r.simpy.events, r.simpy.wallMs),
          r.simpy === undefined
            ? '-'
            : `${speedUp(r.simpy.wallMs, r.freshMs)} / ${speedUp(r.simpy.wallMs, r.warmMs)}`,
          r.meanTimeInSystem.toFixed(2),
          r.simpy === undefined ? '-' : r.simpy.meanTimeInSystem.toFixed(2),
          MM1_THEORY_TIME_IN_SYSTEM.toFixed(2),
        ]),
      ],
    },
  ],
};
