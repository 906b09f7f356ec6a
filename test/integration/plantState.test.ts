// The DynamoDB state store keeps the plant's stations and maintenance on DynamoDB Local as the
// in-memory store does: the plant state contract, in the order state table beside orders.
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { describe } from 'vitest';
import { resourceNames } from '../../contracts/resources.ts';
import { createTableInputs } from '../../local/provision.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
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
});
