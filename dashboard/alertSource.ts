// Where the dashboard reads the twin's recent alerts from: the alert items of the forecasts table.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readRecentAlerts } from '../contracts/alertItem.ts';
import type { Alert } from '../contracts/alerts.ts';
import { forecastTableError } from './forecastSource.ts';

/** The read side of the alerts the dashboard needs. */
export interface AlertSource {
  /** Plant `plantId`'s newest `limit` alerts (default: the default plant's), newest first. */
  recent(limit: number, plantId?: string): Promise<Alert[]>;
}

export class DynamoDbAlertSource implements AlertSource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recent(limit: number, plantId?: string): Promise<Alert[]> {
    try {
      return await readRecentAlerts(this.client, this.tableName, limit, plantId);
    } catch (error) {
      throw forecastTableError(error, this.tableName);
    }
  }
}
