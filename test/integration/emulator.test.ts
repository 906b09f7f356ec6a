// The emulator against the local Kinesis: every event arrives exactly once and in order per order,
// also when Kinesis rejects part of a batch (FailedRecordCount) or a whole call (throttling), on the
// demo plant and on the flow shop.

import { readFileSync } from 'node:fs';
import { type KinesisClient, PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../contracts/events.ts';
import { emulate } from '../../emulator/emulate.ts';
import { KinesisPublisher, PrintingPublisher } from '../../emulator/publisher.ts';
import { readAllRecords } from '../../local/kinesisEvent.ts';
import { orderFlowModel, parsePlantModel } from '../../orderflow/index.ts';
import { Random } from '../../sim-core/index.ts';
import { useEmulators } from '../support/emulators.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

/** A Kinesis client that rejects about a third of each batch, and now and then a whole call, as throttling does. */
function throttling(client: KinesisClient, seed = 1): { client: KinesisClient; rejected: () => number } {
  const random = new Random(seed);
  let rejected = 0;
  const send = async (command: PutRecordsCommand): Promise<PutRecordsCommandOutput> => {
    if (random.next() < 0.15) {
      rejected += command.input.Records!.length;
      throw Object.assign(new Error('Rate exceeded for shard'), {
        name: 'ProvisionedThroughputExceededException',
        $retryable: { throttling: true },
      });
    }
    const keep = command.input.Records!.map(() => random.next() >= 1 / 3);
    const accepted = command.input.Records!.filter((_, i) => keep[i]);
    const response = accepted.length
      ? await client.send(new PutRecordsCommand({ ...command.input, Records: accepted }))
      : ({ Records: [], FailedRecordCount: 0, $metadata: {} } as PutRecordsCommandOutput);
    let next = 0;
    const records = keep.map((k) => {
      if (k) return response.Records![next++]!;
      rejected++;
      return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' };
    });
    return { ...response, Records: records, FailedRecordCount: records.filter((r) => r.ErrorCode).length };
  };
  return { client: { send } as unknown as KinesisClient, rejected: () => rejected };
}

const flowShop = parsePlantModel(JSON.parse(readFileSync('examples/models/flow-shop.json', 'utf8')));

describe('emulator on kinesalite', () => {
  const env = useEmulators('kinesalite');

  it.each([
    { plant: 'the demo plant', model: undefined, hours: 6 },
    { plant: 'the flow shop', model: flowShop, hours: 3 },
  ])(
    'publishes every event of $plant exactly once, in order per order, through throttling',
    async ({ model, hours }) => {
      const { clients, names } = env;
      const flaky = throttling(clients.kinesis);
      const publisher = new KinesisPublisher(flaky.client, names.stream, { maxBackoffMs: 5 });
      const expected: OrderEvent[] = [];
      const run = {
        ...(model && { model }),
        scenario: 'steady' as const,
        speed: Number.POSITIVE_INFINITY,
        seed: 5,
        duration: hours * 3_600_000,
        rate: 100,
        start: T0,
      };
      await emulate({ ...run, publisher: new PrintingPublisher((line) => expected.push(JSON.parse(line))) });
      const before = new Set(
        (await readAllRecords(clients.kinesis, names.stream)).flatMap((s) =>
          s.records.map((r) => r.SequenceNumber),
        ),
      );

      await emulate({ ...run, publisher, flushEveryMs: 5 });

      // This run's records: the stream is shared by the cases.
      const received = (await readAllRecords(clients.kinesis, names.stream)).flatMap((s) =>
        s.records
          .filter((r) => !before.has(r.SequenceNumber))
          .map((r) => JSON.parse(Buffer.from(r.Data!).toString()) as OrderEvent),
      );
      expect(flaky.rejected()).toBeGreaterThan(10);
      expect(publisher.stats).toMatchObject({ sent: expected.length, pending: 0 });
      expect(publisher.stats.retries).toBe(flaky.rejected());
      expect(received).toHaveLength(expected.length);
      expect(new Set(received.map((e) => e.eventId)).size).toBe(expected.length);
      const order = (events: OrderEvent[], id: string) =>
        events.filter((e) => e.orderId === id).map((e) => e.eventId);
      for (const id of new Set(expected.map((e) => e.orderId)))
        expect(order(received, id), id).toEqual(order(expected, id));
      // The model's steps, at its stations.
      const stations = new Set(received.flatMap((e) => (e.type === 'StepStarted' ? [e.station] : [])));
      expect(stations).toEqual(new Set((model ?? orderFlowModel).stations.map((s) => s.id)));
    },
  );
});
