// The forecasts table: the latest forecast is replaced only by a newer one (a conditional write,
// not read-then-write), every forecast is also kept in history with a time to live. Large
// forecasts are gzip-compressed and split over chunk items written in one transaction (the item
// layout and its reader, shared with the dashboard: contracts/forecastItem.ts).
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  chunkKey,
  encodeForecast,
  FORECAST_ENCODING,
  type RecommendationsItem,
  readLatestForecast,
  readPlantSummaries,
  recommendationsKey,
} from '../contracts/forecastItem.ts';
import {
  ForecastKeys,
  type ForecastRecommendation,
  type ForecastRecord,
  type PlantSummary,
  plantSummaryOf,
} from '../contracts/forecastRecord.ts';
import { ForecastsTable } from '../contracts/resources.ts';
import type { ForecastStore, SaveOutcome } from './ForecastStore.ts';

const MAX_TRANSACTION_ITEMS = 100;

/** What the head item carries besides the data: enough to show a summary without decoding. */
function summaryOf(record: ForecastRecord) {
  return {
    asOf: record.asOf,
    generatedAt: record.generatedAt,
    kpis: record.kpis,
    model: record.model.name,
    simCoreVersion: record.simCoreVersion,
    timings: record.timings,
    stateVersion: record.stateVersion,
    warnings: record.warnings.length,
  };
}

/**
 * The condition that the item stored is older than `forecast` (see `isNewerForecast`): an earlier
 * asOf, or the same asOf generated earlier.
 */
function newerThanStored(forecast: { asOf: number; generatedAt: number }) {
  return {
    ConditionExpression:
      'attribute_not_exists(asOf) OR asOf < :asOf OR (asOf = :asOf AND generatedAt < :generatedAt)',
    ExpressionAttributeValues: { ':asOf': forecast.asOf, ':generatedAt': forecast.generatedAt },
  };
}

export class DynamoDbForecastStore implements ForecastStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly historyDays: number = ForecastsTable.historyDays,
  ) {}

  async save(record: ForecastRecord): Promise<SaveOutcome> {
    const chunks = await encodeForecast(record);
    if (chunks.length > MAX_TRANSACTION_ITEMS) {
      throw new Error(
        `forecast of ${record.orders.length} orders is too large: ${chunks.length} chunks (at most ${MAX_TRANSACTION_ITEMS})`,
      );
    }
    const forecastId = `${record.asOf}-${randomUUID().slice(0, 8)}`;
    const expiresAt = this.expiresAt(record);
    const partition = ForecastKeys.partitionOf(record.plantId);
    const items = (base: string, extra: Record<string, unknown>) =>
      chunks.map((data, i) => ({
        pk: partition,
        sk: i === 0 ? base : chunkKey(base, i),
        forecastId,
        data,
        ...(i === 0 && { ...summaryOf(record), chunks: chunks.length, encoding: FORECAST_ENCODING }),
        ...extra,
      }));

    // History first: every forecast made is kept, also one that turns out to be stale.
    await Promise.all(
      items(ForecastKeys.history(record.asOf), { [ForecastsTable.ttlAttribute]: expiresAt }).map((Item) => {
        return this.client.send(new PutCommand({ TableName: this.tableName, Item }));
      }),
    );

    const [head, ...rest] = items(ForecastKeys.latest, {});
    const condition = newerThanStored(record);
    try {
      if (rest.length === 0) {
        await this.client.send(new PutCommand({ TableName: this.tableName, Item: head, ...condition }));
      } else {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.tableName, Item: head, ...condition } },
              ...rest.map((Item) => ({ Put: { TableName: this.tableName, Item } })),
            ],
          }),
        );
      }
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        return 'stale';
      }
      throw error;
    }
    await this.saveSummary(plantSummaryOf(record));
    return 'saved';
  }

  /**
   * Two small items beside the forecast: under its history key, and under `latest` unless a newer
   * forecast's are there already (the reader takes them only for the forecast they name).
   */
  async saveRecommendations(
    record: ForecastRecord,
    recommendations: ForecastRecommendation[],
    recommendMs: number,
  ): Promise<void> {
    const partition = ForecastKeys.partitionOf(record.plantId);
    const item: RecommendationsItem = {
      forecastAsOf: record.asOf,
      forecastGeneratedAt: record.generatedAt,
      recommendations,
      recommendMs,
    };
    await Promise.all([
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: partition,
            sk: recommendationsKey(ForecastKeys.history(record.asOf)),
            ...item,
            [ForecastsTable.ttlAttribute]: this.expiresAt(record),
          },
        }),
      ),
      this.client
        .send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: partition, sk: recommendationsKey(ForecastKeys.latest), ...item },
            // Not over those of a newer forecast (`isNewerForecast`).
            ConditionExpression:
              'attribute_not_exists(forecastAsOf) OR forecastAsOf < :asOf OR (forecastAsOf = :asOf AND ' +
              '(attribute_not_exists(forecastGeneratedAt) OR forecastGeneratedAt <= :generatedAt))',
            ExpressionAttributeValues: { ':asOf': record.asOf, ':generatedAt': record.generatedAt },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }),
    ]);
  }

  /** When a forecast's history items expire (epoch s). */
  private expiresAt(record: ForecastRecord): number {
    return Math.floor(record.generatedAt / 1000) + this.historyDays * 86_400;
  }

  /**
   * The plant's line in the overview, after its latest forecast: replaced only by a newer one's
   * (a forecast saved at once after this one may have written its line first).
   */
  private async saveSummary(summary: PlantSummary): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: ForecastKeys.plants, sk: summary.plantId, ...summary },
          ...newerThanStored(summary),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** The latest forecast of plant `plantId`, if any (see `readLatestForecast`). */
  latest(plantId?: string): Promise<ForecastRecord | undefined> {
    return readLatestForecast(this.client, this.tableName, plantId);
  }

  /** The overview of every plant with a forecast. */
  plants(): Promise<PlantSummary[]> {
    return readPlantSummaries(this.client, this.tableName);
  }
}
