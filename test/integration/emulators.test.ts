// The local emulators against the real AWS SDK: they start, hold the twin's resources, carry records and table
// changes, keep data in a data directory, and stop without leaving a process behind.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetShardIteratorCommand as GetTableStreamIteratorCommand,
  GetRecordsCommand as GetTableStreamRecordsCommand,
  type _Record as TableStreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { OrderStateTable, resourceNames } from '../../contracts/resources.ts';
import { createClients, createPollerClients, destroyClients } from '../../local/clients.ts';
import {
  EmulatorStartError,
  JavaMissingError,
  KinesisEngines,
  startDynamoDbLocal,
  startEmulators,
} from '../../local/emulators/index.ts';
import { readAllRecords } from '../../local/kinesisEvent.ts';
import {
  DynamoDbStreamShardReader,
  dynamoDbStreamShards,
  KinesisShardReader,
} from '../../local/pollers/readers.ts';
import type { ShardReader } from '../../local/pollers/ShardPoller.ts';
import { provision } from '../../local/provision.ts';
import { useEmulators } from '../support/emulators.ts';

const exec = promisify(execFile);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function eventually<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every record a shard reader finds from the start of its shard, until a page comes back empty. */
async function readShard<R>(reader: ShardReader<R>): Promise<R[]> {
  await reader.open(undefined);
  const records: R[] = [];
  for (let page = await reader.read(100); page.records.length > 0; page = await reader.read(100)) {
    records.push(...page.records.map((r) => r.record));
  }
  return records;
}

/** Reads a one-shard Kinesis stream from its start until `count` records have come back. */
async function readStream(kinesis: KinesisClient, streamName: string, count: number) {
  const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  expect(Shards).toHaveLength(1);
  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: Shards![0]!.ShardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const records: { data: string; partitionKey: string; sequenceNumber: string }[] = [];
  let iterator = ShardIterator;
  for (let call = 0; call < 20 && iterator && records.length < count; call++) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
    for (const r of page.Records ?? []) {
      records.push({
        data: decoder.decode(r.Data),
        partitionKey: r.PartitionKey!,
        sequenceNumber: r.SequenceNumber!,
      });
    }
    iterator = page.NextShardIterator;
  }
  return records;
}

