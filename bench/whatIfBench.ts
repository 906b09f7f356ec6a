// The what-if benchmark: a synthetic plant of the demo plant with uncertain times, the baseline and
// planner-like variants (expedite material, more units, other queue rules, a rush order, a priority),
// run on common random numbers: fresh (the first run in a process) and warm (the median after it).
import uncertainPlant from '../examples/order-flow-uncertain.json' with { type: 'json' };
import { whatIfInThreads } from '../forecast/threads/whatIfInThreads.ts';
import { parsePlantModel, type Snapshot } from '../orderflow/index.ts';
import type { Variant } from '../orderflow/whatif/variant.ts';
import { quantileOf } from '../sim-core/index.ts';
import { benchPool, syntheticSnapshot } from './workloads.ts';

export interface WhatIfBenchResult {
  /** Threads that ran the replications (the calling one included). */
  threads: number;
  orders: number;
  variants: number;
  replications: number;
  freshMs: number;
  medianMs: number;
  minMs: number;
  /** Kernel events of one run (every variant, every replication). */
  events: number;
  runs: number;
}

/** `n` variants of `snapshot` as a planner would try them, taking turns among the kinds. */
export function plannerVariants(snapshot: Snapshot, station: string, n: number): Variant[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const waiting = snapshot.orders.filter((o) => o.eta !== undefined && o.materialArrivedAt === undefined);
  const kinds: ((i: number) => Variant)[] = [
    (i) => {
      const o = waiting[i % waiting.length]!;
      return {
        name: `expedite ${o.orderId}`,
        changes: [{ change: 'expedite', order: o.orderId, eta: iso(snapshot.asOf) }],
      };
    },
    (i) => ({ name: `${1 + (i % 3)} more units`, changes: [{ change: 'units', station, add: 1 + (i % 3) }] }),
    (i) => ({
      name: `one more unit for ${2 + i} h`,
      changes: [{ change: 'units', station, add: 1, to: iso(snapshot.asOf + (2 + i) * 3_600_000) }],
    }),
    (i) => ({
      name: `queue rule ${i}`,
      changes: [{ change: 'queue-rule', station, rule: i % 2 === 0 ? 'due-date' : 'priority' }],
    }),
    (i) => ({
      name: `rush order ${i}`,
      changes: [
        { change: 'rush-order', order: `rush-${i}`, dueAt: iso(snapshot.asOf + 3_600_000), priority: 9 },
      ],
    }),
  ];
  return Array.from({ length: n }, (_, i) => kinds[i % kinds.length]!(Math.floor(i / kinds.length)));
}

/**
 * Runs what-if on a synthetic plant of `orders` active orders, its replications on `threads` threads
 * (the calling one and a pool's, as `twin whatif` and the dashboard run it): once fresh, `warmupRuns`
 * unmeasured, then `runs` measured.
 */
export async function whatIfBench(
  orders: number,
  variants: number,
  replications: number,
  threads: number,
  runs = 5,
  warmupRuns = 1,
): Promise<WhatIfBenchResult> {
  const model = parsePlantModel(uncertainPlant);
  const snapshot = syntheticSnapshot(orders, 1, model);
  const list = plannerVariants(snapshot, model.stations[0]!.id, variants);
  const pool = benchPool(threads);
  const timed = async () => {
    const started = performance.now();
    const { events } = await whatIfInThreads(snapshot, model, list, { replications }, pool);
    return { ms: performance.now() - started, events };
  };
  const fresh = await timed();
  for (let i = 0; i < warmupRuns; i++) await timed();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed()).ms);
  await pool.close();
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    threads,
    orders,
    variants,
    replications,
    freshMs: round(fresh.ms),
    medianMs: round(quantileOf(times, 0.5)),
    minMs: round(quantileOf(times, 0)),
    events: fresh.events,
    runs,
  };
}
