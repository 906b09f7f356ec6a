// The ingest end to end on the local emulators: events put on the stream, read back with GetRecords
// as Lambda's event source would deliver them, handled, and the order state read from DynamoDB
// Local. Runs on both local Kinesis engines; the DynamoDB store also meets the state store contract.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { countCalls } from '../../bench/sdkCalls.ts';
import type { OrderEvent } from '../../contracts/events.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { FileFailureSink } from '../../ingest/FailureSink.ts';
import { createIngestHandler } from '../../ingest/ingestHandler.ts';
import { createDynamoDbClient } from '../../local/clients.ts';
import { KinesisEngines } from '../../local/emulators/index.ts';
import { readAllRecords, toKinesisStreamEvent } from '../../local/kinesisEvent.ts';
import { createTableInputs } from '../../local/provision.ts';
import type { StoredOrderState } from '../../state/applyEvent.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { type DomainEvent, toDomainEvent } from '../../state/events.ts';
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';
import { historyWithConflicts, interleave, plantHistory } from '../state/history.ts';
import { stateStoreContract } from '../state/stateStore.contract.ts';
import { useEmulators } from '../support/emulators.ts';
import { lifecycle, v1 } from '../support/events.ts';

const logger = new Logger({ serviceName: 'ingest', logLevel: 'SILENT' });

