// End-to-end benchmark of the embedded twin (`npm start`'s pipeline): the time from an event's
// PutRecords to the first readable forecast that reflects it, at given rates, and the highest rate
// it sustains, reported beside DynamoDB Local's raw write rate on the same table in the same run.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderEvent } from '../contracts/events.ts';
import { ForecastKeys } from '../contracts/forecastRecord.ts';
import { resourceNames } from '../contracts/resources.ts';
import uncertainPlant from '../examples/order-flow-uncertain.json' with { type: 'json' };
import { createClients, destroyClients } from '../local/clients.ts';
import { startEmulators } from '../local/emulators/index.ts';
import { provision } from '../local/provision.ts';
import { type RunningTwin, startTwin } from '../local/runtime.ts';
import { parsePlantModel } from '../orderflow/index.ts';
import { quantileOf } from '../sim-core/quantile.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { putEvents, rawWriteRate } from './ingestBench.ts';
import { liveEvents } from './liveEvents.ts';

/** The demo plant with uncertain times, as `npm start -- --model examples/order-flow-uncertain.json` runs it. */
const uncertainModel = () => parsePlantModel(uncertainPlant);

export interface LatencyRow {
  /** Events put per second. */
  rate: number;
  /** Active orders of the plant while the events came. */
  activeOrders: number;
  /** Replications of each forecast (Monte Carlo), or undefined for the deterministic forecast. */
  replications?: number | undefined;
  events: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Events not yet ingested when the last one was put. */
  backlogAtEnd: number;
  /** Events no forecast reflected within a minute after the last was put. */
  lost: number;
}

export interface LatencyBenchResult {
  /** The forecast mapping's batching window (ms). */
  batchingWindowMs: number;
  /** The deterministic forecast's rows, then the risk-aware one (a Monte Carlo forecast of a bigger plant). */
  rows: LatencyRow[];
  /** The rates tried for the sustained rate, lowest first, up to the first not sustained. */
  sustainRuns: (LatencyRow & { sustained: boolean })[];
  /** The highest rate tried that was sustained (0 if none was; a lower bound if every rate tried was). */
  sustainedPerSecond: number;
  /** DynamoDB Local's raw rate for the ingest's write on the pipeline's table, just before the pipeline ran. */
  rawPerSecond: number;
  /** Seconds of each sustained run and of the raw round. */
  sustainSeconds: number;
}

/** Sustained: nothing lost, the ingest no more than a second of events behind at the end, p95 under 5 s. */
export const isSustained = (row: LatencyRow): boolean =>
  row.lost === 0 && row.backlogAtEnd <= row.rate && row.p95Ms < 5_000;

/** Why a run was not sustained, in a few words (undefined if it was). */
export function notSustainedBecause(row: LatencyRow): string | undefined {
  if (row.lost > 0) return `${row.lost} lost`;
  if (row.backlogAtEnd > row.rate) return `ingest ${row.backlogAtEnd} events behind`;
  if (row.p95Ms >= 5_000) return `p95 ${(row.p95Ms / 1000).toFixed(1)} s`;
  return undefined;
}

/** Rates tried for the sustained rate, as shares of the raw rate, lowest first (stops at the first not sustained). */
export const SUSTAIN_SHARES = [0.4, 0.6, 0.8, 1, 1.2];

