// `twin bench casymda`: sim-core's kernel on Casymda's benchmark model, and in `twin bench all` the
// same model in SimPy beside it (SimPy's shape is the kernel's model, see CONVENTIONS.md).
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { casymda } from '../../../bench/workloads.ts';
import { quantileOf } from '../../../sim-core/quantile.ts';
import { intOption, numberOption } from '../../command.ts';
import { count, defineBenchmark, freshAndWarm, type Suite, warmOptions } from './benchmark.ts';

const run = promisify(execFile);
const simpyScript = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/casymda_simpy.py');

export const casymdaBenchmark = defineBenchmark({
  name: 'casymda',
  usage: [
    'twin bench casymda --entities N --inter-arrival T --json   one run: { "endTime", "events", "wallMs" }; with',
    '                                                          --warmup N [--runs K], the median of K runs after N',
    '                                                          more, the first as "freshMs"',
  ],
  options: {
    entities: { type: 'string', value: 'N', description: 'number of entities', default: '100000' },
    'inter-arrival': { type: 'string', value: 'T', description: 'time between arrivals', default: '0' },
    ...warmOptions,
    memory: { type: 'boolean', description: 'add the peak resident memory (peakRssMb)' },
    percentiles: {
      type: 'boolean',
      description: "keep every entity's time in each block, for the p95s (SimPy's model keeps none)",
    },
  },
  run(values, io) {
    const entities = intOption('entities', values.entities, 1)!;
    const interArrival = numberOption('inter-arrival', values['inter-arrival'])!;
    const percentiles = values.percentiles === true;
    const result = freshAndWarm(() => casymda(entities, interArrival, percentiles), values);
    const out = {
      ...result,
      ...(values.memory && { peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }),
    };
    io.out(
      values.json ? JSON.stringify(out) : `end time ${out.endTime}, ${out.events} events, ${out.wallMs} ms`,
    );
    return 0;
  },
});

export interface CasymdaRow {
  entities: number;
  interArrival: number;
  events: number;
  /** The first run in a fresh process (compilation included), ms. */
  freshMs: number;
  /** After warm-up runs in the same process (a warm Lambda, a long-lived service), ms. */
  warmMs: number;
  /** Peak resident memory of the process, MB. */
  peakRssMb: number;
  /** Warm, with every entity's time kept in each block for the p95s (one process), ms. */
  warmWithPercentilesMs?: number;
  /** SimPy's run, in a fresh Python process, ms. */
  simpyMs?: number;
}

export interface CasymdaSuiteResult {
  rows: CasymdaRow[];
  /** Why SimPy did not run beside, if it did not. */
  simpyMissing?: string;
}

/** What a SimPy column says when there is no SimPy to run beside. */
export const SIMPY_MISSING = 'python3 cannot import simpy (Debian: apt-get install python3-simpy3)';

/** A python3 that can import simpy, if there is one. */
export async function findSimpy(): Promise<string | undefined> {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      await run(python, ['-c', 'import simpy']);
      return python;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

const median = (xs: number[]) => quantileOf(xs, 0.5);
/** How many times faster than its peer (`-` when the peer did not run). */
export const speedUp = (peer: number | undefined, ours: number) =>
  peer === undefined ? '-' : `${Math.round((peer / ours) * 10) / 10}x`;

/**
 * Warm-up runs in each process below 1,000,000 entities, then the runs whose median is its warm
 * figure. A warm process has its young generation grown to its full size and every page of it
 * touched once: at 100,000 entities and inter-arrival 0 (all of them alive at once) that takes about
 * 25 runs, each of them paying thousands of page faults until then (docs/benchmarks.md).
 */
const WARM_UP_RUNS = 30;
const WARM_RUNS = 10;

export const casymdaSuite: Suite<CasymdaSuiteResult> = {
  key: 'casymda',
  async measure({ bundle, python, quick, progress }) {
    const rows: CasymdaRow[] = [];
    for (const entities of quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]) {
      for (const interArrival of [0, 10]) {
        const size = `${entities.toLocaleString('en')} entities, inter-arrival ${interArrival}`;
        progress(`casymda ${size} ...`);
        const large = entities >= 1_000_000;
        const model = [
          'bench',
          'casymda',
          '--entities',
          String(entities),
          '--inter-arrival',
          String(interArrival),
        ];
        const warm = large
          ? ['--warmup', '1']
          : ['--warmup', String(WARM_UP_RUNS), '--runs', String(WARM_RUNS)];
        const runs: { events: number; freshMs: number; wallMs: number; peakRssMb: number }[] = [];
        for (let i = 0; i < (large ? 1 : 3); i++) {
          runs.push((await bundle([...model, ...warm, '--memory', '--json'])) as (typeof runs)[number]);
        }
        const row: CasymdaRow = {
          entities,
          interArrival,
          events: runs[0]!.events,
          freshMs: median(runs.map((r) => r.freshMs)),
          warmMs: median(runs.map((r) => r.wallMs)),
          peakRssMb: median(runs.map((r) => r.peakRssMb)),
        };
        // What keeping every entity's time for the p95s costs, beside.
        if (!large) {
          const kept = (await bundle([...model, ...warm, '--percentiles', '--json'])) as { wallMs: number };
          row.warmWithPercentilesMs = kept.wallMs;
        }
        // SimPy's resource queue pops from the front of a list, quadratic with 500,000 waiting.
        if (python && !large) {
          progress(`simpy ${size} ...`);
          const simpy: number[] = [];
          for (let i = 0; i < 3; i++) {
            const { stdout } = await run(python, [simpyScript, String(entities), String(interArrival)]);
            simpy.push(JSON.parse(stdout).wallMs);
          }
          row.simpyMs = median(simpy);
        }
        rows.push(row);
      }
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
      title: "Casymda's benchmark model: sim-core beside SimPy",
      measures:
        `One run of the model in a fresh process (fresh, compilation included), and the median of ${WARM_RUNS} runs after ${WARM_UP_RUNS} more in it (warm; ` +
        'at 1,000,000 entities one run after one more), beside SimPy running the same model in plain Python; medians of 3 processes ' +
        "(1 at 1,000,000 entities; SimPy up to 100,000). sim-core's blocks keep their counts and mean times, not every entity's " +
        'time (SimPy keeps none); beside, warm with every time kept for the p95s, in one process.',
      rows: ({ rows, simpyMissing }) => [
        [
          'entities',
          'inter-arrival',
          'events',
          'sim-core fresh ms',
          'sim-core warm ms',
          'warm ms with p95s',
          'events/s warm',
          'peak RSS MB',
          'SimPy ms',
          'speed-up fresh / warm',
        ],
        ...rows.map((r) => [
          count(r.entities),
          String(r.interArrival),
          count(r.events),
          count(r.freshMs),
          count(r.warmMs),
          count(r.warmWithPercentilesMs),
          count(Math.round((r.events / r.warmMs) * 1000)),
          count(r.peakRssMb),
          r.simpyMs !== undefined ? count(r.simpyMs) : simpyMissing ? `not measured: ${simpyMissing}` : '-',
          r.simpyMs === undefined
            ? '-'
            : `${speedUp(r.simpyMs, r.freshMs)} / ${speedUp(r.simpyMs, r.warmMs)}`,
        ]),
      ],
    },
  ],
};
