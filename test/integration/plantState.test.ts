// The DynamoDB state store keeps the plant's stations and maintenance on DynamoDB Local as the
// in-memory store does: the plant state contract, in the order state table beside orders.
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it, onTestFinished } from 'vitest';
import { resourceNames } from '../../contracts/resources.ts';
import { createDynamoDbClient } from '../../local/clients.ts';
import { createTableInputs } from '../../local/provision.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import type { PlantDomainEvent } from '../../state/events.ts';
import { plantStateContract } from '../state/plantState.contract.ts';
import { useEmulators } from '../support/emulators.ts';

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
});
