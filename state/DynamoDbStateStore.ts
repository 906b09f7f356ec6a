// The DynamoDB state store: one conditional UpdateItem per event in the common case (the event is
// newer than everything it touches); when the condition fails (an older event, a duplicate, another
// delivery of the same event), the item returned with the failure decides, through the same
// reducer as everywhere else, whether anything is left to write.
// It speaks DynamoDB's own attribute values through the low-level client, marshalling as the
// document client would, because a failed condition hands back the stored item in that form.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
  paginateScan,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import { ORDER_STATE_FIELDS } from '../contracts/orderState.ts';
import { OrderStateTable } from '../contracts/resources.ts';
import {
  activeShardOf,
  applyEvents,
  checkEvents,
  effectOf,
  PAYLOAD_HASH_LENGTH,
  SLOTS,
  type Slot,
  STAGES,
  type StoredOrderState,
  slotVerdict,
} from './applyEvent.ts';
import { StateStoreError, TransientStoreError } from './errors.ts';
import type { DomainEvent } from './events.ts';
import type { ActiveOrder, ApplyOutcome, FinishedOrder, StateStore } from './StateStore.ts';

const MAX_ATTEMPTS = 5;

/** An error as the SDK's classifiers read it. */
type SdkError = Parameters<typeof isTransientError>[0];

/** `ORDER_STATE_FIELDS` as a ProjectionExpression (by placeholder: `status` is a reserved word). */
const PROJECTION = {
  expression: ORDER_STATE_FIELDS.map((_, i) => `#f${i}`).join(', '),
  names: Object.fromEntries(ORDER_STATE_FIELDS.map((field, i) => [`#f${i}`, field])),
};

export interface DynamoDbStateStoreOptions {
  indexName?: string;
  activeShards?: number;
}

/** As the document client marshals: attributes left undefined are not written. */
const toItem = (value: object) => marshall(value, { removeUndefinedValues: true });

/** An item as the document client would return it (numbers as numbers). */
const fromItem = <T>(item: Record<string, AttributeValue>) => unmarshall(item) as T;

/** Orders by id, as both lists are returned. */
const byOrderId = (a: { orderId: string }, b: { orderId: string }) =>
  a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0;

