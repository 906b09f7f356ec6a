// The recent alerts as items of the forecasts table (contracts/alertItem.ts), for the dashboard's
// alert list on AWS and locally alike; they expire after the forecast history's days.
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AlertKeys } from '../contracts/alertItem.ts';
import type { Alert, AlertSink } from '../contracts/alerts.ts';
import { ForecastKeys } from '../contracts/forecastRecord.ts';
import { ForecastsTable } from '../contracts/resources.ts';

/** DynamoDB's most items per BatchWriteItem. */
const BATCH = 25;
const MAX_ROUNDS = 5;
/** Batches in flight at once: a forecast that turns thousands of orders late writes them in seconds, not minutes. */
const CONCURRENCY = 8;

export class DynamoDbAlertSink implements AlertSink {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly keepDays: number = ForecastsTable.historyDays,
  ) {}

  async publish(alerts: readonly Alert[]): Promise<void> {
    const batches: Alert[][] = [];
    for (let i = 0; i < alerts.length; i += BATCH) batches.push(alerts.slice(i, i + BATCH));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await this.write(batches[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
  }

  private async write(batch: readonly Alert[]): Promise<void> {
    let requests: Record<string, unknown>[] = batch.map((alert) => ({
      PutRequest: {
        Item: {
          pk: ForecastKeys.partitionOf(alert.plantId),
          sk: AlertKeys.alert(alert),
          kind: alert.kind,
          asOf: alert.asOf,
          alert: JSON.stringify(alert),
          [ForecastsTable.ttlAttribute]: Math.floor(alert.raisedAt / 1000) + this.keepDays * 86_400,
        },
      },
    }));
    // Throttled items come back unprocessed: written again, a few times, then an error.
    for (let round = 0; requests.length > 0; round++) {
      if (round === MAX_ROUNDS) {
        throw new Error(`${requests.length} alerts could not be written to ${this.tableName}`);
      }
      const { UnprocessedItems } = await this.client.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: requests as never } }),
      );
      requests = (UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
      if (requests.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** round));
    }
  }
}
