// Ingest benchmark: events per second through the ingest (GetRecords from kinesalite → handler →
// DynamoDB Local) beside DynamoDB Local's raw rate for the same conditional update, issued directly
// in alternating rounds of the same run, so that both see the same machine.

import { Logger } from '@aws-lambda-powertools/logger';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import type { OrderEvent } from '../contracts/events.ts';
import { IngestEventSource, resourceNames } from '../contracts/resources.ts';
import { InMemoryFailureSink } from '../ingest/FailureSink.ts';
import { createIngestHandler } from '../ingest/ingestHandler.ts';
import { createClients, createDynamoDbClient, destroyClients } from '../local/clients.ts';
import { startEmulators } from '../local/emulators/index.ts';
import { toKinesisStreamEvent } from '../local/kinesisEvent.ts';
import { provision } from '../local/provision.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { type DomainEvent, toDomainEvent } from '../state/events.ts';
import { ORDER_LIFE } from './liveEvents.ts';
import { countCalls } from './sdkCalls.ts';

export interface IngestBenchResult {
  events: number;
  batchSize: number;
  concurrency: number;
  /** Events per second read from Kinesis (GetRecords) and handled into DynamoDB Local. */
  pipelinePerSecond: number;
  /** DynamoDB calls per event. */
  callsPerEvent: number;
  /** The same conditional UpdateItem issued directly with the same concurrency, in alternating rounds. */
  rawPerSecond: number;
  /** CPU time of this process per event while handling (handler, SDK, JSON), µs. */
  cpuMicrosPerEvent: number;
}

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

/** `n` events of `n / 7` orders' whole lives, interleaved as a plant would produce them. */
export function plantEvents(n: number, prefix = 'o'): OrderEvent[] {
  const orders = Math.ceil(n / 7);
  const events: OrderEvent[] = [];
  for (let step = 0; step < 7 && events.length < n; step++) {
    for (let i = 0; i < orders && events.length < n; i++) {
      const orderId = `${prefix}-${i}`;
      const at = T0 + i * 1000 + step * 600_000;
      const common = { eventId: `${orderId}-${step}`, orderId, occurredAt: iso(at) };
      const type = ORDER_LIFE[step]!;
      const extra =
        type === 'OrderAccepted'
          ? { dueAt: iso(at + 3_600_000) }
          : type === 'MaterialOrdered' || type === 'EtaUpdated'
            ? { eta: iso(at + 600_000) }
            : {};
      events.push({ ...common, type, ...extra } as OrderEvent);
    }
  }
  return events;
}

/** Puts events on the stream (partition key: order id), 500 per PutRecords; a rejected record is an error. */
export async function putEvents(kinesis: KinesisClient, stream: string, events: readonly OrderEvent[]) {
  for (let i = 0; i < events.length; i += 500) {
    const chunk = events.slice(i, i + 500);
    const put = await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: chunk.map((e) => ({ PartitionKey: e.orderId, Data: Buffer.from(JSON.stringify(e)) })),
      }),
    );
    if (put.FailedRecordCount) throw new Error(`PutRecords rejected ${put.FailedRecordCount} records`);
  }
}

/** Writes in flight at once, as the ingest Lambda applies a batch (lambdas/ingest.ts). */
export const INGEST_CONCURRENCY = 16;

/** Runs `work` on every item, `concurrency` at a time. */
async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i]!);
    }),
  );
}

/** Applies `events` through `store` directly, `concurrency` at a time; returns the milliseconds taken. */
export async function timedApply(
  store: DynamoDbStateStore,
  events: readonly DomainEvent[],
  concurrency = INGEST_CONCURRENCY,
): Promise<number> {
  const started = performance.now();
  await pool(events, concurrency, async (e) => void (await store.apply(e)));
  return performance.now() - started;
}

/**
 * DynamoDB Local's raw rate: applies whole order lives directly (the orders end inactive, outside
 * every forecast), in rounds of 2,100 events, until `seconds` have passed. Order ids start with `tag`.
 */
export async function rawWriteRate(
  store: DynamoDbStateStore,
  seconds: number,
  tag: string,
): Promise<{ writes: number; perSecond: number }> {
  let writes = 0;
  let ms = 0;
  for (let round = 0; round === 0 || ms < seconds * 1000; round++) {
    const events = plantEvents(2_100, `${tag}-${round}`).map(toDomainEvent);
    ms += await timedApply(store, events);
    writes += events.length;
  }
  return { writes, perSecond: Math.round((writes / ms) * 1000) };
}

