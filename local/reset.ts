// Empties the order-state and forecasts tables, for a fresh run (`twin reset`).
import { BatchWriteCommand, type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { ForecastsTable, OrderStateTable, resourceNames } from '../contracts/resources.ts';

/** Deletes every item of both tables; returns how many were deleted per table. */
export async function resetTables(
  client: DynamoDBDocumentClient,
  names = resourceNames(),
): Promise<Record<string, number>> {
  const tables = [
    { name: names.orderStateTable, keys: [OrderStateTable.partitionKey] },
    { name: names.forecastsTable, keys: [ForecastsTable.partitionKey, ForecastsTable.sortKey] },
  ];
  const deleted: Record<string, number> = {};
  for (const table of tables) {
    let count = 0;
    for await (const page of paginateScan(
      { client },
      {
        TableName: table.name,
        ProjectionExpression: table.keys.map((_, i) => `#k${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(table.keys.map((k, i) => [`#k${i}`, k])),
      },
    )) {
      const items = page.Items ?? [];
      for (let i = 0; i < items.length; i += 25) {
        let requests = items.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
        for (let attempt = 0; requests.length > 0 && attempt < 10; attempt++) {
          const result = await client.send(
            new BatchWriteCommand({ RequestItems: { [table.name]: requests } }),
          );
          requests = (result.UnprocessedItems?.[table.name] ?? []) as typeof requests;
        }
      }
      count += items.length;
    }
    deleted[table.name] = count;
  }
  return deleted;
}
