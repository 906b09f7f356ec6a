// Where the embedded pipeline's CPU goes beyond the ingest's write: a backlog of events drained by
// the twin three times, each on fresh emulators and beside a raw round of the same write in the same
// run: with the forecast's mapping off (Kinesis and the ingest), reading the table's stream into a
// handler that does nothing (+ the stream), and whole (+ the forecast). CPU per event of every
// process, from /proc (Linux only).
import { IngestEventSource } from '../contracts/resources.ts';
import { provision } from '../local/provision.ts';
import { type RunningTwin, startTwin } from '../local/runtime.ts';
import { putEvents } from './ingestBench.ts';
import {
  cpuSeconds,
  eventSource,
  microsPerEach,
  rawRound,
  startBenchEmulators,
  warmUp,
} from './latencyBench.ts';

export const PIPELINE_VARIANTS = {
  ingest: 'off',
  'ingest + stream read': 'read-only',
  'whole pipeline': 'on',
} as const;
export type PipelineVariant = keyof typeof PIPELINE_VARIANTS;

/** CPU microseconds per event (or per write), by process. */
export interface CpuMicros {
  dynamodbLocal: number;
  kinesalite?: number;
  /** The twin's process (for the raw round: the client's, the same process). */
  node: number;
}

export interface PipelineCostRow {
  variant: PipelineVariant;
  /** DynamoDB Local's raw rate for the ingest's conditional update (16 at once), this run. */
  rawPerSecond: number;
  rawCpuMicros: CpuMicros;
  /** Events per second while the twin drained the backlog. */
  drainPerSecond: number;
  cpuMicros: CpuMicros;
  /** Forecasts written while the backlog was worked off. */
  forecasts: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until `count()` reaches `target`, at most ten minutes: a pipeline that stopped fails the
 * benchmark, with how far it got, instead of hanging it.
 */
async function until(what: string, count: () => number, target: number): Promise<void> {
  const deadline = performance.now() + 600_000;
  while (count() < target) {
    if (performance.now() > deadline) {
      throw new Error(
        `pipeline-cost: ${what}: ${count().toLocaleString('en')} of ${target.toLocaleString('en')} within 10 minutes`,
      );
    }
    await sleep(50);
  }
}

async function measure(
  variant: PipelineVariant,
  n: number,
  activeOrders: number,
  progress: (text: string) => void,
): Promise<PipelineCostRow> {
  const { endpoints, clients, names, pids, stop } = await startBenchEmulators();
  let twin: RunningTwin | undefined;
  try {
    await provision(clients, names);
    await warmUp(clients, names.orderStateTable, (text) => progress(`${variant}: ${text}`));
    progress(`${variant}: DynamoDB Local raw rate`);
    const raw = await rawRound(clients, names.orderStateTable, 'cost-raw', 16, pids.dynamodbLocal);
    const rawCpuMicros: CpuMicros = {
      dynamodbLocal: microsPerEach(raw.cpuSeconds.dynamodbLocal, raw.writes),
      node: microsPerEach(raw.cpuSeconds.client, raw.writes),
    };

    twin = await startTwin({
      endpoints,
      port: 0,
      scenario: 'none',
      forecast: PIPELINE_VARIANTS[variant],
      log: () => {},
    });
    const running = twin;
    // The forecast's mapping first reads the warm-up's and the raw round's changes (not measured):
    // until it has read something and then nothing more for 3 s.
    if (variant !== 'ingest') {
      progress(`${variant}: reading the stream's earlier changes`);
      for (let last = -1, quiet = 0; quiet < 6; ) {
        await sleep(500);
        const now = running.status().changesIn;
        quiet = now > 0 && now === last ? quiet + 1 : 0;
        last = now;
      }
    }

    progress(`${variant}: ${n.toLocaleString('en')} events through the twin`);
    // Every order one event per round of all active orders: at most one event of an order per batch.
    const source = eventSource('cost', activeOrders);
    const events = Array.from({ length: n }, source.next);
    const before = {
      dynamodbLocal: cpuSeconds(pids.dynamodbLocal) ?? Number.NaN,
      kinesalite: cpuSeconds(pids.kinesalite) ?? Number.NaN,
      node: process.cpuUsage(),
      changes: running.status().changesIn,
      forecasts: running.status().forecastsWritten,
    };
    const started = performance.now();
    await putEvents(clients.kinesis, names.stream, events);
    await until('events taken in by the ingest', () => running.status().eventsIn, n);
    const seconds = (performance.now() - started) / 1000;
    // The forecast's share: until its mapping has read every change of the backlog.
    if (variant !== 'ingest') {
      await until('changes read by the forecast', () => running.status().changesIn - before.changes, n);
    }
    const node = process.cpuUsage(before.node);
    return {
      variant,
      rawPerSecond: raw.perSecond,
      rawCpuMicros,
      drainPerSecond: Math.round(n / seconds),
      cpuMicros: {
        dynamodbLocal: microsPerEach(
          (cpuSeconds(pids.dynamodbLocal) ?? Number.NaN) - before.dynamodbLocal,
          n,
        ),
        kinesalite: microsPerEach((cpuSeconds(pids.kinesalite) ?? Number.NaN) - before.kinesalite, n),
        node: microsPerEach((node.user + node.system) / 1e6, n),
      },
      forecasts: running.status().forecastsWritten - before.forecasts,
    };
  } finally {
    await twin?.stop();
    await stop();
  }
}

/** Measures every variant, one after the other, each on fresh emulators. */
export async function pipelineCostBench(
  options: { events?: number; activeOrders?: number; progress?: (text: string) => void } = {},
): Promise<PipelineCostRow[]> {
  const activeOrders = options.activeOrders ?? 1_000;
  // The ingest writes an order's events of one batch at once: only with every order at most once
  // per batch is every event one change on the stream, which the forecast's share waits for.
  if (activeOrders < IngestEventSource.batchSize) {
    throw new Error(
      `pipeline-cost: activeOrders is ${activeOrders}; it must be at least the ingest's batch size (${IngestEventSource.batchSize})`,
    );
  }
  const rows: PipelineCostRow[] = [];
  for (const variant of Object.keys(PIPELINE_VARIANTS) as PipelineVariant[]) {
    rows.push(await measure(variant, options.events ?? 20_000, activeOrders, options.progress ?? (() => {})));
  }
  return rows;
}
