// An emulator the twin keeps running: killed with SIGKILL, it starts again on the same port with
// the same data, so that a client pointed at it finds it where it left it; stopped, it stays stopped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '../../local/clients.ts';
import {
  type Emulator,
  keepRunning,
  type RestartEvent,
  startKinesalite,
} from '../../local/emulators/index.ts';
import { waitFor } from '../support/wait.ts';

describe('an emulator kept running', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'twin-keep-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts again on its port with its data after a SIGKILL, and stays stopped once stopped', async () => {
    const first = await startKinesalite({ dataDir });
    const client = createKinesisClient({ endpoint: first.endpoint });
    const stop = new AbortController();
    const events: RestartEvent[] = [];
    let current: Emulator = first;
    const kept = keepRunning(first, {
      signal: stop.signal,
      replaced: (next) => {
        current = next;
      },
      report: (event) => events.push(event),
    });
    try {
      await client.send(new CreateStreamCommand({ StreamName: 'kept', ShardCount: 1 }));
      await waitFor('the stream', async () => {
        const { StreamDescriptionSummary: stream } = await client.send(
          new DescribeStreamSummaryCommand({ StreamName: 'kept' }),
        );
        return stream?.StreamStatus === 'ACTIVE';
      });
      await client.send(
        new PutRecordCommand({ StreamName: 'kept', PartitionKey: 'a', Data: Buffer.from('before') }),
      );

      process.kill(first.pid, 'SIGKILL');
      await waitFor('the restart', () => events.some((e) => e.kind === 'restarted'), 30_000, 20);

      expect(current.port).toBe(first.port);
      expect(current.pid).not.toBe(first.pid);
      expect(events.map((e) => e.kind)).toEqual(['exited', 'restarted']);
      expect(events[0]).toMatchObject({ emulator: 'kinesalite', port: first.port, how: 'exited on SIGKILL' });
      // The same client, on the same endpoint, reads the record written before the kill.
      const iterator = await client.send(
        new GetShardIteratorCommand({
          StreamName: 'kept',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }));
      expect(page.Records?.map((r) => Buffer.from(r.Data!).toString())).toEqual(['before']);
    } finally {
      stop.abort();
      await kept;
      client.destroy();
    }
    // Stopped on purpose: it exited, and nothing started it again.
    await expect(current.exited).resolves.toMatch(/exited/);
    await new Promise((r) => setTimeout(r, 500));
    expect(events.map((e) => e.kind)).toEqual(['exited', 'restarted']);
  }, 60_000);
});
