// The alert items of the forecasts table, as the twin writes them and the dashboard reads them: the
// recent alerts (one item each, expiring as forecast history does) and the lateness alerts' state,
// each order's outlook as the latest forecast that raised alerts left it.
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Alert } from './alerts.ts';
import { ForecastKeys } from './forecastRecord.ts';
import { DEFAULT_PLANT } from './plants.ts';

const ALERT = 'alert#';

/** Keys of the alert items (table `forecasts`, the partition of their plant: `ForecastKeys.partitionOf`). */
export const AlertKeys = {
  partition: ForecastKeys.partition,
  /** Alert items sort by the asOf of the forecast (or accuracy record) that raised them. */
  alert: (alert: Pick<Alert, 'asOf' | 'id'>) => `${ALERT}${new Date(alert.asOf).toISOString()}#${alert.id}`,
  /** What every alert item's sort key begins with. */
  alertPrefix: ALERT,
  /** The lateness alerts' state: which orders the latest forecast that raised alerts saw late or at risk. */
  latenessState: 'alert-state#lateness',
} as const;

/** The most alerts the dashboard asks for. */
export const MAX_RECENT_ALERTS = 200;

/**
 * The newest `limit` alerts in `tableName`, newest first, each once: an alert raised again (its
 * publication failed or two forecasts raced) keeps its id, and the newer copy is shown.
 */
export async function readRecentAlerts(
  client: DynamoDBDocumentClient,
  tableName: string,
  limit = 50,
  plantId: string = DEFAULT_PLANT,
): Promise<Alert[]> {
  const alerts: Alert[] = [];
  const seen = new Set<string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :alert)',
        ExpressionAttributeValues: { ':pk': ForecastKeys.partitionOf(plantId), ':alert': ALERT },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const alert = JSON.parse(item.alert as string) as Alert;
      if (seen.has(alert.id)) continue;
      seen.add(alert.id);
      alerts.push(alert);
      if (alerts.length === limit) return alerts;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return alerts;
}
