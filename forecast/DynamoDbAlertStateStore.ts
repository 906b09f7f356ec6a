// The lateness alerts' state as one item of the forecasts table (`AlertKeys.latenessState`): the
// outlooks gzip-compressed (10,000 late orders fit well within an item), written only if the
// version read is still the stored one.
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AlertKeys } from '../contracts/alertItem.ts';
import { ForecastKeys } from '../contracts/forecastRecord.ts';
import type { AlertState, AlertStateStore } from './AlertStateStore.ts';

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

export class DynamoDbAlertStateStore implements AlertStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(plantId?: string): Promise<AlertState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: ForecastKeys.partitionOf(plantId), sk: AlertKeys.latenessState },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return undefined;
    const outlooks = JSON.parse((await gunzip(Item.outlooks as Uint8Array)).toString('utf8'));
    return { asOf: Number(Item.asOf), version: Number(Item.version), outlooks };
  }

  async advance(next: AlertState, basis: number | undefined, plantId?: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: ForecastKeys.partitionOf(plantId),
            sk: AlertKeys.latenessState,
            asOf: next.asOf,
            version: next.version,
            outlooks: await gzip(JSON.stringify(next.outlooks)),
          },
          ...(basis === undefined
            ? { ConditionExpression: 'attribute_not_exists(version)' }
            : {
                ConditionExpression: 'version = :basis',
                ExpressionAttributeValues: { ':basis': basis },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