for (const engine of KinesisEngines) {
  describe(`ingest on ${engine} and DynamoDB Local`, () => {
    const env = useEmulators(engine);

    it('applies events read from the stream, and sends poison records to the failure file', async () => {
      const { clients, names, provisioned } = env;
      const orders = ['order-a', 'order-b', 'order-c'].map((id, i) => lifecycle(id, i * 2));
      orders[2] = orders[2]!.slice(0, 4);
      const events: (OrderEvent | { raw: string; key: string })[] = orders[0]!.flatMap((_, step) =>
        orders.flatMap((o) => (o[step] ? [o[step]!] : [])),
      );
      events.splice(5, 0, { raw: 'not json at all', key: 'order-a' });
      events.splice(9, 0, {
        raw: JSON.stringify({ ...v1('MaterialArrived', 'order-b', 9), occurredAt: 'yesterday' }),
        key: 'order-b',
      });
      // From the far future, and with an order id that is not well-formed Unicode: refused, not applied.
      events.splice(12, 0, {
        raw: JSON.stringify({ ...v1('EtaUpdated', 'order-c', 6), occurredAt: '9999-12-31T00:00:00Z' }),
        key: 'order-c',
      });
      events.splice(14, 0, { raw: JSON.stringify(v1('OrderAccepted', 'order-\ud800', 0)), key: 'order-c' });
      await clients.kinesis.send(
        new PutRecordsCommand({
          StreamName: names.stream,
          Records: events.map((e) => ({
            PartitionKey: 'raw' in e ? e.key : e.orderId,
            Data: Buffer.from('raw' in e ? e.raw : JSON.stringify(e)),
          })),
        }),
      );
      const failureFile = join(mkdtempSync(join(tmpdir(), 'twin-ingest-')), 'failures.jsonl');
      const store = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
      const handler = createIngestHandler({ store, failures: new FileFailureSink(failureFile), logger });

      const shards = await readAllRecords(clients.kinesis, names.stream);
      const responses = [];
      for (const { shardId, records } of shards) {
        for (let i = 0; i < records.length; i += 7) {
          responses.push(
            await handler(toKinesisStreamEvent(records.slice(i, i + 7), provisioned.streamArn, shardId)),
          );
        }
      }

      expect(shards.flatMap((s) => s.records)).toHaveLength(events.length);
      expect(responses.every((r) => r.batchItemFailures.length === 0)).toBe(true);
      expect(await store.get('order-a')).toMatchObject({
        status: 'delivered',
        eta: Date.parse(orders[0]![2]!.type === 'EtaUpdated' ? (orders[0]![2] as { eta: string }).eta : ''),
      });
      expect((await store.get('order-b'))!.status).toBe('delivered');
      expect((await store.get('order-c'))!.status).toBe('ready');
      expect((await store.listActive()).map((s) => s.orderId)).toEqual(['order-c']);
      // Orders of a batch are handled concurrently: their failures come in any order.
      const rejected = readFileSync(failureFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { partitionKey: string; reason: string; data: string })
        .sort((a, b) => (`${a.partitionKey} ${a.reason}` < `${b.partitionKey} ${b.reason}` ? -1 : 1));
      expect(rejected.map((r) => [r.partitionKey, r.reason])).toEqual([
        ['order-a', expect.stringMatching(/^not valid JSON/)],
        ['order-b', expect.stringMatching(/^not a valid v1 order event: field "occurredAt"/)],
        [
          'order-c',
          'not a valid v1 order event: field "orderId": must be well-formed Unicode: it has a lone surrogate (an unpaired \\uD800-\\uDFFF)',
        ],
        [
          'order-c',
          expect.stringMatching(/^occurredAt 9999-12-31T00:00:00.000Z is .* ahead of the ingest's clock/),
        ],
      ]);
      expect(rejected[0]!.data).toBe('not json at all');
    });
  });
}

describe('the DynamoDB state store on DynamoDB Local', () => {
  const env = useEmulators('kinesalite');
  let tables = 0;
  /** A store on a table of its own, holding `items` as written (by this version or an older one). */
  const freshStore = async (items: readonly StoredOrderState[] = []) => {
    const names = resourceNames(`contract-${Date.now()}-${++tables}-`);
    await env.clients.dynamodb.send(new CreateTableCommand(createTableInputs(names).orderState));
    for (const item of items) {
      await env.clients.dynamodb.send(
        new PutItemCommand({
          TableName: names.orderStateTable,
          Item: marshall(item, { removeUndefinedValues: true }),
        }),
      );
    }
    return new DynamoDbStateStore(env.clients.dynamodb, names.orderStateTable);
  };

  stateStoreContract('DynamoDB', freshStore);

  it('gives the same state as the in-memory store for any interleaving of order histories', async () => {
    await fc.assert(
      fc.asyncProperty(plantHistory, fc.array(fc.nat()), async (histories, picks) => {
        const events = interleave(histories, picks);
        const twice = [...events, ...events.slice(0, Math.ceil(events.length / 2))];
        const dynamo = await freshStore();
        const memory = new InMemoryStateStore();
        for (const event of twice) {
          await dynamo.apply(event);
          await memory.apply(event);
        }

        for (const id of new Set(events.map((e) => e.orderId))) {
          expect(await dynamo.get(id), id).toEqual(await memory.get(id));
        }
        expect(await dynamo.listActive()).toEqual(await memory.listActive());
      }),
      { numRuns: 15 },
    );
  });

  it("applies an order's events given together as the in-memory store applies them one by one", async () => {
    // Any arrival order at all, and duplicates: the write of a group must equal one event at a time.
    const arrivals = plantHistory.chain((histories) => {
      const all = histories.flat();
      return fc
        .tuple(fc.shuffledSubarray(all, { minLength: all.length }), fc.subarray(all))
        .map(([shuffled, again]) => [...shuffled, ...again]);
    });
    await fc.assert(
      fc.asyncProperty(
        arrivals,
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1 }),
        async (events, sizes) => {
          const dynamo = await freshStore();
          const memory = new InMemoryStateStore();
          // Batches of the stream, as the ingest gets them: each order's events in a batch together.
          for (let i = 0, k = 0; i < events.length; k++) {
            const batch = events.slice(i, i + sizes[k % sizes.length]!);
            i += batch.length;
            for (const orderId of new Set(batch.map((e) => e.orderId))) {
              const group = batch.filter((e) => e.orderId === orderId);
              expect(await dynamo.applyAll(group)).toEqual(await memory.applyAll(group));
            }
          }

          for (const id of new Set(events.map((e) => e.orderId))) {
            expect(await dynamo.get(id), id).toEqual(await memory.get(id));
          }
          expect(await dynamo.listActive()).toEqual(await memory.listActive());
        },
      ),
      { numRuns: 25 },
    );
  });

  it('applies groups of events in their order (the common case, one update each) as the in-memory store does', async () => {
    await fc.assert(
      fc.asyncProperty(
        plantHistory,
        fc.array(fc.nat()),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1 }),
        async (histories, picks, sizes) => {
          const events = interleave(histories, picks);
          const dynamo = await freshStore();
          const memory = new InMemoryStateStore();
          for (let i = 0, k = 0; i < events.length; k++) {
            const batch = events.slice(i, i + sizes[k % sizes.length]!);
            i += batch.length;
            for (const orderId of new Set(batch.map((e) => e.orderId))) {
              const group = batch.filter((e) => e.orderId === orderId);
              expect(await dynamo.applyAll(group)).toEqual(await memory.applyAll(group));
            }
          }

          for (const id of new Set(events.map((e) => e.orderId))) {
            expect(await dynamo.get(id), id).toEqual(await memory.get(id));
          }
          expect(await dynamo.listActive()).toEqual(await memory.listActive());
          expect(await dynamo.listFinished()).toEqual(await memory.listFinished());
        },
      ),
      { numRuns: 20 },
    );
  });

  it('gives the same state and outcomes as the in-memory store when deliveries of one event differ, in any arrival order', async () => {
    const arrivals = fc
      .tuple(historyWithConflicts('order-1'), historyWithConflicts('order-2'))
      .chain(([a, b]) => fc.shuffledSubarray([...a, ...b], { minLength: a.length + b.length }));
    await fc.assert(
      fc.asyncProperty(
        arrivals,
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1 }),
        async (events, sizes) => {
          const dynamo = await freshStore();
          const memory = new InMemoryStateStore();
          const reversed = new InMemoryStateStore();
          for (const event of [...events].reverse()) await reversed.apply(event);
          // Batches of the stream, as the ingest gets them: each order's events in a batch together.
          for (let i = 0, k = 0; i < events.length; k++) {
            const batch = events.slice(i, i + sizes[k % sizes.length]!);
            i += batch.length;
            for (const orderId of new Set(batch.map((e) => e.orderId))) {
              const group = batch.filter((e) => e.orderId === orderId);
              expect(await dynamo.applyAll(group)).toEqual(await memory.applyAll(group));
            }
          }

          const withoutVersion = (s: StoredOrderState | undefined) => s && { ...s, version: 0 };
          for (const id of ['order-1', 'order-2']) {
            expect(await dynamo.get(id), id).toEqual(await memory.get(id));
            expect(withoutVersion(await dynamo.get(id)), id).toEqual(withoutVersion(await reversed.get(id)));
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  /** A store on a client of its own, whose calls are counted. */
  const countedStore = async () => {
    const names = resourceNames(`counted-${Date.now()}-${++tables}-`);
    await env.clients.dynamodb.send(new CreateTableCommand(createTableInputs(names).orderState));
    const client = createDynamoDbClient({ endpoint: env.running.endpoints.dynamodb });
    onTestFinished(() => client.destroy());
    return { store: new DynamoDbStateStore(client, names.orderStateTable), counted: countCalls(client) };
  };

  it('makes one DynamoDB call for an order whose events of a batch arrive in order', async () => {
    const { store, counted } = await countedStore();

    await store.applyAll(lifecycle('o1').map(toDomainEvent));

    expect(counted.calls).toBe(1);
    expect(await store.get('o1')).toMatchObject({ status: 'delivered', version: 7 });
  });

  it('makes one DynamoDB call per event when events arrive in order', async () => {
    const { store, counted } = await countedStore();

    for (const event of lifecycle('o1')) await store.apply(toDomainEvent(event));

    expect(counted.calls).toBe(7);
  });

  /** A flow shop order's life: cut, weld, paint, each at its station. */
  const flowShop = (orderId: string): DomainEvent[] => {
    const minute = (m: number) => Date.UTC(2026, 0, 5, 8, m);
    let n = 0;
    const e = (type: DomainEvent['type'], m: number, extra: object = {}) =>
      ({ type, eventId: `${orderId}-${++n}`, orderId, at: minute(m), ...extra }) as DomainEvent;
    return [
      e('OrderAccepted', 0, { product: 'frame' }),
      e('MaterialOrdered', 0, { eta: minute(10) }),
      e('MaterialArrived', 10),
      e('StepStarted', 10, { step: 'cut', station: 'saw' }),
      e('StepFinished', 14, { step: 'cut' }),
      e('StepStarted', 14, { step: 'weld', station: 'welder' }),
      e('StepFinished', 23, { step: 'weld' }),
      e('StepStarted', 25, { step: 'paint', station: 'booth' }),
      e('StepFinished', 30, { step: 'paint' }),
      e('OrderDelivered', 31),
    ];
  };

  it('makes one DynamoDB call per step event of a flow shop order, and one for its whole life at once', async () => {
    const one = await countedStore();
    const all = await countedStore();
    const memory = new InMemoryStateStore();

    for (const event of flowShop('o1')) {
      expect(await one.store.apply(event)).toBe('applied');
      await memory.apply(event);
      expect(await one.store.get('o1'), event.type).toEqual(await memory.get('o1'));
    }
    const calls = one.counted.calls;
    await all.store.applyAll(flowShop('o1'));

    expect(calls).toBe(flowShop('o1').length * 2);
    expect(all.counted.calls).toBe(1);
    expect(await all.store.get('o1')).toEqual(await one.store.get('o1'));
  });

  it('keeps each step field in an attribute of its own, named after the step as it is', async () => {
    const names = resourceNames(`layout-${Date.now()}-${++tables}-`);
    await env.clients.dynamodb.send(new CreateTableCommand(createTableInputs(names).orderState));
    const store = new DynamoDbStateStore(env.clients.dynamodb, names.orderStateTable);
    const start = { type: 'StepStarted', eventId: 'e1', orderId: 'o1', at: 1_000, step: 'a:b.c #1' } as const;

    await store.applyAll([
      { ...start, station: 'saw' },
      { type: 'StepFinished', eventId: 'e2', orderId: 'o1', at: 2_000, step: 'a:b.c #1' },
    ]);

    const { Item } = await env.clients.dynamodb.send(
      new GetItemCommand({ TableName: names.orderStateTable, Key: { orderId: { S: 'o1' } } }),
    );
    expect(
      Object.keys(Item!)
        .filter((name) => name.startsWith('step:'))
        .sort(),
    ).toEqual([
      'step:a:b.c #1:finishedAt',
      'step:a:b.c #1:finishedEvent',
      'step:a:b.c #1:startedAt',
      'step:a:b.c #1:startedEvent',
      'step:a:b.c #1:station',
    ]);
    expect(Item!['step:a:b.c #1:startedAt']).toEqual({ N: '1000' });
    expect(Item).not.toHaveProperty('steps');
  });
});