/** Keeps order state in the `order-state` table. */
export class DynamoDbStateStore implements StateStore {
  private readonly indexName: string;
  private readonly activeShards: number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: DynamoDbStateStoreOptions = {},
  ) {
    this.indexName = options.indexName ?? OrderStateTable.activeIndex.name;
    this.activeShards = options.activeShards ?? OrderStateTable.activeShards;
  }

  async apply(event: DomainEvent): Promise<ApplyOutcome> {
    return (await this.applyAll([event]))[0]!;
  }

  async applyAll(events: readonly DomainEvent[]): Promise<ApplyOutcome[]> {
    checkEvents(events);
    const first = events[0];
    if (first === undefined) return [];
    // The common case, events newer than everything they touch: one conditional update.
    const update = this.optimisticUpdate(events);
    let current: StoredOrderState | undefined;
    if (update) {
      try {
        await this.client.send(new UpdateItemCommand({ TableName: this.tableName, ...update }));
        return events.map(() => 'applied');
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw this.mapError(error, first);
        current = error.Item ? fromItem<StoredOrderState>(error.Item) : undefined;
      }
    }
    // Something is older than what is stored (or a duplicate), or the events are not in time order:
    // let the reducer decide, and write its result only if the item is still the one it was
    // computed from. Without an update tried first, the item is assumed new until DynamoDB says otherwise.
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { next, outcomes } = applyEvents(current, events, this.activeShards);
      if (next === current || next === undefined) return outcomes;
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: toItem(next),
            ...(current === undefined
              ? { ConditionExpression: 'attribute_not_exists(orderId)' }
              : {
                  ConditionExpression: '#version = :version',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: toItem({ ':version': current.version }),
                }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return outcomes;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw this.mapError(error, first);
        current = error.Item ? fromItem<StoredOrderState>(error.Item) : undefined;
      }
    }
    throw new TransientStoreError(
      `order ${first.orderId}: the item kept changing during ${MAX_ATTEMPTS} attempts`,
      {
        orderId: first.orderId,
        eventId: first.eventId,
      },
    );
  }

  async get(orderId: string): Promise<StoredOrderState | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: toItem({ orderId }), ConsistentRead: true }),
    );
    return result.Item ? fromItem<StoredOrderState>(result.Item) : undefined;
  }

  async listActive(): Promise<ActiveOrder[]> {
    const items: ActiveOrder[] = [];
    for (let shard = 0; shard < this.activeShards; shard++) {
      for await (const page of paginateQuery(
        { client: this.client },
        {
          TableName: this.tableName,
          IndexName: this.indexName,
          KeyConditionExpression: '#shard = :shard',
          // Only what the forecast reads: about half of an item is the ingest's bookkeeping.
          ProjectionExpression: PROJECTION.expression,
          ExpressionAttributeNames: {
            '#shard': OrderStateTable.activeIndex.partitionKey,
            ...PROJECTION.names,
          },
          ExpressionAttributeValues: { ':shard': { S: String(shard) } },
        },
      )) {
        for (const item of page.Items ?? []) items.push(fromItem<ActiveOrder>(item));
      }
    }
    return items.sort(byOrderId);
  }

  async listFinished(): Promise<FinishedOrder[]> {
    const items: FinishedOrder[] = [];
    for await (const page of paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        FilterExpression: 'attribute_exists(productionFinishedAt)',
        ProjectionExpression: 'orderId, productionFinishedAt, dueAt',
      },
    )) {
      for (const item of page.Items ?? []) items.push(fromItem<FinishedOrder>(item));
    }
    return items.sort(byOrderId);
  }

  /**
   * The update that applies `events` (of one order, in strictly increasing time order) when each is
   * newer than every slot it sets, together they reach at least the stored stage, and the last is
   * not older than the latest event applied; conditioned on exactly that. Then applying them one by
   * one would change the item with every event, and leave each slot as the last event that sets it
   * does. A slot that holds another delivery of the first event that sets it (or its key without
   * hash, kept by older items) fails the condition, so that the reducer sees the conflict or the
   * replay. Undefined when the events are not in strictly increasing order, or when two that set
   * one slot would not simply follow each other (deliveries of one event that differ).
   */
  private optimisticUpdate(events: readonly DomainEvent[]) {
    const effects = events.map(effectOf);
    for (let i = 1; i < effects.length; i++) if (effects[i]!.key <= effects[i - 1]!.key) return undefined;
    const stage = Math.max(...effects.map((e) => e.stage));
    const at = Math.max(...events.map((e) => e.at));
    const names: Record<string, string> = {
      '#stage': 'stage',
      '#status': 'status',
      '#updatedAt': 'updatedAt',
      '#version': 'version',
      '#activeShard': OrderStateTable.activeIndex.partitionKey,
    };
    const values: Record<string, unknown> = {
      ':stage': stage,
      ':status': STAGES[stage],
      ':at': at,
      ':count': events.length,
    };
    const set = ['#stage = :stage', '#status = :status', '#updatedAt = :at'];
    const remove: string[] = [];
    const conditions = [
      '(attribute_not_exists(#stage) OR #stage <= :stage)',
      '(attribute_not_exists(#updatedAt) OR #updatedAt <= :at)',
    ];
    // Per slot: the first event that sets it (the stored key must be older) and the last (it stays).
    const slots = new Map<
      Slot,
      { first: string; last: string; fields: Record<string, number | undefined> }
    >();
    for (const effect of effects) {
      for (const [slot, fields] of Object.entries(effect.slots) as [
        Slot,
        Record<string, number | undefined>,
      ][]) {
        const previous = slots.get(slot);
        if (previous) {
          const verdict = slotVerdict(previous.last, effect.key);
          if (!verdict.supersedes || verdict.conflict) return undefined;
        }
        slots.set(slot, { first: previous?.first ?? effect.key, last: effect.key, fields });
      }
    }
    for (const [slot, { first, last, fields }] of slots) {
      const attribute = SLOTS[slot].attribute;
      const prefix = first.slice(0, -(PAYLOAD_HASH_LENGTH + 1));
      names[`#${attribute}`] = attribute;
      values[`:${slot}First`] = first;
      values[`:${slot}Last`] = last;
      values[`:${slot}Event`] = prefix;
      values[`:${slot}Delivery`] = `${prefix}#`;
      set.push(`#${attribute} = :${slot}Last`);
      conditions.push(
        `(attribute_not_exists(#${attribute}) OR (#${attribute} < :${slot}First AND #${attribute} <> :${slot}Event AND NOT begins_with(#${attribute}, :${slot}Delivery)))`,
      );
      for (const [field, value] of Object.entries(fields)) {
        names[`#${field}`] = field;
        if (value === undefined) remove.push(`#${field}`);
        else {
          values[`:${field}`] = value;
          set.push(`#${field} = :${field}`);
        }
      }
    }
    const orderId = events[0]!.orderId;
    if (stage >= 6) remove.push('#activeShard');
    else {
      values[':activeShard'] = activeShardOf(orderId, this.activeShards);
      set.push('#activeShard = :activeShard');
    }
    return {
      Key: toItem({ orderId }),
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''} ADD #version :count`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: toItem(values),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  /**
   * What the SDK classifies as throttling, transient (timeouts, broken connections, 5xx answers
   * meant to be retried) or a server error may pass on retry, once the SDK's own retries are spent;
   * anything else is reported as it is.
   */
  private mapError(error: unknown, event: DomainEvent): StateStoreError {
    const context = { orderId: event.orderId, eventId: event.eventId };
    const e = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
    const transient = isThrottlingError(e) || isTransientError(e) || isServerError(e);
    const message = `order ${event.orderId}, event ${event.eventId}: DynamoDB ${e.name ?? 'error'}: ${e.message ?? String(error)}`;
    return transient
      ? new TransientStoreError(message, context, { cause: error })
      : new StateStoreError(message, context, { cause: error });
  }
}
