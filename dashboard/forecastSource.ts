// Where the dashboard reads forecasts from: each plant's latest forecast, (cheaply) which one is
// latest, and the overview of every plant.
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { readLatestForecast, readPlantSummaries } from '../contracts/forecastItem.ts';
import { ForecastKeys, type ForecastRecord, type PlantSummary } from '../contracts/forecastRecord.ts';
import { DEFAULT_PLANT } from '../contracts/plants.ts';
import { isUnreachable } from '../contracts/unreachable.ts';
import { ForecastTableMissingError, ForecastUnavailableError } from './errors.ts';

/** What identifies a forecast: two forecasts with the same version are the same forecast. */
export interface ForecastVersion {
  asOf: number;
  generatedAt: number;
}

/** The read side of the forecasts the dashboard needs. */
export interface ForecastSource {
  /** Plant `plantId`'s latest forecast (default: the default plant's), if any. */
  latest(plantId?: string): Promise<ForecastRecord | undefined>;
  /** Plant `plantId`'s latest forecast's version without its data, if the source can tell it cheaply. */
  version?(plantId?: string): Promise<ForecastVersion | undefined>;
  /**
   * Every plant's line of the overview (those with a forecast). Without it the overview is the
   * default plant's latest forecast alone.
   */
  plants?(): Promise<PlantSummary[]>;
}

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);

/** Reads the forecasts table; the version check is one small GetItem, so polling does not read the data. */
export class DynamoDbForecastSource implements ForecastSource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async latest(plantId: string = DEFAULT_PLANT): Promise<ForecastRecord | undefined> {
    try {
      return await readLatestForecast(this.client, this.tableName, plantId);
    } catch (error) {
      throw this.mapped(error);
    }
  }

  async version(plantId: string = DEFAULT_PLANT): Promise<ForecastVersion | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: ForecastKeys.partitionOf(plantId), sk: ForecastKeys.latest },
          ProjectionExpression: 'asOf, generatedAt',
          ConsistentRead: true,
        }),
      );
      if (Item === undefined) return undefined;
      return { asOf: Number(Item.asOf), generatedAt: Number(Item.generatedAt) };
    } catch (error) {
      throw this.mapped(error);
    }
  }

  /** One Query of the overview's partition, however many plants. */
  async plants(): Promise<PlantSummary[]> {
    try {
      return await readPlantSummaries(this.client, this.tableName);
    } catch (error) {
      throw this.mapped(error);
    }
  }

  private mapped(error: unknown): unknown {
    return forecastTableError(error, this.tableName);
  }
}

/** A failure to read the forecasts table as the dashboard's error: no table, or not answering. */
export function forecastTableError(error: unknown, tableName: string): unknown {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  const code = (error as { code?: string } | undefined)?.code ?? '';
  if (name === 'ResourceNotFoundException') return new ForecastTableMissingError(tableName, { cause: error });
  if (THROTTLED.has(name) || isUnreachable(error)) {
    return new ForecastUnavailableError(`the forecasts table did not answer (${code || name})`, {
      cause: error,
    });
  }
  return error;
}
