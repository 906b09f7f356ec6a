// The rolling accuracy record's item in the forecasts table, as the observer writes it
// (forecast/DynamoDbAccuracyStore.ts) and the dashboard reads it: `pk` its plant's partition (`plant`
// for the default plant: `ForecastKeys.partitionOf`),
// `sk = accuracy#rolling`, the record as JSON in `data`, and `version`, which counts the writes.
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { AccuracyKeys, type AccuracyRecord } from './accuracyRecord.ts';
import { ForecastKeys } from './forecastRecord.ts';

export interface StoredAccuracy {
  record: AccuracyRecord;
  /** Counts the writes: 1 for the first. */
  version: number;
}

/** Plant `plantId`'s rolling accuracy record and its version, if one is stored (one GetItem). */
export async function readAccuracyItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  plantId?: string,
): Promise<StoredAccuracy | undefined> {
  const { Item } = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: { pk: ForecastKeys.partitionOf(plantId), sk: AccuracyKeys.rolling },
      ConsistentRead: true,
    }),
  );
  if (Item === undefined) return undefined;
  return { record: JSON.parse(Item.data as string) as AccuracyRecord, version: Number(Item.version) };
}
