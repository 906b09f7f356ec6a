// The DynamoDB state store keeps the plant's stations and maintenance on DynamoDB Local as the
// in-memory store does: the plant state contract, in the order state table beside orders.
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it, onTestFinished } from 'vitest';
import { resourceNames } from '../../contracts/resources.ts';
import { InMemoryFailureSink } from '../../ingest/FailureSink.ts';
import { createIngestHandler } from '../../ingest/ingestHandler.ts';
import { createDynamoDbClient } from '../../local/clients.ts';
import { createTableInputs } from '../../local/provision.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import type { PlantDomainEvent } from '../../state/events.ts';
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';
import { plantStateContract } from '../state/plantState.contract.ts';
import { useEmulators } from '../support/emulators.ts';
import { kinesisEvent, lifecycle } from '../support/events.ts';

describe('the DynamoDB state store on DynamoDB Local: stations and maintenance', () => {
  const env = useEmulators('kinesalite');
  let tables = 0;
  /** A store on a table of its own. */
  const freshStore = async () => {
    const names = resourceNames(`plant-${Date.now()}-${++tables}-`);
    await env.clients.dynamodb.send(new CreateTableCommand(createTableInputs(names).orderState));
    return new DynamoDbStateStore(env.clients.dynamodb, names.orderStateTable);
  };

  plantStateContract('DynamoDB', freshStore, { propertyRuns: 25 });

  it('applies station events with writes alone: the ingest may write the table, not read it', async () => {
    const names = resourceNames(`plant-calls-${Date.now()}-${++tables}-`);
    await env.clients.dynamodb.send(new CreateTableCommand(createTableInputs(names).orderState));
    const client = createDynamoDbClient({ endpoint: env.running.endpoints.dynamodb });
    onTestFinished(() => client.destroy());
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'commandRecorder' },
    );
    const store = new DynamoDbStateStore(client, names.orderStateTable);
    const down: PlantDomainEvent = { type: 'StationDown', eventId: 'd', at: 1_000, station: 's-1' };

    expect(await store.applyPlant(down)).toBe('applied');
    expect(await store.applyPlant({ type: 'StationUp', eventId: 'u', at: 2_000, station: 's-1' })).toBe(
      'applied',
    );
    expect(await store.applyPlant(down)).toBe('ignored');

    expect(new Set(commands)).toEqual(new Set(['PutItemCommand']));
    expect((await store.plantState()).stations).toEqual([{ station: 's-1', down: false, since: 2_000 }]);
  });

  it('ingests station events mixed with order events as the in-memory store does, orders and stations apart', async () => {
    const iso = (minutes: number) => new Date(Date.UTC(2026, 0, 5, 8, minutes)).toISOString();
    const plant = (key: string, event: Record<string, unknown>) => ({ raw: JSON.stringify(event), key });
    const o1 = lifecycle('o1').slice(0, 5);
    const event = kinesisEvent([
      o1[0]!,
      plant('s-1', { eventId: 'u1', type: 'StationUp', station: 's-1', occurredAt: iso(9) }),
      plant('s-1', {
        eventId: 'd1',
        type: 'StationDown',
        station: 's-1',
        occurredAt: iso(3),
        expectedUpAt: iso(40),
      }),
      plant('m1', { eventId: 'c1', type: 'MaintenanceCancelled', maintenanceId: 'm1', occurredAt: iso(5) }),
      plant('s-1', {
        eventId: 'p1',
        type: 'MaintenancePlanned',
        maintenanceId: 'm1',
        station: 's-1',
        occurredAt: iso(2),
        from: iso(60),
        to: iso(90),
      }),
      plant('s-2', {
        eventId: 'p2',
        type: 'MaintenancePlanned',
        maintenanceId: 'm2',
        station: 's-2',
        unit: 3,
        occurredAt: iso(2),
        from: iso(60),
        to: iso(90),
      }),
      ...o1.slice(1),
    ]);
    const dynamo = await freshStore();
    const memory = new InMemoryStateStore();
    const logger = new Logger({ serviceName: 'ingest', logLevel: 'SILENT' });

    for (const store of [dynamo, memory]) {
      const handler = createIngestHandler({ store, failures: new InMemoryFailureSink(), logger });
      expect((await handler(event)).batchItemFailures).toEqual([]);
      expect((await handler(event)).batchItemFailures).toEqual([]);
    }

    expect(await dynamo.plantState()).toEqual({
      stations: [{ station: 's-1', down: false, since: Date.parse(iso(9)) }],
      maintenance: [
        { maintenanceId: 'm2', station: 's-2', unit: 3, from: Date.parse(iso(60)), to: Date.parse(iso(90)) },
      ],
    });
    expect(await dynamo.plantState()).toEqual(await memory.plantState());
    expect(await dynamo.listActive()).toEqual(await memory.listActive());
    expect((await dynamo.listActive()).map((o) => o.orderId)).toEqual(['o1']);
    expect(await dynamo.get('o1')).toEqual(await memory.get('o1'));
  });
});