describe.each(KinesisEngines)('the local emulators with %s', (engine) => {
  const twin = useEmulators(engine);

  it('provisions the stream and both tables as the contracts define them', async () => {
    const { kinesis, dynamodb } = twin.clients;
    const { names } = twin;

    const stream = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: names.stream }));
    const orderState = await dynamodb.send(new DescribeTableCommand({ TableName: names.orderStateTable }));
    const forecasts = await dynamodb.send(new DescribeTableCommand({ TableName: names.forecastsTable }));
    const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: names.forecastsTable }));

    expect(stream.StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 1 });
    expect(orderState.Table).toMatchObject({
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'active-orders',
          IndexStatus: 'ACTIVE',
          KeySchema: [
            { AttributeName: 'activeShard', KeyType: 'HASH' },
            { AttributeName: 'orderId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    expect(orderState.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(forecasts.Table).toMatchObject({
      TableStatus: 'ACTIVE',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(ttl.TimeToLiveDescription).toMatchObject({
      AttributeName: 'expiresAt',
      TimeToLiveStatus: 'ENABLED',
    });
    expect(twin.provisioned.orderStateStreamArn).toBe(orderState.Table?.LatestStreamArn);
  });

  it('provisions a second time without recreating anything', async () => {
    const { kinesis, dynamodb } = twin.clients;

    const again = await provision(twin.clients, twin.names);

    expect(again).toEqual(twin.provisioned);
    const { StreamNames } = await kinesis.send(new ListStreamsCommand({}));
    const { TableNames } = await dynamodb.send(new ListTablesCommand({}));
    expect(StreamNames?.filter((n) => n === twin.names.stream)).toHaveLength(1);
    const ours = [twin.names.orderStateTable, twin.names.forecastsTable];
    expect(TableNames?.filter((n) => ours.includes(n)).sort()).toEqual(ours.sort());
  });

  it('reads back 50 records from the start of the stream, in order and intact', async () => {
    const { kinesis } = twin.clients;
    const sent = Array.from({ length: 50 }, (_, i) => ({
      partitionKey: `order-${i % 5}`,
      data: JSON.stringify({ seq: i, type: 'OrderAccepted', orderId: `order-${i % 5}` }),
    }));

    const put = await kinesis.send(
      new PutRecordsCommand({
        StreamName: twin.names.stream,
        Records: sent.map((r) => ({ PartitionKey: r.partitionKey, Data: encoder.encode(r.data) })),
      }),
    );
    const read = await readStream(kinesis, twin.names.stream, sent.length);

    expect(put.FailedRecordCount ?? 0).toBe(0);
    expect(read.map(({ data, partitionKey }) => ({ data, partitionKey }))).toEqual(sent);
    expect(read.map((r) => r.sequenceNumber)).toEqual(put.Records?.map((r) => r.SequenceNumber));
  });

  it("delivers a change of order-state to the table's stream with old and new images", async () => {
    const { dynamodb, dynamodbStreams, documentClient } = twin.clients;
    const TableName = twin.names.orderStateTable;
    const orderId = `stream-${engine}`;

    await documentClient.send(new PutCommand({ TableName, Item: { orderId, status: 'accepted' } }));
    await documentClient.send(
      new UpdateCommand({
        TableName,
        Key: { orderId },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'ready' },
      }),
    );
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName }));
    const StreamArn = Table!.LatestStreamArn!;
    const records = await eventually('both changes on the table stream', async () => {
      const { StreamDescription } = await dynamodbStreams.send(new DescribeStreamCommand({ StreamArn }));
      const found: TableStreamRecord[] = [];
      for (const shard of StreamDescription?.Shards ?? []) {
        const { ShardIterator } = await dynamodbStreams.send(
          new GetTableStreamIteratorCommand({
            StreamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        const page = await dynamodbStreams.send(new GetTableStreamRecordsCommand({ ShardIterator }));
        found.push(...(page.Records ?? []).filter((r) => r.dynamodb?.Keys?.orderId?.S === orderId));
      }
      return found.length >= 2 ? found : undefined;
    });

    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
    expect(records[1]?.dynamodb).toMatchObject({
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      OldImage: { orderId: { S: orderId }, status: { S: 'accepted' } },
      NewImage: { orderId: { S: orderId }, status: { S: 'ready' } },
    });
  });

  it('lists an order with activeShard in the active-orders index, and not one without', async () => {
    const { documentClient } = twin.clients;
    const TableName = twin.names.orderStateTable;

    await documentClient.send(new PutCommand({ TableName, Item: { orderId: 'active-1', activeShard: '0' } }));
    await documentClient.send(
      new PutCommand({ TableName, Item: { orderId: 'delivered-1', status: 'delivered' } }),
    );
    const { Items } = await documentClient.send(
      new QueryCommand({
        TableName,
        IndexName: OrderStateTable.activeIndex.name,
        KeyConditionExpression: 'activeShard = :shard',
        ExpressionAttributeValues: { ':shard': '0' },
      }),
    );

    expect(Items?.map((i) => i.orderId)).toEqual(['active-1']);
  });

  it("hands the pollers each record in the shape Lambda's event source mapping delivers", async () => {
    const { kinesis, dynamodb } = twin.clients;
    const { names, provisioned } = twin;
    // Bytes that are not UTF-8 on the stream; a binary attribute (the one attribute type the SDK's
    // types carry differently from Lambda's event) in the table.
    const putAt = Date.now() / 1000;
    /** Epoch seconds (not ms) from about the put to now, however long a loaded machine took. */
    const expectEpochSecondsSincePut = (seconds: number) => {
      expect(seconds).toBeGreaterThan(putAt - 60);
      expect(seconds).toBeLessThan(Date.now() / 1000 + 60);
    };
    const put = await kinesis.send(
      new PutRecordsCommand({
        StreamName: names.stream,
        Records: [{ PartitionKey: 'bytes', Data: new Uint8Array([0xff, 0x00, 0x80]) }],
      }),
    );
    await dynamodb.send(
      new PutItemCommand({
        TableName: names.orderStateTable,
        Item: { orderId: { S: `binary-${engine}` }, blob: { B: new Uint8Array([1, 2, 255]) } },
      }),
    );
    const pollers = createPollerClients(twin.running.endpoints);
    try {
      const { shardId } = (await readAllRecords(kinesis, names.stream))[0]!;
      const stream = { name: names.stream, arn: provisioned.streamArn };
      const sequenceNumber = put.Records![0]!.SequenceNumber!;
      const kinesisRecords = await readShard(new KinesisShardReader(pollers.kinesis, stream, shardId));
      expect(kinesisRecords.at(-1)).toEqual({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: 'bytes',
          sequenceNumber,
          data: '/wCA', // the bytes ff 00 80, in base64
          approximateArrivalTimestamp: expect.any(Number),
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: expect.any(String),
        awsRegion: 'us-east-1',
        eventSourceARN: provisioned.streamArn,
      });
      const arrival = kinesisRecords.at(-1)!.kinesis.approximateArrivalTimestamp;
      expectEpochSecondsSincePut(arrival);

      const streamArn = provisioned.orderStateStreamArn;
      const change = await eventually('the binary item on the table stream', async () => {
        const read = [];
        for (const { shardId: id } of await dynamoDbStreamShards(pollers.dynamodbStreams, streamArn)) {
          read.push(
            ...(await readShard(new DynamoDbStreamShardReader(pollers.dynamodbStreams, streamArn, id))),
          );
        }
        return read.find((r) => r.dynamodb?.Keys?.orderId?.S === `binary-${engine}`);
      });
      expect(change).toEqual({
        eventID: expect.any(String),
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: expect.any(String), // as the stream names it (DynamoDB Local: "ddblocal")
        eventSourceARN: streamArn,
        dynamodb: {
          ApproximateCreationDateTime: expect.any(Number),
          Keys: { orderId: { S: `binary-${engine}` } },
          NewImage: { orderId: { S: `binary-${engine}` }, blob: { B: 'AQL/' } }, // base64, as Lambda's event carries it
          SequenceNumber: expect.any(String),
          SizeBytes: expect.any(Number),
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      });
      expectEpochSecondsSincePut(change.dynamodb!.ApproximateCreationDateTime!);
    } finally {
      destroyClients(pollers);
    }
  });

  it('stops both emulators, leaving no process behind, and a second stop is harmless', async () => {
    const { kinesis, dynamodb } = twin.running.emulators;
    expect(isRunning(kinesis.pid) && isRunning(dynamodb.pid)).toBe(true);

    await twin.running.stop();
    await twin.running.stop();

    expect(isRunning(kinesis.pid)).toBe(false);
    expect(isRunning(dynamodb.pid)).toBe(false);
  });
});

