// The CPU of each piece of work the embedded pipeline does beyond the ingest's write, measured one
// piece at a time on warm emulators, in every process: putting events on Kinesis and reading them
// back, reading the table's stream, and the forecast's Query of the active orders. Beside them, the
// ingest's write itself (the raw round of `twin bench latency`). CPU from /proc (Linux only).
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { createPollerClients, destroyClients, LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/clients.ts';
import { toDynamoDbEventRecord, toDynamoDbRecord } from '../local/dynamodbStreamEvent.ts';
import {
  DynamoDbStreamShardReader,
  dynamoDbStreamShards,
  KinesisShardReader,
  kinesisShards,
} from '../local/pollers/readers.ts';
import { provision } from '../local/provision.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { toDomainEvent } from '../state/events.ts';
import { plantEvents, putEvents, timedApply } from './ingestBench.ts';
import { cpuSeconds, microsPerEach, rawRound, startBenchEmulators, warmUp } from './latencyBench.ts';

export interface PartCost {
  part: string;
  /** What one unit is: a write, an event, a record, an item. */
  per: string;
  units: number;
  /** CPU µs per unit, by process; kinesalite's only where it takes part. */
  cpuMicros: { dynamodbLocal: number; kinesalite?: number; client: number };
}

/** The pipeline's pieces of work, each measured alone (a few seconds each, after DynamoDB Local's warm-up). */
export async function partsCostBench(
  options: {
    /** Events per piece (a multiple of 7: whole order lives); default 7,000. */
    events?: number;
    /** Active orders the Query reads; default 1,000. */
    activeOrders?: number;
    /** Query rounds over the active orders; default 20. */
    queries?: number;
    /** Skip DynamoDB Local's JIT warm-up (for tests: the figures are then not representative). */
    warm?: boolean;
    progress?: (text: string) => void;
  } = {},
): Promise<PartCost[]> {
  const events = options.events ?? 7_000;
  const activeOrders = options.activeOrders ?? 1_000;
  const queries = options.queries ?? 20;
  const progress = options.progress ?? (() => {});
  const { endpoints, clients, names, pids, stop } = await startBenchEmulators();
  const pollerClients = createPollerClients(endpoints);
  // A client as the SDK makes it by default, with its per-call log step (contracts/sdkClients.ts):
  // it reads the same stream records as the twin's clients, to show what that step costs.
  const defaultStreamsClient = new DynamoDBStreamsClient({
    endpoint: endpoints.dynamodb,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
  });
  const parts: PartCost[] = [];
  /** Runs `work` and records the CPU each process used for it, per unit. */
  const measure = async (part: string, per: string, work: () => Promise<number>, kinesis: boolean) => {
    progress(part);
    const before = {
      dynamodbLocal: cpuSeconds(pids.dynamodbLocal) ?? Number.NaN,
      kinesalite: cpuSeconds(pids.kinesalite) ?? Number.NaN,
      client: process.cpuUsage(),
    };
    const units = await work();
    const client = process.cpuUsage(before.client);
    parts.push({
      part,
      per,
      units,
      cpuMicros: {
        dynamodbLocal: microsPerEach(
          (cpuSeconds(pids.dynamodbLocal) ?? Number.NaN) - before.dynamodbLocal,
          units,
        ),
        ...(kinesis && {
          kinesalite: microsPerEach((cpuSeconds(pids.kinesalite) ?? Number.NaN) - before.kinesalite, units),
        }),
        client: microsPerEach((client.user + client.system) / 1e6, units),
      },
    });
  };
  try {
    await provision(clients, names);
    if (options.warm !== false) await warmUp(clients, names.orderStateTable, progress);
    const table = await clients.dynamodb.send(new DescribeTableCommand({ TableName: names.orderStateTable }));
    const streamArn = table.Table!.LatestStreamArn!;
    // The stream is read from its end as it stands now: only the changes written below are measured.
    const streamShards = await dynamoDbStreamShards(pollerClients.dynamodbStreams, streamArn);
    const readersAtEnd = () =>
      Promise.all(
        streamShards.map(async ({ shardId }) => {
          const reader = new DynamoDbStreamShardReader(pollerClients.dynamodbStreams, streamArn, shardId);
          await reader.open(undefined);
          while ((await reader.read(1_000)).records.length > 0) {}
          return reader;
        }),
      );
    // A first reading, not measured, warms both processes' code for it: measured first and cold, the
    // pollers' way read 7,000 records with 151 µs of DynamoDB Local's CPU a record, the SDK's way
    // next with 37 (`npm run bench` on 8aeb746).
    const warmUpReaders = await readersAtEnd();
    const readers = await readersAtEnd();
    /** Iterators at the end of every shard, for reading the same records with the SDK's GetRecords. */
    const iteratorsAtEnd = (client: DynamoDBStreamsClient) =>
      Promise.all(
        streamShards.map(
          async ({ shardId }) =>
            (
              await client.send(
                new GetShardIteratorCommand({
                  StreamArn: streamArn,
                  ShardId: shardId,
                  ShardIteratorType: 'LATEST',
                }),
              )
            ).ShardIterator,
        ),
      );
    const twinClientIterators = await iteratorsAtEnd(clients.dynamodbStreams);
    const defaultClientIterators = await iteratorsAtEnd(defaultStreamsClient);
    /** Reads every shard to its end, 100 records a call, each record as the forecast's event carries it. */
    const readAll = async (readers: DynamoDbStreamShardReader[]) => {
      let read = 0;
      for (const reader of readers) {
        for (let page = await reader.read(100); page.records.length > 0; page = await reader.read(100)) {
          const events = page.records.map((r) => toDynamoDbEventRecord(r.record, streamArn));
          read += events.length;
        }
      }
      return read;
    };
    const readAllInSdkTypes = async (client: DynamoDBStreamsClient, iterators: (string | undefined)[]) => {
      let read = 0;
      for (let iterator of iterators) {
        while (iterator !== undefined) {
          const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
          const records = (page.Records ?? []).map((r) => toDynamoDbRecord(r, streamArn));
          if (records.length === 0) break;
          read += records.length;
          iterator = page.NextShardIterator;
        }
      }
      return read;
    };

    const raw = await rawRound(clients, names.orderStateTable, 'parts-raw', 16, pids.dynamodbLocal);
    parts.push({
      part: "the ingest's conditional update (16 at once)",
      per: 'write',
      units: raw.writes,
      cpuMicros: {
        dynamodbLocal: microsPerEach(raw.cpuSeconds.dynamodbLocal, raw.writes),
        client: microsPerEach(raw.cpuSeconds.client, raw.writes),
      },
    });

    const kinesisEvents = plantEvents(events, 'parts-kinesis');
    await measure(
      'PutRecords to Kinesis, 70 events a call',
      'event',
      async () => {
        for (let i = 0; i < kinesisEvents.length; i += 70) {
          await putEvents(clients.kinesis, names.stream, kinesisEvents.slice(i, i + 70));
        }
        return kinesisEvents.length;
      },
      true,
    );
    await measure(
      'GetRecords from Kinesis, up to 100 a call',
      'event',
      async () => {
        let read = 0;
        for (const shardId of await kinesisShards(pollerClients.kinesis, names.stream)) {
          const reader = new KinesisShardReader(pollerClients.kinesis, names.stream, shardId);
          await reader.open(undefined);
          for (let page = await reader.read(100); page.records.length > 0; page = await reader.read(100)) {
            read += page.records.length;
          }
        }
        return read;
      },
      true,
    );
    await readAll(warmUpReaders);
    await measure(
      "reading the table's stream (old and new image), up to 100 a call",
      'record',
      () => readAll(readers),
      false,
    );
    await measure(
      "the same records in the SDK's types, by the twin's DynamoDB Streams client",
      'record',
      () => readAllInSdkTypes(clients.dynamodbStreams, twinClientIterators),
      false,
    );
    await measure(
      "the same, by a client that keeps the SDK's per-call log step",
      'record',
      () => readAllInSdkTypes(defaultStreamsClient, defaultClientIterators),
      false,
    );

    // Active orders: each order's first three events (accepted, material ordered, ETA updated).
    const store = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
    const lives = plantEvents(activeOrders * 7, 'parts-active').map(toDomainEvent);
    await timedApply(store, lives.slice(0, activeOrders * 3), 16);
    await store.listActive(); // its code paths warm, not measured
    await measure(
      "the forecast's Query of the active orders (only the fields it reads)",
      'item',
      async () => {
        let items = 0;
        for (let i = 0; i < queries; i++) items += (await store.listActive()).length;
        return items;
      },
      false,
    );
    return parts;
  } finally {
    defaultStreamsClient.destroy();
    destroyClients(pollerClients);
    await stop();
  }
}
