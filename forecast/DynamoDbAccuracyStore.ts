// A plant's rolling accuracy record in the forecasts table (`pk` the plant's partition, `sk = accuracy#rolling`): the
// record as JSON in `data` and its `version`, replaced by a Put conditional on the version read.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { readAccuracyItem, type StoredAccuracy } from '../contracts/accuracyItem.ts';
import { AccuracyKeys, type AccuracyRecord } from '../contracts/accuracyRecord.ts';
import { ForecastKeys } from '../contracts/forecastRecord.ts';
import type { AccuracyStore } from './AccuracyStore.ts';

export class DynamoDbAccuracyStore implements AccuracyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The plant whose record it is (default: the default plant). */
    private readonly plantId?: string,
  ) {}

  read(): Promise<StoredAccuracy | undefined> {
    return readAccuracyItem(this.client, this.tableName, this.plantId);
  }

  async write(record: AccuracyRecord, expected: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: ForecastKeys.partitionOf(this.plantId),
            sk: AccuracyKeys.rolling,
            version: expected + 1,
            data: JSON.stringify(record),
          },
          ...(expected === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expected },
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
