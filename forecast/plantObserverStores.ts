// The observer's stores of each plant other than the default, in the forecasts table: made on a
// plant's first batch and kept (the history's cache of forecasts read is worth keeping).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAccuracyStore } from './DynamoDbAccuracyStore.ts';
import { DynamoDbForecastHistory } from './ForecastHistory.ts';
import type { PlantObserverStores } from './observer.ts';

export function dynamoDbPlantObserverStores(
  client: DynamoDBDocumentClient,
  tableName: string,
): PlantObserverStores {
  const stores = new Map<string, ReturnType<PlantObserverStores>>();
  return (plantId) => {
    let mine = stores.get(plantId);
    if (mine === undefined) {
      mine = {
        history: new DynamoDbForecastHistory(client, tableName, plantId),
        accuracy: new DynamoDbAccuracyStore(client, tableName, plantId),
      };
      stores.set(plantId, mine);
    }
    return mine;
  };
}
