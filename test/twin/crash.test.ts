// The pipeline process killed with SIGKILL in the middle of a batch and started again, while the
// emulators (standing in for AWS's durable services) stay up: every event is reflected exactly
// once, nothing is lost, a poison record published mid-run ends in the failure file, and
// forecasting resumes.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantEvents } from '../../bench/ingestBench.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { type AwsClients, createClients, destroyClients } from '../../local/clients.ts';
import { type RunningEmulators, startEmulators } from '../../local/emulators/index.ts';
import { readAllRecords } from '../../local/kinesisEvent.ts';
import { provision } from '../../local/provision.ts';
import { applyEvent, type StoredOrderState } from '../../state/applyEvent.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { toDomainEvent } from '../../state/events.ts';
import { waitFor } from '../support/wait.ts';

describe('pipeline crash', () => {
  let emulators: RunningEmulators;
  let clients: AwsClients;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    emulators = await startEmulators({ kinesis: 'kinesalite' });
    clients = createClients(emulators.endpoints);
    await provision(clients, resourceNames());
  }, 60_000);
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    destroyClients(clients);
    await emulators.stop();
  }, 30_000);

  const startPipeline = (dataDir: string) => {
    const child = spawn(
      process.execPath,
      [
        'bin/twin.cjs',
        'start',
        '--scenario',
        'none',
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--kinesis-endpoint',
        emulators.endpoints.kinesis,
        '--dynamodb-endpoint',
        emulators.endpoints.dynamodb,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d) => {
      output += d;
    });
    child.stderr!.on('data', (d) => {
      output += d;
    });
    return { child, output: () => output };
  };

  it('reflects every event exactly once after a SIGKILL mid-batch and a restart', async () => {
    const names = resourceNames();
    const events = plantEvents(2_100, 'crash');
    const records = events.map((e) => ({ PartitionKey: e.orderId, Data: Buffer.from(JSON.stringify(e)) }));
    records.splice(1_000, 0, { PartitionKey: 'crash-7', Data: Buffer.from('{"poison": true') });
    const publish = async (part: typeof records) => {
      for (let i = 0; i < part.length; i += 500) {
        await clients.kinesis.send(
          new PutRecordsCommand({ StreamName: names.stream, Records: part.slice(i, i + 500) }),
        );
      }
    };
    // The first thousand events before the pipeline starts; the rest, the poison record first,
    // while it runs.
    await publish(records.slice(0, 1_000));
    let publishedAll = false;
    const dataDir = mkdtempSync(join(tmpdir(), 'twin-crash-'));
    const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);

    const kinesisCheckpoint = () => {
      const file = join(dataDir, 'checkpoints.json');
      if (!existsSync(file)) return undefined;
      const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      return Object.entries(all).find(([key]) => key.includes(':kinesis:'))?.[1];
    };
    /** Events applied to the state (each changes its order's version by one: events are unique and in order). */
    const applied = async () => {
      const items = await clients.documentClient.send(
        new ScanCommand({ TableName: names.orderStateTable, ProjectionExpression: 'version' }),
      );
      return (items.Items ?? []).reduce((n, item) => n + (item.version as number), 0);
    };
    let stream = (await readAllRecords(clients.kinesis, names.stream))[0]!.records;
    /** Valid events in the stream up to and including `sequenceNumber`. */
    const validUpTo = (sequenceNumber: string | undefined) => {
      const upTo = stream.findIndex((r) => r.SequenceNumber === sequenceNumber);
      return stream.slice(0, upTo + 1).filter((r) => {
        try {
          JSON.parse(Buffer.from(r.Data!).toString('utf8'));
          return true;
        } catch {
          return false;
        }
      }).length;
    };

    // Kill the pipeline while a batch is half applied: more events are in the state than its
    // checkpoint covers. A kill that lands between two batches is tried again (at most 5 times).
    let killedMidBatch = false;
    for (let attempt = 0; attempt < 5 && !killedMidBatch; attempt++) {
      const before = validUpTo(kinesisCheckpoint());
      const run = startPipeline(dataDir);
      await waitFor('the pipeline to apply events', async () => (await applied()) > before + 50, 60_000, 20);
      if (!publishedAll) {
        await publish(records.slice(1_000));
        publishedAll = true;
        stream = (await readAllRecords(clients.kinesis, names.stream))[0]!.records;
      }
      run.child.kill('SIGKILL');
      await new Promise((r) => run.child.once('exit', r));
      const checkpointed = validUpTo(kinesisCheckpoint());
      const inState = await applied();
      killedMidBatch = inState > checkpointed && inState < events.length;
    }
    expect(killedMidBatch).toBe(true);
    const checkpointFile = join(dataDir, 'checkpoints.json');
    const before = existsSync(checkpointFile) ? readFileSync(checkpointFile, 'utf8') : '';

    const second = startPipeline(dataDir);
    const expected = new Map<string, StoredOrderState>();
    for (const event of events) {
      const next = applyEvent(expected.get(event.orderId), toDomainEvent(event));
      if (next) expected.set(event.orderId, next);
    }
    await waitFor(
      'every order in its final state',
      async () => {
        for (const [id, state] of [...expected].slice(-5)) {
          if ((await states.get(id))?.version !== state.version) return false;
        }
        return true;
      },
      90_000,
      500,
    );

    for (const [id, state] of expected) expect(await states.get(id), id).toEqual(state);
    expect(before).not.toBe(readFileSync(checkpointFile, 'utf8'));
    const failures = readFileSync(join(dataDir, 'failures.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ partitionKey: 'crash-7', data: '{"poison": true' });
    expect(failures[0].reason).toMatch(/not valid JSON/);
    const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    // Forecasting resumed too: the latest forecast reflects the last event.
    const lastEventAt = Math.max(...events.map((e) => Date.parse(e.occurredAt)));
    const latest = await waitFor(
      'a forecast of the last event',
      async () => {
        const forecast = await forecasts.latest();
        return forecast?.stateVersion.latestEventAt === lastEventAt ? forecast : undefined;
      },
      30_000,
    );
    expect(latest.stateVersion.latestEventAt).toBe(lastEventAt);

    second.child.kill('SIGTERM');
    const code = await new Promise((r) => second.child.once('exit', r));
    expect(code, second.output()).toBe(0);
  }, 180_000);
});
