// Where the dashboard reads the twin's past from: the rolling accuracy record (one GetItem) and the
// forecast history (a paginated Query of its head items' summaries, then one forecast by its asOf),
// for the accuracy panel and the replay slider. The history is each plant's own; the accuracy record
// is kept for the default plant only.
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { readAccuracyItem } from '../contracts/accuracyItem.ts';
import { type AccuracySummary, summariseAccuracy } from '../contracts/accuracyRecord.ts';
import { readForecastAt } from '../contracts/forecastItem.ts';
import { ForecastKeys, type ForecastRecord } from '../contracts/forecastRecord.ts';
import { DEFAULT_PLANT } from '../contracts/plants.ts';
import { isUnreachable } from '../contracts/unreachable.ts';
import { ForecastTableMissingError, ForecastUnavailableError } from './errors.ts';

/** A forecast of history, as the replay slider lists it (no orders: those come one forecast at a time). */
export interface HistoryItem {
  asOf: number;
  generatedAt: number;
  ordersLate?: number;
  ordersAtRisk?: number;
  activeOrders?: number;
}

export interface HistoryPage {
  forecasts: HistoryItem[];
  /** Pass it back as `cursor` for the next page; absent on the last. */
  next?: string;
}

export interface HistorySource {
  /** Plant `plantId`'s rolling accuracy record's figures (default: the default plant's), if the twin keeps one. */
  accuracy(plantId?: string): Promise<AccuracySummary | undefined>;
  /**
   * Plant `plantId`'s forecasts (default: the default plant's) made from `from` to `to` (plant time,
   * inclusive), oldest first, a page at a time.
   */
  list(range: {
    from: number;
    to: number;
    limit: number;
    cursor?: string | undefined;
    plantId?: string | undefined;
  }): Promise<HistoryPage>;
  /** Plant `plantId`'s forecast of history made at `asOf`, if it is kept. */
  at(asOf: number, plantId?: string): Promise<ForecastRecord | undefined>;
}

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);

/** A cursor is the Query's LastEvaluatedKey (two strings), base64url JSON. */
function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ pk: key.pk, sk: key.sk })).toString('base64url');
}

/** The Query's ExclusiveStartKey from a cursor; throws CursorError when it is not one of ours. */
export class CursorError extends Error {
  override name = 'CursorError';
}

function decodeCursor(cursor: string, plantId: string): Record<string, string> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      key.pk === ForecastKeys.partitionOf(plantId) &&
      typeof key.sk === 'string' &&
      key.sk.startsWith(ForecastKeys.historyPrefix)
    ) {
      return { pk: key.pk, sk: key.sk };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new CursorError('cursor is not one this API gave: pass back the `next` of the previous page');
}

/** The forecasts table's accuracy record and history. */
export class DynamoDbHistorySource implements HistorySource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async accuracy(plantId?: string): Promise<AccuracySummary | undefined> {
    try {
      const stored = await readAccuracyItem(this.client, this.tableName, plantId);
      return stored && summariseAccuracy(stored.record);
    } catch (error) {
      throw this.mapped(error);
    }
  }

  async list(range: {
    from: number;
    to: number;
    limit: number;
    cursor?: string | undefined;
    plantId?: string | undefined;
  }): Promise<HistoryPage> {
    const plantId = range.plantId ?? DEFAULT_PLANT;
    const start = range.cursor === undefined ? undefined : decodeCursor(range.cursor, plantId);
    try {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          // `~` sorts after the chunk keys of a forecast made at `to`, so that its head is in range.
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': ForecastKeys.partitionOf(plantId),
            ':from': ForecastKeys.history(range.from),
            ':to': `${ForecastKeys.history(range.to)}~`,
          },
          ProjectionExpression: 'sk, asOf, generatedAt, kpis, stateVersion',
          Limit: range.limit,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      const forecasts = (page.Items ?? [])
        // Chunk items carry no asOf: only heads are forecasts.
        .filter((item) => typeof item.asOf === 'number')
        .map((item) => {
          const kpis = item.kpis as { ordersLate?: number; ordersAtRisk?: number } | undefined;
          const state = item.stateVersion as { activeOrders?: number } | undefined;
          return {
            asOf: item.asOf as number,
            generatedAt: item.generatedAt as number,
            ...(kpis?.ordersLate !== undefined && { ordersLate: kpis.ordersLate }),
            ...(kpis?.ordersAtRisk !== undefined && { ordersAtRisk: kpis.ordersAtRisk }),
            ...(state?.activeOrders !== undefined && { activeOrders: state.activeOrders }),
          };
        });
      return {
        forecasts,
        ...(page.LastEvaluatedKey !== undefined && { next: encodeCursor(page.LastEvaluatedKey) }),
      };
    } catch (error) {
      throw this.mapped(error);
    }
  }

  async at(asOf: number, plantId: string = DEFAULT_PLANT): Promise<ForecastRecord | undefined> {
    try {
      return await readForecastAt(this.client, this.tableName, ForecastKeys.history(asOf), plantId);
    } catch (error) {
      throw this.mapped(error);
    }
  }

  private mapped(error: unknown): unknown {
    const name = (error as { name?: string } | undefined)?.name ?? '';
    const code = (error as { code?: string } | undefined)?.code ?? '';
    if (name === 'ResourceNotFoundException')
      return new ForecastTableMissingError(this.tableName, { cause: error });
    if (THROTTLED.has(name) || isUnreachable(error)) {
      return new ForecastUnavailableError(`the forecasts table did not answer (${code || name})`, {
        cause: error,
      });
    }
    return error;
  }
}
