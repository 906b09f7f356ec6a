// Filling the order-state table quickly with many active orders (BatchWriteItem), for tests and benchmarks.
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventKey, runningStepsOf, type StoredOrderState, stageOf } from '../state/applyEvent.ts';
import { flattenSteps } from '../state/stepAttributes.ts';
import { syntheticSnapshot } from './workloads.ts';

/**
 * `n` active order state items, as the ingest would have stored them (a synthetic plant) and as the
 * DynamoDB store lays them out (steps flat): with the key of the event that set each slot, as
 * `applyEvent` keeps them, so that items have their real size.
 */
export function syntheticStateItems(n: number): Record<string, unknown>[] {
  return syntheticSnapshot(n).orders.map((o) => {
    // The slots an event has set, with the time of that event (an ETA update only if the ETA moved).
    const slots = {
      acceptedEvent: o.acceptedAt,
      orderedEvent: o.materialOrderedAt,
      etaEvent: o.eta !== undefined && o.eta !== o.initialEta ? o.materialOrderedAt : undefined,
      arrivedEvent: o.materialArrivedAt,
    };
    const stepSlots = Object.entries(o.steps ?? {}).flatMap(([step, s]) => [
      ...(s.startedAt === undefined ? [] : [[step, 'startedEvent', s.startedAt] as const]),
      ...(s.finishedAt === undefined ? [] : [[step, 'finishedEvent', s.finishedAt] as const]),
    ]);
    const events = Object.entries(slots).filter((e): e is [string, number] => e[1] !== undefined);
    const key = (at: number, i: number) => eventKey({ at, eventId: `bench-${o.orderId}-${i + 1}` });
    const stepEvents: Record<string, Record<string, string>> = {};
    stepSlots.forEach(([step, slot, at], i) => {
      stepEvents[step] = { ...stepEvents[step], [slot]: key(at, events.length + i) };
    });
    const state: StoredOrderState = {
      ...o,
      status: o.status!,
      ...Object.fromEntries(events.map(([slot, at], i) => [slot, key(at, i)])),
      ...(stepSlots.length > 0 && { stepEvents }),
      stage: stageOf(o),
      runningSteps: runningStepsOf(o),
      version: events.length + stepSlots.length,
      activeShard: '0',
      updatedAt: Math.max(...events.map(([, at]) => at), ...stepSlots.map(([, , at]) => at)),
    };
    return flattenSteps(state);
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
