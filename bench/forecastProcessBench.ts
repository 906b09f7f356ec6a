// `twin forecast --state FILE --json` as a user runs it, a whole process from its start to its exit,
// beside the same forecast in plain SimPy (bench/wip_forecast_simpy.py) on the same snapshot file:
// synthetic plants of the demo plant. Before timing, both are run once and must agree on every
// order's completion (a check of the peer). Rounds alternate the processes, so that a busy machine
// slows both alike.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantileOf } from '../sim-core/quantile.ts';
import { syntheticSnapshot } from './workloads.ts';

export interface ForecastProcessRow {
  /** Active orders of the snapshot (0: a snapshot without orders). */
  orders: number;
  /** Medians and minima of the whole processes, ms. */
  twinMs: number;
  twinMinMs: number;
  simpyMs?: number;
  simpyMinMs?: number;
  /** Orders whose completion both forecast alike (all of them, or the benchmark stops). */
  agreed?: number;
}

export interface ForecastProcessResult {
  rows: ForecastProcessRow[];
  /** The processes' start alone: `node -e 0` and `python3 -c "import simpy"`. */
  nodeAloneMs: number;
  pythonAloneMs?: number;
  rounds: number;
  /** Why SimPy did not run beside, if it did not. */
  simpyMissing?: string;
}

export interface ForecastProcessOptions {
  /** The project's root: bin/twin.cjs, dist/cli/ and bench/wip_forecast_simpy.py are found from it. */
  root: string;
  /** A python3 that can import simpy, if there is one. */
  python: string | undefined;
  sizes: readonly number[];
  rounds: number;
  warmUpRounds?: number;
  progress?: (text: string) => void;
}

/** Runs `command args` to its exit; its wall time (ms), and its stdout when `keep`. */
function timed(command: string, args: string[], keep = false): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // Output goes where a user's redirection would send it: nowhere, unless it is read.
    const child = spawn(command, args, { stdio: ['ignore', keep ? 'pipe' : 'ignore', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`${[command, ...args].join(' ')} exited with ${code}: ${err.trim()}`));
      else resolve({ ms, stdout: Buffer.concat(out).toString('utf8') });
    });
  });
}

/**
 * Whether the command line's bundle (dist/cli/) holds the sources as they are now, as bin/twin.cjs
 * decides: otherwise it would compile the TypeScript sources and the benchmark would time that.
 */
export async function cliBundleIsCurrent(root: string): Promise<boolean> {
  let inputs: Record<string, number>;
  try {
    ({ inputs } = JSON.parse(await readFile(join(root, 'dist/cli/inputs.json'), 'utf8')));
  } catch {
    return false;
  }
  for (const [path, mtimeMs] of Object.entries(inputs)) {
    const info = await stat(join(root, path)).catch(() => undefined);
    if (info?.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

/** Times the whole processes (the caller makes sure the bundle is current: cliBundleIsCurrent); see the file comment. */
export async function forecastProcessBench(options: ForecastProcessOptions): Promise<ForecastProcessResult> {
  const { root, python, sizes, rounds, warmUpRounds = 2, progress = () => {} } = options;
  const twinBin = join(root, 'bin/twin.cjs');
  const peer = join(root, 'bench/wip_forecast_simpy.py');
  const dir = await mkdtemp(join(tmpdir(), 'twin-bench-process-'));
  try {
    const files = new Map<number, string>();
    for (const n of sizes) {
      const file = join(dir, `snapshot-${n}.json`);
      await writeFile(file, JSON.stringify(syntheticSnapshot(n)));
      files.set(n, file);
    }
    const twin = (n: number, keep = false) =>
      timed(process.execPath, [twinBin, 'forecast', '--state', files.get(n)!, '--json'], keep);
    const simpy = (n: number, keep = false) => timed(python!, [peer, files.get(n)!], keep);

    // The peer is checked first: the same completion for every order.
    const agreed = new Map<number, number>();
    if (python) {
      for (const n of sizes) {
        progress(`forecast process: checking SimPy against the twin, ${n.toLocaleString('en')} orders ...`);
        const ours = JSON.parse((await twin(n, true)).stdout) as {
          orders: { orderId: string; completedAt: number }[];
        };
        const theirs = JSON.parse((await simpy(n, true)).stdout) as Record<string, number>;
        const differ = ours.orders.filter((o) => theirs[o.orderId] !== o.completedAt);
        if (differ.length > 0 || Object.keys(theirs).length !== ours.orders.length) {
          const o = differ[0];
          throw new Error(
            `SimPy and the twin disagree on ${differ.length} of ${ours.orders.length} orders` +
              (o ? ` (${o.orderId}: twin ${o.completedAt}, SimPy ${theirs[o.orderId]})` : ''),
          );
        }
        agreed.set(n, ours.orders.length);
      }
    }

    const twinTimes = sizes.map((): number[] => []);
    const simpyTimes = sizes.map((): number[] => []);
    const nodeAlone: number[] = [];
    const pythonAlone: number[] = [];
    for (let round = 0; round < warmUpRounds + rounds; round++) {
      progress(`forecast process: round ${round + 1} of ${warmUpRounds + rounds} ...`);
      const keep = round >= warmUpRounds;
      const node = await timed(process.execPath, ['-e', '0']);
      if (keep) nodeAlone.push(node.ms);
      if (python) {
        const alone = await timed(python, ['-c', 'import simpy']);
        if (keep) pythonAlone.push(alone.ms);
      }
      for (const [i, n] of sizes.entries()) {
        const ours = await twin(n);
        if (keep) twinTimes[i]!.push(ours.ms);
        if (python) {
          const theirs = await simpy(n);
          if (keep) simpyTimes[i]!.push(theirs.ms);
        }
      }
    }
    const median = (xs: number[]) => Math.round(quantileOf(xs, 0.5));
    const least = (xs: number[]) => Math.round(Math.min(...xs));
    return {
      rows: sizes.map((orders, i) => ({
        orders,
        twinMs: median(twinTimes[i]!),
        twinMinMs: least(twinTimes[i]!),
        ...(python && {
          simpyMs: median(simpyTimes[i]!),
          simpyMinMs: least(simpyTimes[i]!),
          agreed: agreed.get(orders)!,
        }),
      })),
      nodeAloneMs: median(nodeAlone),
      ...(python && { pythonAloneMs: median(pythonAlone) }),
      rounds,
      ...(!python && {
        simpyMissing: 'python3 cannot import simpy (Debian: apt-get install python3-simpy3)',
      }),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
