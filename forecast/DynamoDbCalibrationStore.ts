// Calibrations in the forecasts table (`pk = "calibrations"`): each one made as `calibration#<id>`
// (its id begins with when it was made, so they sort by time), and the latest as `calibration#latest`,
// a copy written only if it is later than the one stored (a conditional write), which a forecast
// reads with one GetItem. The calibration itself is kept as JSON text: its fits hold names and
// numbers of any kind, which a JSON string stores as they are.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Calibration } from '../orderflow/calibration/calibrate.ts';
import type { CalibrationStore } from './CalibrationStore.ts';

/** Keys of the calibration items (table `forecasts`). */
export const CalibrationKeys = {
  partition: 'calibrations',
  latest: 'calibration#latest',
  item: (id: string) => `calibration#${id}`,
  prefix: 'calibration#',
} as const;

export class DynamoDbCalibrationStore implements CalibrationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(calibration: Calibration): Promise<'saved' | 'stale'> {
    const item = (sk: string) => ({
      pk: CalibrationKeys.partition,
      sk,
      id: calibration.id,
      fittedAt: calibration.fittedAt,
      reason: calibration.reason,
      modelVersion: calibration.modelVersion,
      calibration: JSON.stringify(calibration),
    });
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: item(CalibrationKeys.item(calibration.id)) }),
    );
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item(CalibrationKeys.latest),
          ConditionExpression: 'attribute_not_exists(fittedAt) OR fittedAt <= :fittedAt',
          ExpressionAttributeValues: { ':fittedAt': calibration.fittedAt },
        }),
      );
      return 'saved';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      throw error;
    }
  }

  async latest(): Promise<Calibration | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: CalibrationKeys.partition, sk: CalibrationKeys.latest },
      }),
    );
    return Item && (JSON.parse(Item.calibration as string) as Calibration);
  }

  async history(limit = 20): Promise<Calibration[]> {
    const found: Calibration[] = [];
    let start: Record<string, unknown> | undefined;
    // Latest first: the ids begin with their ISO time; the `latest` copy sorts among them and is skipped.
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': CalibrationKeys.partition, ':prefix': CalibrationKeys.prefix },
          ScanIndexForward: false,
          Limit: limit + 1,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.sk !== CalibrationKeys.latest)
          found.push(JSON.parse(item.calibration as string) as Calibration);
      }
      start = page.LastEvaluatedKey;
    } while (start && found.length < limit);
    return found.slice(0, limit);
  }
}