/** The defaults: event rates and seconds of the latency runs, seconds of each sustained run and of the raw round. */
export const LATENCY_DEFAULTS = {
  rates: [10, 100],
  seconds: 10,
  sustainSeconds: 15,
  /**
   * The risk-aware forecast: the demo plant with uncertain times (examples/order-flow-uncertain.json),
   * a Monte Carlo forecast of `replications` draws after each batch, `orders` active orders, `rate` events/s.
   */
  riskAware: { rate: 100, orders: 1_000, replications: 100 },
  batchingWindowMs: 1_000,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * DynamoDB Local (Java) writes at a fraction of its speed until its JIT has compiled the write path:
 * raw rounds of 5 s until two in a row agree within 10 % (at least 5, at most 8 rounds).
 */
async function warmUp(store: DynamoDbStateStore, progress: (text: string) => void): Promise<void> {
  let previous = 0;
  for (let round = 1; round <= 8; round++) {
    const { perSecond } = await rawWriteRate(store, 5, `warm-${round}`);
    progress(`warming DynamoDB Local up: ${perSecond} writes/s`);
    if (round >= 5 && Math.abs(perSecond - previous) <= 0.1 * previous) return;
    previous = perSecond;
  }
}

/** Runs the benchmark on fresh emulators and a fresh embedded twin. */
export async function latencyBench(
  options: {
    rates?: number[];
    seconds?: number;
    sustainShares?: number[];
    sustainSeconds?: number;
    riskAware?: { rate: number; orders: number; replications: number };
    progress?: (text: string) => void;
  } = {},
): Promise<LatencyBenchResult> {
  const progress = options.progress ?? (() => {});
  const seconds = options.seconds ?? LATENCY_DEFAULTS.seconds;
  const sustainSeconds = options.sustainSeconds ?? LATENCY_DEFAULTS.sustainSeconds;
  const { batchingWindowMs } = LATENCY_DEFAULTS;
  // The emulators are started here rather than by the twin, so that the raw rate is measured on the
  // pipeline's own table: DynamoDB Local's speed differs from table to table.
  const emulators = await startEmulators({ kinesis: 'kinesalite' });
  const clients = createClients(emulators.endpoints);
  const names = resourceNames();
  let twin: RunningTwin | undefined;
  try {
    await provision(clients, names);
    const store = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
    await warmUp(store, progress);
    progress(`DynamoDB Local's raw write rate (${sustainSeconds} s)`);
    const raw = await rawWriteRate(store, sustainSeconds, 'raw');

    const start = (risk?: { replications: number }) =>
      startTwin({
        endpoints: emulators.endpoints,
        port: 0,
        scenario: 'none',
        batchingWindowMs,
        log: () => {},
        ...(risk !== undefined && { model: uncertainModel(), replications: risk.replications }),
      });
    let running = await start();
    twin = running;
    let totalPut = 0;
    const put = async (events: OrderEvent[]) => {
      await putEvents(clients.kinesis, names.stream, events);
      totalPut += events.length;
    };
    /** Waits until the pipeline has ingested everything put so far, and its forecast has followed. */
    const drain = async () => {
      const until = performance.now() + 180_000;
      while (running.status().eventsIn < totalPut && performance.now() < until) await sleep(200);
      await sleep(1_500);
    };
    /** The latest event time the stored forecast reflects. */
    const reflectedUpTo = async () => {
      const { Item } = await clients.documentClient.send(
        new GetCommand({
          TableName: names.forecastsTable,
          Key: { pk: ForecastKeys.partition, sk: ForecastKeys.latest },
          ProjectionExpression: 'stateVersion',
          ConsistentRead: true,
        }),
      );
      return (Item?.stateVersion as { latestEventAt?: number } | undefined)?.latestEventAt ?? 0;
    };

    /** Events at `rate` for `runSeconds`; `orders` active orders are put (accepted) before it starts. */
    const runAt = async (
      rate: number,
      label: string,
      runSeconds: number,
      orders?: number,
      replications?: number,
    ): Promise<LatencyRow> => {
      await drain();
      const source = liveEvents(`${label}-${rate}`, rate, orders);
      if (orders !== undefined) {
        progress(`${label}: ${orders} active orders`);
        const accepted = Array.from({ length: orders }, source.next);
        for (let i = 0; i < accepted.length; i += 500) await put(accepted.slice(i, i + 500));
        await drain();
      }
      progress(`${label}: ${rate} events/s for ${runSeconds} s`);
      const sent: { at: number; sentAt: number }[] = [];
      const latencies: number[] = [];
      const inBefore = running.status().eventsIn;
      let putting = true;
      let deadline = Number.POSITIVE_INFINITY;
      const watcher = (async () => {
        while (putting || (latencies.length < sent.length && performance.now() < deadline)) {
          const latest = await reflectedUpTo();
          const now = performance.now();
          while (latencies.length < sent.length && sent[latencies.length]!.at <= latest)
            latencies.push(now - sent[latencies.length]!.sentAt);
          await sleep(100);
        }
      })();
      // Ten PutRecords a second, each with a tenth of the second's events.
      const started = performance.now();
      for (let tick = 0; performance.now() - started < runSeconds * 1000; tick++) {
        const due = started + tick * 100;
        if (due > performance.now()) await sleep(due - performance.now());
        const count = Math.max(1, Math.round((rate * (tick + 1)) / 10) - Math.round((rate * tick) / 10));
        const events = Array.from({ length: count }, source.next);
        const sentAt = performance.now();
        await put(events);
        for (const e of events) sent.push({ at: Date.parse(e.occurredAt), sentAt });
      }
      const backlogAtEnd = sent.length - (running.status().eventsIn - inBefore);
      putting = false;
      deadline = performance.now() + 60_000;
      await watcher;
      await put(source.finish());
      return {
        rate,
        activeOrders: orders ?? Math.max(40, Math.round(rate)),
        replications,
        events: sent.length,
        p50Ms: Math.round(quantileOf(latencies, 0.5)),
        p95Ms: Math.round(quantileOf(latencies, 0.95)),
        maxMs: Math.round(quantileOf(latencies, 1)),
        backlogAtEnd,
        lost: sent.length - latencies.length,
      };
    };

    // The pipeline's first run after a start pays for cold code paths: not measured.
    await runAt(Math.round(raw.perSecond * 0.5), 'warm-up', 5);
    const rows: LatencyRow[] = [];
    for (const rate of options.rates ?? LATENCY_DEFAULTS.rates)
      rows.push(await runAt(rate, 'latency', seconds));
    const sustainRuns: LatencyBenchResult['sustainRuns'] = [];
    for (const share of options.sustainShares ?? SUSTAIN_SHARES) {
      const row = await runAt(Math.round(raw.perSecond * share), 'sustained', sustainSeconds);
      const sustained = isSustained(row);
      sustainRuns.push({ ...row, sustained });
      if (!sustained) break;
    }
    // The risk-aware forecast: another twin on the same emulators, its forecast Monte Carlo.
    const risk = options.riskAware ?? LATENCY_DEFAULTS.riskAware;
    await running.stop();
    twin = undefined;
    running = await start(risk);
    twin = running;
    await runAt(risk.rate, 'risk-aware warm-up', 5, risk.orders, risk.replications);
    rows.push(await runAt(risk.rate, 'risk-aware', seconds, risk.orders, risk.replications));
    return {
      batchingWindowMs,
      rows,
      sustainRuns,
      sustainedPerSecond: Math.max(0, ...sustainRuns.filter((r) => r.sustained).map((r) => r.rate)),
      rawPerSecond: raw.perSecond,
      sustainSeconds,
    };
  } finally {
    await twin?.stop();
    destroyClients(clients);
    await emulators.stop();
  }
}
