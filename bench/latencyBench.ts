// End-to-end latency of the embedded twin: from an event's PutRecords to the first readable forecast
// that reflects it, at given event rates; and the highest rate sustained with nothing lost, beside
// DynamoDB Local's raw write rate measured in the same run.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ORDER_EVENT_TYPES, type OrderEvent } from '../contracts/events.ts';
import { ForecastKeys } from '../contracts/forecastRecord.ts';
import { resourceNames } from '../contracts/resources.ts';
import { createClients, destroyClients } from '../local/clients.ts';
import { provision } from '../local/provision.ts';
import { startTwin } from '../local/runtime.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { toDomainEvent } from '../state/events.ts';
import { plantEvents } from './ingestBench.ts';

export interface LatencyRow {
  rate: number;
  events: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Events not reflected in a forecast within 30 s after the last was put. */
  lost: number;
}

export interface LatencyBenchResult {
  rows: LatencyRow[];
  /** The highest rate tried whose events were all reflected, with p95 under 5 s. */
  sustainedPerSecond: number;
  rawPerSecond: number;
}

/** An order's events in the order of its life (the schema lists them so). */
const TYPES = ORDER_EVENT_TYPES;

/** Events of orders moving through their lives, about 40 active at a time, with strictly increasing times. */
function eventSource(prefix: string) {
  const active: { id: string; stage: number }[] = [];
  let orders = 0;
  let turn = 0;
  let last = 0;
  return (): OrderEvent => {
    const now = Math.max(last + 1, Date.now());
    last = now;
    if (active.length < 40) active.push({ id: `${prefix}-${++orders}`, stage: 0 });
    const order = active[turn++ % active.length]!;
    const type = TYPES[order.stage++]!;
    if (order.stage === TYPES.length) active.splice(active.indexOf(order), 1);
    const iso = (t: number) => new Date(t).toISOString();
    const extra =
      type === 'OrderAccepted'
        ? { dueAt: iso(now + 3_600_000) }
        : type === 'MaterialOrdered' || type === 'EtaUpdated'
          ? { eta: iso(now + 600_000) }
          : {};
    return {
      eventId: `${order.id}-${order.stage}`,
      orderId: order.id,
      occurredAt: iso(now),
      type,
      ...extra,
    } as OrderEvent;
  };
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};

/** Runs the latency benchmark on a fresh embedded twin (1 s batching window for the forecast). */
export async function latencyBench(
  options: {
    rates?: number[];
    sustainRates?: number[];
    seconds?: number;
    progress?: (text: string) => void;
  } = {},
): Promise<LatencyBenchResult> {
  const progress = options.progress ?? (() => {});
  const seconds = options.seconds ?? 10;
  const twin = await startTwin({ port: 0, scenario: 'none', batchingWindowMs: 1_000, log: () => {} });
  const clients = createClients(twin.endpoints);
  const names = resourceNames();
  try {
    // DynamoDB Local's raw rate for the ingest's conditional update, on a table of its own.
    progress('DynamoDB Local raw rate');
    const rawNames = resourceNames('latency-raw-');
    await provision(clients, rawNames);
    const raw = new DynamoDbStateStore(clients.documentClient, rawNames.orderStateTable);
    const rawEvents = plantEvents(6_000, 'raw').map(toDomainEvent);
    let next = 0;
    const pool = async (events: typeof rawEvents) => {
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = next++; i < events.length; i = next++) await raw.apply(events[i]!);
        }),
      );
    };
    await pool(rawEvents.slice(0, 3_000));
    const rawStart = performance.now();
    next = 0;
    await pool(rawEvents.slice(3_000));
    const rawPerSecond = Math.round((3_000 / (performance.now() - rawStart)) * 1000);

    let totalPut = 0;
    /** Waits until the pipeline has ingested everything put so far (a run starts from an empty backlog). */
    const drain = async () => {
      const until = performance.now() + 120_000;
      while (twin.status().eventsIn < totalPut && performance.now() < until)
        await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 1_500));
    };
    const runAt = async (rate: number, label: string): Promise<LatencyRow> => {
      await drain();
      progress(`${label}: ${rate} events/s for ${seconds} s`);
      const source = eventSource(`r${rate}-${label}`);
      const putAt: { at: number; sent: number }[] = [];
      const latencies: number[] = [];
      let reflected = 0;
      let done = false;
      let deadline = Number.POSITIVE_INFINITY;
      const watcher = (async () => {
        while (!done || reflected < putAt.length) {
          const { Item } = await clients.documentClient.send(
            new GetCommand({
              TableName: names.forecastsTable,
              Key: { pk: ForecastKeys.partition, sk: ForecastKeys.latest },
              ProjectionExpression: 'stateVersion',
              ConsistentRead: true,
            }),
          );
          const latest = (Item?.stateVersion as { latestEventAt?: number } | undefined)?.latestEventAt ?? 0;
          const now = performance.now();
          while (reflected < putAt.length && putAt[reflected]!.at <= latest)
            latencies.push(now - putAt[reflected++]!.sent);
          if (done && now > deadline) break;
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const started = performance.now();
      for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
        const due = started + tick * 100;
        if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
        const count = Math.max(1, Math.round((rate * (tick + 1)) / 10) - Math.round((rate * tick) / 10));
        const events = Array.from({ length: count }, source);
        const sent = performance.now();
        for (let i = 0; i < events.length; i += 500) {
          const chunk = events.slice(i, i + 500);
          const result = await clients.kinesis.send(
            new PutRecordsCommand({
              StreamName: names.stream,
              Records: chunk.map((e) => ({ PartitionKey: e.orderId, Data: Buffer.from(JSON.stringify(e)) })),
            }),
          );
          if (result.FailedRecordCount)
            throw new Error(`kinesalite rejected ${result.FailedRecordCount} records`);
        }
        for (const e of events) putAt.push({ at: Date.parse(e.occurredAt), sent });
        totalPut += events.length;
      }
      done = true;
      deadline = performance.now() + 30_000;
      await watcher;
      const round = (x: number) => Math.round(x);
      return {
        rate,
        events: putAt.length,
        p50Ms: round(quantile(latencies, 0.5)),
        p95Ms: round(quantile(latencies, 0.95)),
        maxMs: round(Math.max(...latencies)),
        lost: putAt.length - reflected,
      };
    };

    const rows: LatencyRow[] = [];
    for (const rate of options.rates ?? [10, 100, 1_000]) rows.push(await runAt(rate, 'latency'));
    let sustainedPerSecond = 0;
    for (const rate of options.sustainRates ?? [200, 300, 400, 600, 800]) {
      const row = await runAt(rate, 'sustained');
      progress(`sustained ${rate}/s: p95 ${row.p95Ms} ms, ${row.lost} not reflected`);
      if (row.lost > 0 || row.p95Ms > 5_000) break;
      sustainedPerSecond = rate;
    }
    return { rows, sustainedPerSecond, rawPerSecond };
  } finally {
    destroyClients(clients);
    await twin.stop();
  }
}
