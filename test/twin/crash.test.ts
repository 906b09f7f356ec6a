// The pipeline process killed with SIGKILL in the middle of a batch and started again, while the
// emulators (standing in for AWS's durable services) stay up: every event is reflected exactly
// once, nothing is lost, a poison record ends in the failure file, and forecasting resumes.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantEvents } from '../../bench/ingestBench.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { type AwsClients, createClients, destroyClients } from '../../local/clients.ts';
import { type RunningEmulators, startEmulators } from '../../local/emulators.ts';
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
        'bin/twin.mjs',
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
    for (let i = 0; i < records.length; i += 500) {
      await clients.kinesis.send(
        new PutRecordsCommand({ StreamName: names.stream, Records: records.slice(i, i + 500) }),
      );
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'twin-crash-'));
    const states = new DynamoDbStateStore(clients.documentClient, names.orderStateTable);

    const first = startPipeline(dataDir);
    await waitFor('the first checkpoints', () => existsSync(join(dataDir, 'checkpoints.json')), 60_000, 20);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const before = readFileSync(join(dataDir, 'checkpoints.json'), 'utf8');

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
    expect(before).not.toBe(readFileSync(join(dataDir, 'checkpoints.json'), 'utf8'));
    const failures = readFileSync(join(dataDir, 'failures.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ partitionKey: 'crash-7', data: '{"poison": true' });
    expect(failures[0].reason).toMatch(/not valid JSON/);
    const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    const latest = await waitFor('a forecast', () => forecasts.latest(), 30_000);
    expect(latest.stateVersion.latestEventAt).toBeGreaterThan(0);

    second.child.kill('SIGTERM');
    const code = await new Promise((r) => second.child.once('exit', r));
    expect(code, second.output()).toBe(0);
  }, 180_000);
});
