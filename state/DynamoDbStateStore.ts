// The DynamoDB state store: one conditional UpdateItem per event in the common case (the event is
// newer than everything it touches); when the condition fails, the item returned with the failure
// decides, through the same reducer as everywhere else, whether anything is left to write.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { OrderStateTable } from '../contracts/resources.ts';
import {
  activeShardOf,
  applyEvent,
  effectOf,
  SLOTS,
  type Slot,
  STAGES,
  type StoredOrderState,
} from './applyEvent.ts';
import { StateStoreError, TransientStoreError } from './errors.ts';
import type { DomainEvent } from './events.ts';
import type { ApplyOutcome, StateStore } from './StateStore.ts';

const MAX_ATTEMPTS = 5;

export interface DynamoDbStateStoreOptions {
  indexName?: string;
  activeShards?: number;
}

/** Keeps order state in the `order-state` table. */
export class DynamoDbStateStore implements StateStore {
  /** DynamoDB calls made so far (the ingest benchmark reports calls per event). */
  calls = 0;
  private readonly indexName: string;
  private readonly activeShards: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbStateStoreOptions = {},
  ) {
    this.indexName = options.indexName ?? OrderStateTable.activeIndex.name;
    this.activeShards = options.activeShards ?? OrderStateTable.activeShards;
  }

  async apply(event: DomainEvent): Promise<ApplyOutcome> {
    let current: StoredOrderState | undefined;
    try {
      this.calls++;
      await this.client.send(
        new UpdateCommand({ TableName: this.tableName, ...this.optimisticUpdate(event) }),
      );
      return 'applied';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw this.mapError(error, event);
      current = error.Item ? (unmarshall(error.Item) as StoredOrderState) : undefined;
    }
    // The event is older than something it touches (or a duplicate): let the reducer decide, and
    // write its result only if the item is still the one it was computed from.
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const next = applyEvent(current, event, this.activeShards);
      if (next === undefined) return 'ignored';
      try {
        this.calls++;
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: next,
            ...(current === undefined
              ? { ConditionExpression: 'attribute_not_exists(orderId)' }
              : {
                  ConditionExpression: '#version = :version',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':version': current.version },
                }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'applied';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw this.mapError(error, event);
        current = error.Item ? (unmarshall(error.Item) as StoredOrderState) : undefined;
      }
    }
    throw new TransientStoreError(
      `order ${event.orderId}: the item kept changing during ${MAX_ATTEMPTS} attempts`,
      {
        orderId: event.orderId,
        eventId: event.eventId,
      },
    );
  }

  async get(orderId: string): Promise<StoredOrderState | undefined> {
    this.calls++;
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }),
    );
    return result.Item as StoredOrderState | undefined;
  }

  async listActive(): Promise<StoredOrderState[]> {
    const items: StoredOrderState[] = [];
    for (let shard = 0; shard < this.activeShards; shard++) {
      let startKey: Record<string, unknown> | undefined;
      do {
        this.calls++;
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: this.indexName,
            KeyConditionExpression: '#shard = :shard',
            ExpressionAttributeNames: { '#shard': OrderStateTable.activeIndex.partitionKey },
            ExpressionAttributeValues: { ':shard': String(shard) },
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...((page.Items ?? []) as StoredOrderState[]));
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
    return items.sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  }

  /**
   * The update that applies `event` when it is newer than every slot it sets, reaches at least the
   * stored stage and is not older than the latest event applied; conditioned on exactly that.
   */
  private optimisticUpdate(event: DomainEvent) {
    const effect = effectOf(event);
    const names: Record<string, string> = {
      '#stage': 'stage',
      '#status': 'status',
      '#updatedAt': 'updatedAt',
      '#version': 'version',
      '#activeShard': OrderStateTable.activeIndex.partitionKey,
    };
    const values: Record<string, unknown> = {
      ':key': effect.key,
      ':stage': effect.stage,
      ':status': STAGES[effect.stage],
      ':at': event.at,
      ':one': 1,
    };
    const set = ['#stage = :stage', '#status = :status', '#updatedAt = :at'];
    const remove: string[] = [];
    const conditions = [
      '(attribute_not_exists(#stage) OR #stage <= :stage)',
      '(attribute_not_exists(#updatedAt) OR #updatedAt <= :at)',
    ];
    for (const [slot, fields] of Object.entries(effect.slots) as [
      Slot,
      Record<string, number | undefined>,
    ][]) {
      const attribute = SLOTS[slot].attribute;
      names[`#${attribute}`] = attribute;
      set.push(`#${attribute} = :key`);
      conditions.push(`(attribute_not_exists(#${attribute}) OR #${attribute} < :key)`);
      for (const [field, value] of Object.entries(fields)) {
        names[`#${field}`] = field;
        if (value === undefined) remove.push(`#${field}`);
        else {
          values[`:${field}`] = value;
          set.push(`#${field} = :${field}`);
        }
      }
    }
    if (effect.stage >= 6) remove.push('#activeShard');
    else {
      values[':activeShard'] = activeShardOf(event.orderId, this.activeShards);
      set.push('#activeShard = :activeShard');
    }
    return {
      Key: { orderId: event.orderId },
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''} ADD #version :one`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  /** Throttling, timeouts and service errors may pass on retry; anything else is reported as it is. */
  private mapError(error: unknown, event: DomainEvent): StateStoreError {
    const e = error as {
      name?: string;
      message?: string;
      $retryable?: unknown;
      $metadata?: { httpStatusCode?: number };
    };
    const context = { orderId: event.orderId, eventId: event.eventId };
    const transient =
      e.$retryable !== undefined ||
      (e.$metadata?.httpStatusCode ?? 0) >= 500 ||
      /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|InternalServerError|ServiceUnavailable|Timeout|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up/i.test(
        `${e.name} ${e.message}`,
      );
    const message = `order ${event.orderId}, event ${event.eventId}: DynamoDB ${e.name ?? 'error'}: ${e.message ?? String(error)}`;
    return transient
      ? new TransientStoreError(message, context, { cause: error })
      : new StateStoreError(message, context, { cause: error });
  }
}
