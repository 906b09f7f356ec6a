// Filling the order-state table quickly with many active orders (BatchWriteItem), for tests and benchmarks.
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventKey, type StoredOrderState } from '../state/applyEvent.ts';
import { syntheticSnapshot } from './workloads.ts';

/**
 * `n` active order state items, as the ingest would have stored them (a synthetic plant): with the
 * key of the event that set each slot, as `applyEvent` keeps them, so that items have their real size.
 */
export function syntheticStateItems(n: number): StoredOrderState[] {
  const stage = {
    accepted: 1,
    'awaiting-material': 2,
    ready: 3,
    'in-production': 4,
    finished: 5,
    delivered: 6,
  } as const;
  return syntheticSnapshot(n).orders.map((o) => {
    // The slots an event has set, with the time of that event (an ETA update only if the ETA moved).
    const slots = {
      acceptedEvent: o.acceptedAt,
      orderedEvent: o.materialOrderedAt,
      etaEvent: o.eta !== undefined && o.eta !== o.initialEta ? o.materialOrderedAt : undefined,
      arrivedEvent: o.materialArrivedAt,
      startedEvent: o.productionStartedAt,
      finishedEvent: o.productionFinishedAt,
    };
    const events = Object.entries(slots).filter((e): e is [string, number] => e[1] !== undefined);
    return {
      ...o,
      ...Object.fromEntries(
        events.map(([slot, at], i) => [slot, eventKey({ at, eventId: `bench-${o.orderId}-${i + 1}` })]),
      ),
      stage: stage[o.status],
      version: events.length,
      activeShard: '0',
      updatedAt: Math.max(...events.map(([, at]) => at)),
    };
  });
}

/** Writes `items` to `table`, 25 per BatchWriteItem, several batches at once, retrying unprocessed items. */
export async function putItems(
  client: DynamoDBDocumentClient,
  table: string,
  items: readonly object[],
): Promise<void> {
  const batches: object[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25) as object[]);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let b = next++; b < batches.length; b = next++) {
        let requests = batches[b]!.map((Item) => ({ PutRequest: { Item: Item as Record<string, unknown> } }));
        for (let attempt = 0; requests.length > 0 && attempt < 10; attempt++) {
          const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
          requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
        }
        if (requests.length > 0) throw new Error(`${requests.length} items not written to ${table}`);
      }
    }),
  );
}