describe('a data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'twin-emulators-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps kinesalite records and DynamoDB Local items across a restart', async () => {
    const names = resourceNames('persist-');
    const first = await startEmulators({ kinesis: 'kinesalite', dataDir });
    try {
      const clients = createClients(first.endpoints);
      await provision(clients, names);
      await clients.kinesis.send(
        new PutRecordsCommand({
          StreamName: names.stream,
          Records: [{ PartitionKey: 'order-1', Data: encoder.encode('kept') }],
        }),
      );
      await clients.documentClient.send(
        new PutCommand({ TableName: names.orderStateTable, Item: { orderId: 'kept' } }),
      );
      destroyClients(clients);
    } finally {
      await first.stop();
    }

    const second = await startEmulators({ kinesis: 'kinesalite', dataDir });
    try {
      const clients = createClients(second.endpoints);
      await provision(clients, names);
      const records = await readStream(clients.kinesis, names.stream, 1);
      const item = await clients.documentClient.send(
        new GetCommand({ TableName: names.orderStateTable, Key: { orderId: 'kept' } }),
      );
      destroyClients(clients);

      expect(records.map((r) => r.data)).toEqual(['kept']);
      expect(item.Item).toEqual({ orderId: 'kept' });
    } finally {
      await second.stop();
    }
  }, 60_000);
});

describe('start failures', () => {
  it('says in one line that Java is missing, and how to install it', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'no-java-'));
    const { JAVA_HOME: _ignored, ...env } = process.env;

    const error = await startDynamoDbLocal({ env: { ...env, PATH: emptyDir } }).catch((e: unknown) => e);
    rmSync(emptyDir, { recursive: true, force: true });

    expect(error).toBeInstanceOf(JavaMissingError);
    const { message } = error as Error;
    expect(message).not.toContain('\n');
    expect(message).toContain('Java runtime 17+');
    expect(message).toContain('apt-get install openjdk-17-jre-headless');
  });

  it('reports a child that dies while starting in one line with its port and its last output', async () => {
    // Node is no Java: it rejects the JVM's options on stderr and exits at once.
    const error = await startDynamoDbLocal({ javaCommand: process.execPath }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EmulatorStartError);
    const { message, port } = error as EmulatorStartError;
    expect(message).not.toContain('\n');
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toMatch(/exited with code \d+ before answering/);
    expect(message).toContain('bad option');
  });
});

describe('a process that started emulators', () => {
  const script = (ending: string) => `
    import { startKinesalite } from ${JSON.stringify(fileURLToPath(new URL('../../local/emulators/index.ts', import.meta.url)))};
    const emulator = await startKinesalite();
    console.log(emulator.pid);
    ${ending}
  `;
  // Fails if the emulator outlives its parent, and then kills it: a failing test must not leave an orphan either.
  const expectToDie = async (pid: number) => {
    try {
      await eventually(`emulator ${pid} to die with its parent`, async () =>
        isRunning(pid) ? undefined : true,
      );
    } finally {
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  };
  const scriptDir = mkdtempSync(join(tmpdir(), 'twin-parent-'));
  afterAll(() => rmSync(scriptDir, { recursive: true, force: true }));
  const writeScript = (name: string, ending: string) => {
    const file = join(scriptDir, `${name}.mts`);
    writeFileSync(file, script(ending));
    return file;
  };

  it('takes its emulators with it when it exits', async () => {
    const file = writeScript('exits', 'process.exit(0);');

    const { stdout } = await exec(process.execPath, ['--import', 'tsx', file]);

    const pid = Number(stdout.trim());
    expect(pid).toBeGreaterThan(0);
    await expectToDie(pid);
  });

  it.runIf(process.platform === 'linux')('takes its emulators with it when it is killed', async () => {
    const file = writeScript('killed', 'setInterval(() => {}, 1_000);');
    const parent = spawn(process.execPath, ['--import', 'tsx', file], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });

    const pid = await new Promise<number>((resolvePid) =>
      parent.stdout.once('data', (chunk: Buffer) => resolvePid(Number(chunk.toString().trim()))),
    );
    expect(isRunning(pid)).toBe(true);
    parent.kill('SIGKILL');
    await new Promise((r) => parent.once('exit', r));

    await expectToDie(pid);
  });
});
