// Where the embedded pipeline's CPU goes beyond the ingest's write: a backlog of events drained by
// the twin three times, each on fresh emulators and beside a raw round of the same write in the same
// run: with the forecast's mapping off (Kinesis and the ingest), reading the table's stream into a
// handler that does nothing (+ the stream), and whole (+ the forecast). CPU per event of every
// process, from /proc (Linux only).
import { resourceNames } from '../contracts/resources.ts';
import { createClients, destroyClients } from '../local/clients.ts';
import { startEmulators } from '../local/emulators.ts';
import { provision } from '../local/provision.ts';
import { type RunningTwin, startTwin } from '../local/runtime.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { toDomainEvent } from '../state/events.ts';
import { plantEvents, putEvents, timedApply } from './ingestBench.ts';
import { cpuSeconds, eventSource, warmUp } from './latencyBench.ts';

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

async function measure(
  variant: PipelineVariant,
  n: number,
  activeOrders: number,
  progress: (text: string) => void,
): Promise<PipelineCostRow> {
  const emulators = await startEmulators({ kinesis: 'kinesalite' });
  const clients = createClients(emulators.endpoints);
  const names = resourceNames();
  const pids = {
    dynamodbLocal: emulators.emulators.dynamodb.pid,
    kinesalite: emulators.emulators.kinesis.pid,
  };
  let twin: RunningTwin | undefined;
  try {
    await provision(clients, names);
    await warmUp(clients, names.orderStateTable, (text) => progress(`${variant}: ${text}`));
    progress(`${variant}: DynamoDB Local raw rate`);
    const store = new DynamoDbStateStore(clients.documentClient, names.orderStateTable);
    const raw = plantEvents(7_000, 'cost-raw').map(toDomainEvent);
    const rawBefore = {
      dynamodbLocal: cpuSeconds(pids.dynamodbLocal) ?? Number.NaN,
      node: process.cpuUsage(),
    };
    const rawMs = await timedApply(store, raw, 16);
    const rawNode = process.cpuUsage(rawBefore.node);
    const micros = (seconds: number, count: number) => Math.round((seconds * 1e6) / count);
    const rawCpuMicros: CpuMicros = {
      dynamodbLocal: micros(
        (cpuSeconds(pids.dynamodbLocal) ?? Number.NaN) - rawBefore.dynamodbLocal,
        raw.length,
      ),
      node: micros((rawNode.user + rawNode.system) / 1e6, raw.length),
    };

    twin = await startTwin({
      endpoints: emulators.endpoints,
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
    while (running.status().eventsIn < n) await sleep(50);
    const seconds = (performance.now() - started) / 1000;
    // The forecast's share: until its mapping has read every change of the backlog.
    if (variant !== 'ingest') while (running.status().changesIn - before.changes < n) await sleep(50);
    const node = process.cpuUsage(before.node);
    return {
      variant,
      rawPerSecond: Math.round((raw.length / rawMs) * 1000),
      rawCpuMicros,
      drainPerSecond: Math.round(n / seconds),
      cpuMicros: {
        dynamodbLocal: micros((cpuSeconds(pids.dynamodbLocal) ?? Number.NaN) - before.dynamodbLocal, n),
        kinesalite: micros((cpuSeconds(pids.kinesalite) ?? Number.NaN) - before.kinesalite, n),
        node: micros((node.user + node.system) / 1e6, n),
      },
      forecasts: running.status().forecastsWritten - before.forecasts,
    };
  } finally {
    await twin?.stop();
    destroyClients(clients);
    await emulators.stop();
  }
}

/** Measures every variant, one after the other, each on fresh emulators. */
export async function pipelineCostBench(
  options: { events?: number; activeOrders?: number; progress?: (text: string) => void } = {},
): Promise<PipelineCostRow[]> {
  const rows: PipelineCostRow[] = [];
  for (const variant of Object.keys(PIPELINE_VARIANTS) as PipelineVariant[]) {
    rows.push(
      await measure(
        variant,
        options.events ?? 20_000,
        options.activeOrders ?? 1_000,
        options.progress ?? (() => {}),
      ),
    );
  }
  return rows;
}
