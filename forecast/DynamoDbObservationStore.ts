// The samples of recalibration in the forecasts table: one small item per key (`pk = "observations"`,
// `sk = "obs#<key>"`) holding its window of samples. Each add reads the item and writes it back on
// the condition that nobody wrote it in between (its version), and tries again when somebody did,
// so that concurrent invocations of the observer lose no sample.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { Sample } from '../orderflow/calibration/calibrate.ts';
import {
  byKey,
  DEFAULT_OBSERVATION_WINDOW,
  mergeSamples,
  type ObservationStore,
  type ObservationWindow,
  type SampleSeries,
} from './ObservationStore.ts';

/** Keys of the observation items (table `forecasts`). */
export const ObservationKeys = {
  partition: 'observations',
  prefix: 'obs#',
  item: (key: string) => `obs#${key}`,
} as const;

/** Tries of a conditional write before giving up (each after a short random pause). */
const MAX_TRIES = 25;

export class DynamoDbObservationStore implements ObservationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly window: ObservationWindow = DEFAULT_OBSERVATION_WINDOW,
  ) {}

  async add(samples: readonly Sample[]): Promise<void> {
    await Promise.all([...byKey(samples)].map(([key, group]) => this.addToKey(key, group)));
  }

  private async addToKey(key: string, samples: readonly Sample[]): Promise<void> {
    const Key = { pk: ObservationKeys.partition, sk: ObservationKeys.item(key) };
    for (let attempt = 1; ; attempt++) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }),
      );
      const version = typeof Item?.version === 'number' ? Item.version : 0;
      const merged = mergeSamples(Item && seriesOf(Item), samples, this.window);
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...Key, key, ...merged, version: version + 1 },
            ConditionExpression: Item ? 'version = :version' : 'attribute_not_exists(pk)',
            ...(Item && { ExpressionAttributeValues: { ':version': version } }),
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || attempt >= MAX_TRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  async series(): Promise<Map<string, SampleSeries>> {
    const all = new Map<string, SampleSeries>();
    let start: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': ObservationKeys.partition, ':prefix': ObservationKeys.prefix },
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        if (typeof item.key === 'string') all.set(item.key, seriesOf(item));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return all;
  }
}

/** An item's samples; lists as DynamoDB gives them back. */
function seriesOf(item: Record<string, unknown>): SampleSeries {
  const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
  return { values: list(item.values), times: list(item.times), ids: list(item.ids) };
}
