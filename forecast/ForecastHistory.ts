// The forecast in effect at a time, from the forecast history: the latest made at or before it. The
// observer asks it for each finished step and horizon; on DynamoDB that is one Query with a key
// condition and Limit 1 (never a scan of history), and a forecast once read is kept for the next
// batches (a container serves many).
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { headKeyOf, readForecastAt } from '../contracts/forecastItem.ts';
import { ForecastKeys, type ForecastRecord, type ModelSummary } from '../contracts/forecastRecord.ts';
import { type PastForecast, pastForecast } from './accuracy.ts';

/** A forecast of history as the observer reads it: what it said, and its model's routings. */
export interface HistoricForecast extends PastForecast {
  model: Pick<ModelSummary, 'products' | 'defaultProduct'>;
}

/** The latest forecast's version: when it was made (wall clock) and the latest event time in its state. */
export interface ForecastVersionLag {
  generatedAt: number;
  latestEventAt: number;
}

export interface ForecastHistory {
  /** The latest forecast made at or before `t` (plant time), if any. */
  inEffectAt(t: number): Promise<HistoricForecast | undefined>;
  /** The latest forecast's version, if any (for the data latency). */
  latestVersion(): Promise<ForecastVersionLag | undefined>;
}

const historic = (record: ForecastRecord): HistoricForecast => ({
  ...pastForecast(record),
  model: { products: record.model.products, defaultProduct: record.model.defaultProduct },
});

/** History from a list of forecast records (tests; InMemoryForecastStore's `history`). */
export class InMemoryForecastHistory implements ForecastHistory {
  constructor(private readonly records: readonly ForecastRecord[]) {}

  async inEffectAt(t: number): Promise<HistoricForecast | undefined> {
    let best: ForecastRecord | undefined;
    for (const r of this.records) if (r.asOf <= t && (best === undefined || r.asOf >= best.asOf)) best = r;
    return best && historic(best);
  }

  async latestVersion(): Promise<ForecastVersionLag | undefined> {
    let latest: ForecastRecord | undefined;
    for (const r of this.records) if (latest === undefined || r.asOf > latest.asOf) latest = r;
    return latest && { generatedAt: latest.generatedAt, latestEventAt: latest.stateVersion.latestEventAt };
  }
}

/** Forecasts kept once read: a batch's steps and the next batches mostly look at the same few. */
const CACHED_FORECASTS = 32;

/** The history in the forecasts table (see the file comment). */
export class DynamoDbForecastHistory implements ForecastHistory {
  private readonly cache = new Map<string, Promise<HistoricForecast | undefined>>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The plant whose history it is (default: the default plant). */
    private readonly plantId?: string,
  ) {}

  async inEffectAt(t: number): Promise<HistoricForecast | undefined> {
    if (!Number.isFinite(t) || t < 0) return undefined;
    // History keys sort by time (`history#<ISO asOf>`), a head's chunks (`…#001`) and recommendations
    // right after it: the greatest key at or below the key of `t` is an item of the forecast in effect.
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': ForecastKeys.partitionOf(this.plantId),
          ':from': ForecastKeys.historyPrefix,
          ':to': ForecastKeys.history(t),
        },
        ProjectionExpression: 'sk',
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const sk = Items?.[0]?.sk as string | undefined;
    if (sk === undefined) return undefined;
    const head = headKeyOf(sk);
    let forecast = this.cache.get(head);
    if (forecast === undefined) {
      forecast = readForecastAt(this.client, this.tableName, head, this.plantId).then(
        (r) => r && historic(r),
      );
      // A failed read is not kept: the next batch asks again.
      forecast.catch(() => this.cache.delete(head));
      this.cache.set(head, forecast);
      if (this.cache.size > CACHED_FORECASTS) this.cache.delete(this.cache.keys().next().value!);
    }
    return forecast;
  }

  async latestVersion(): Promise<ForecastVersionLag | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: ForecastKeys.partitionOf(this.plantId), sk: ForecastKeys.latest },
        ProjectionExpression: 'generatedAt, stateVersion',
      }),
    );
    const latestEventAt = (Item?.stateVersion as { latestEventAt?: number } | undefined)?.latestEventAt;
    if (typeof Item?.generatedAt !== 'number' || typeof latestEventAt !== 'number') return undefined;
    return { generatedAt: Item.generatedAt, latestEventAt };
  }
}