/** Runs the ingest benchmark on kinesalite and DynamoDB Local, started and stopped here. */
export async function ingestBench(
  options: {
    events?: number;
    batchSize?: number;
    concurrency?: number;
    progress?: (text: string) => void;
  } = {},
): Promise<IngestBenchResult> {
  const n = options.events ?? 10_000;
  const batchSize = options.batchSize ?? IngestEventSource.batchSize;
  const concurrency = options.concurrency ?? INGEST_CONCURRENCY;
  const progress = options.progress ?? (() => {});
  const running = await startEmulators({ kinesis: 'kinesalite' });
  const clients = createClients(running.endpoints);
  // The pipeline's store writes through a client of its own, so that its calls are counted apart.
  const pipelineClient = createDynamoDbClient({ endpoint: running.endpoints.dynamodb });
  try {
    const names = resourceNames('bench-');
    const provisioned = await provision(clients, names);
    // Raw updates go to the pipeline's own table (under other order ids): DynamoDB Local's speed
    // differs from table to table, so only the same table is a fair peer.
    const raw = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
    const pipelineCalls = countCalls(pipelineClient);
    const store = new DynamoDbStateStore(pipelineClient, names.orderStateTable);

    // DynamoDB Local (Java) runs its first writes slower, before its JIT has compiled them.
    progress('warming DynamoDB Local up');
    await timedApply(raw, plantEvents(3_000, 'warm').map(toDomainEvent), concurrency);

    progress(`putting ${n.toLocaleString('en')} events on the stream`);
    const events = plantEvents(n);
    await putEvents(clients.kinesis, names.stream, events);

    // The machine's speed varies: the pipeline and the raw rate are measured in alternating rounds
    // of the same size, so both see the same conditions.
    const handler = createIngestHandler({
      store,
      failures: new InMemoryFailureSink(),
      logger: new Logger({ serviceName: 'ingest', logLevel: 'SILENT' }),
      concurrency,
    });
    const shard = (await clients.kinesis.send(new ListShardsCommand({ StreamName: names.stream })))
      .Shards![0]!.ShardId!;
    let iterator = (
      await clients.kinesis.send(
        new GetShardIteratorCommand({
          StreamName: names.stream,
          ShardId: shard,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    const rounds = 5;
    const perRound = Math.ceil(n / rounds);
    let pipelineMs = 0;
    let rawMs = 0;
    let rawEvents = 0;
    let handled = 0;
    let cpuMicros = 0;
    // The raw rate is measured on a replica of the pipeline's events (same mix of new items and
    // updates, which DynamoDB Local handles at different speeds), under other order ids.
    const rawEventsAll = plantEvents(n, 'raw').map(toDomainEvent);
    for (let round = 0; round < rounds && handled < n; round++) {
      progress(`round ${round + 1}/${rounds}: raw updates`);
      const rawBatch = rawEventsAll.slice(round * perRound, (round + 1) * perRound);
      rawMs += await timedApply(raw, rawBatch, concurrency);
      rawEvents += rawBatch.length;

      progress(`round ${round + 1}/${rounds}: pipeline`);
      const started = performance.now();
      let inRound = 0;
      while (inRound < perRound && handled < n && iterator) {
        const page = await clients.kinesis.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(batchSize, perRound - inRound) }),
        );
        iterator = page.NextShardIterator;
        const records = page.Records ?? [];
        if (records.length === 0) continue;
        const cpuBefore = process.cpuUsage();
        const response = await handler(toKinesisStreamEvent(records, provisioned.streamArn, shard));
        const used = process.cpuUsage(cpuBefore);
        cpuMicros += used.user + used.system;
        if (response.batchItemFailures.length > 0)
          throw new Error(`${response.batchItemFailures.length} records failed`);
        inRound += records.length;
        handled += records.length;
      }
      pipelineMs += performance.now() - started;
    }
    if (handled !== n) throw new Error(`read ${handled} of ${n} events back from the stream`);
    return {
      events: n,
      batchSize,
      concurrency,
      pipelinePerSecond: Math.round((n / pipelineMs) * 1000),
      rawPerSecond: Math.round((rawEvents / rawMs) * 1000),
      callsPerEvent: Math.round((pipelineCalls.calls / n) * 100) / 100,
      cpuMicrosPerEvent: Math.round(cpuMicros / n),
    };
  } finally {
    destroyClients(clients);
    pipelineClient.destroy();
    await running.stop();
  }
}
