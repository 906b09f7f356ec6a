// In `twin bench all`: how long the command line takes as a user sees it, a whole process from its
// start to its exit (node bin/twin.cjs, which runs the bundle that npm install builds), beside
// Node.js starting alone, in alternating rounds of the same run.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantileOf } from '../../../sim-core/quantile.ts';
import { count, type Suite } from './benchmark.ts';

const twinBin = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/twin.cjs');
const ROUNDS = 20;
const WARM_UP_ROUNDS = 3;

export interface StartupRow {
  process: string;
  medianMs: number;
  minMs: number;
}

export const startupSuite: Suite<StartupRow[]> = {
  key: 'startup',
  async measure({ wallMs, progress }) {
    const dir = await mkdtemp(join(tmpdir(), 'twin-bench-startup-'));
    try {
      const snapshot = join(dir, 'empty-snapshot.json');
      await writeFile(snapshot, JSON.stringify({ asOf: Date.UTC(2026, 0, 5, 8), orders: [] }));
      const processes = [
        { process: 'Node.js alone: node -e 0', args: ['-e', '0'] },
        { process: 'twin --help', args: [twinBin, '--help'] },
        { process: 'twin schema', args: [twinBin, 'schema'] },
        {
          process: 'twin forecast --state <empty snapshot>',
          args: [twinBin, 'forecast', '--state', snapshot],
        },
      ];
      const times = processes.map((): number[] => []);
      for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
        progress(`startup: round ${round + 1} of ${WARM_UP_ROUNDS + ROUNDS} ...`);
        for (const [i, { args }] of processes.entries()) {
          const ms = await wallMs(args);
          if (round >= WARM_UP_ROUNDS) times[i]!.push(ms);
        }
      }
      return processes.map(({ process }, i) => ({
        process,
        medianMs: quantileOf(times[i]!, 0.5),
        minMs: Math.min(...times[i]!),
      }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  tables: [
    {
      title: 'Start of the command line',
      measures:
        `A whole process, from its start to its exit, as a user runs it (node bin/twin.cjs, from the bundle that npm install builds), ` +
        `beside Node.js starting alone; ${ROUNDS} alternating rounds after ${WARM_UP_ROUNDS} more.`,
      rows: (rows) => {
        const node = rows[0]!.medianMs;
        return [
          ['process', 'median ms', 'min ms', 'beyond Node.js alone, median ms'],
          ...rows.map((r, i) => [
            r.process,
            count(Math.round(r.medianMs)),
            count(Math.round(r.minMs)),
            i === 0 ? '-' : count(Math.round(r.medianMs - node)),
          ]),
        ];
      },
    },
  ],
};
