// The DynamoDB state store: one conditional UpdateItem per order and batch in the common case (the
// events are newer than everything they touch, and the item is where they expect it: a step they
// finish was started, no other step runs); when the condition fails (an older event, a duplicate,
// another delivery of the same event, an unusual item), the item returned with the failure decides,
// through the same reducer as everywhere else, whether anything is left to write. Steps lie in the
// item as attributes of their own (state/stepAttributes.ts).
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
import { DEFAULT_PLANT, PLANT_SCOPE_PREFIX, plantScopedKey } from '../contracts/plants.ts';
import { OrderStateTable } from '../contracts/resources.ts';
import {
  activeShardOf,
  applyEvents,
  checkEvents,
  effectOf,
  fromV1Item,
  PAYLOAD_HASH_LENGTH,
  SLOTS,
  type SlotValues,
  type SlotWrite,
  STAGE_STATUS,
  STEP_SLOTS,
  Stage,
  type StepSlot,
  type StoredOrderState,
  slotVerdict,
} from './applyEvent.ts';
import { StateStoreError, TransientStoreError } from './errors.ts';
import type { DomainEvent, PlantDomainEvent } from './events.ts';
import {
  applyPlantEvent,
  checkPlantEvent,
  isPlantKey,
  type PlantState,
  plantItemsPartition,
  plantKeyOf,
  type StoredPlantItem,
  toPlantState,
} from './plantState.ts';
import {
  type ActiveOrder,
  type ApplyOutcome,
  type FinishedOrder,
  type StateStore,
  toActiveOrder,
  toFinishedOrder,
} from './StateStore.ts';
import { flattenSteps, nestSteps, type StepField, stepAttribute } from './stepAttributes.ts';

const MAX_ATTEMPTS = 5;

/** An error as the SDK's classifiers read it. */
type SdkError = Parameters<typeof isTransientError>[0];

/** The attributes where items written before steps existed keep the keys of their production events. */
const V1_STEP_EVENT_ATTRIBUTES = [STEP_SLOTS.started.attribute, STEP_SLOTS.finished.attribute];

export interface DynamoDbStateStoreOptions {
  indexName?: string;
  activeShards?: number;
}

/** As the document client marshals: attributes left undefined are not written. */
const toItem = (value: object) => marshall(value, { removeUndefinedValues: true });

/** An order state as its item: its steps laid out flat. */
const stateToItem = (state: StoredOrderState) => toItem(flattenSteps(state));

/** An item as the document client would return it (numbers as numbers), its steps nested. */
const fromItem = (item: Record<string, AttributeValue>) => nestSteps(unmarshall(item));

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
        if (!(error instanceof ConditionalCheckFailedException)) throw this.mapOrderError(error, first);
        current = error.Item ? fromItem(error.Item) : undefined;
      }
    }
    // Something is older than what is stored (or a duplicate), or the events are not in time order:
    // let the reducer decide, and write its result only if the item is still the one it was
    // computed from. Without an update tried first, the item is assumed new until DynamoDB says otherwise.
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { next, outcomes } = applyEvents(current, events, this.activeShards);
      if (next === current || next === undefined) return outcomes;
      try {
        await this.putIfUnchanged(stateToItem(next), current?.version);
        return outcomes;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw this.mapOrderError(error, first);
        current = error.Item ? fromItem(error.Item) : undefined;
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

  async get(orderId: string, plantId = DEFAULT_PLANT): Promise<StoredOrderState | undefined> {
    if (isPlantKey(orderId)) return undefined;
    const key = plantScopedKey(plantId, orderId);
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: toItem({ orderId: key }), ConsistentRead: true }),
    );
    return result.Item ? fromV1Item(fromItem(result.Item)) : undefined;
  }

  async listActive(plantId = DEFAULT_PLANT): Promise<ActiveOrder[]> {
    const items: ActiveOrder[] = [];
    for (let shard = 0; shard < this.activeShards; shard++) {
      // Whole items: step attributes have names of their own, which no projection can list. The
      // index holds active orders only, so that this stays the cost of the work in process.
      for await (const page of paginateQuery(
        { client: this.client },
        {
          TableName: this.tableName,
          IndexName: this.indexName,
          KeyConditionExpression: '#shard = :shard',
          ExpressionAttributeNames: { '#shard': OrderStateTable.activeIndex.partitionKey },
          ExpressionAttributeValues: { ':shard': { S: plantScopedKey(plantId, String(shard)) } },
        },
      )) {
        for (const item of page.Items ?? []) items.push(toActiveOrder(fromItem(item)));
      }
    }
    return items.sort(byOrderId);
  }

  async listFinished(plantId = DEFAULT_PLANT): Promise<FinishedOrder[]> {
    const items: FinishedOrder[] = [];
    // The plant's keys: those under its scope, or (the default plant) those under none.
    const scope = plantScopedKey(plantId, '');
    const inPlant = plantId === DEFAULT_PLANT ? 'NOT begins_with(#key, :scope)' : 'begins_with(#key, :scope)';
    for await (const page of paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        // A step has finished (or the order is delivered: then its steps tell).
        FilterExpression: `#stage >= :finished AND ${inPlant}`,
        ExpressionAttributeNames: { '#stage': 'stage', '#key': OrderStateTable.partitionKey },
        ExpressionAttributeValues: {
          ':finished': { N: String(Stage.stepFinished) },
          ':scope': { S: plantId === DEFAULT_PLANT ? PLANT_SCOPE_PREFIX : scope },
        },
      },
    )) {
      for (const item of page.Items ?? []) {
        const finished = toFinishedOrder(fromItem(item));
        if (finished) items.push(finished);
      }
    }
    return items.sort(byOrderId);
  }

  async applyPlant(event: PlantDomainEvent): Promise<ApplyOutcome> {
    checkPlantEvent(event);
    const key = plantKeyOf(event);
    const context = { eventId: event.eventId };
    const what = `plant item ${key}, event ${event.eventId}`;
    // Station and maintenance events are few: the reducer decides, and its result is written only
    // if the item is still the one it was computed from. The item is assumed new until DynamoDB
    // says otherwise and returns it (the ingest may write, not read).
    let current: StoredPlantItem | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { next, outcome } = applyPlantEvent(current, event);
      if (next === undefined) return outcome;
      try {
        await this.putIfUnchanged(toItem(next), current?.version);
        return outcome;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw this.mapError(error, what, context);
        current = error.Item ? (unmarshall(error.Item) as StoredPlantItem) : undefined;
      }
    }
    throw new TransientStoreError(`${what}: the item kept changing during ${MAX_ATTEMPTS} attempts`, context);
  }

  async plantState(plantId = DEFAULT_PLANT): Promise<PlantState> {
    const items: StoredPlantItem[] = [];
    for await (const page of paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        IndexName: this.indexName,
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': OrderStateTable.activeIndex.partitionKey },
        ExpressionAttributeValues: { ':shard': { S: plantItemsPartition(plantId) } },
      },
    )) {
      for (const item of page.Items ?? []) items.push(unmarshall(item) as StoredPlantItem);
    }
    return toPlantState(items);
  }

  /**
   * The update that applies `events` (of one order, in strictly increasing time order) when each is
   * newer than every slot it sets, together they reach at least the stored stage, the last is not
   * older than the latest event applied, and the item's steps are as the events expect (a step they
   * start has no start or finish stored, a step they only finish has a start and no finish, and, when
   * the status depends on it, no other step runs); conditioned on exactly that. Then applying them one
   * by one would change the item with every event, leave each slot as the last event that sets it
   * does, and give the status this update sets. A slot that holds another delivery of the first event
   * that sets it (or its key without hash, kept by older items) fails the condition, so that the
   * reducer sees the conflict or the replay. Undefined when the events are not in strictly increasing
   * order, or when two that set one slot would not simply follow each other (deliveries of one event
   * that differ).
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
      '#runningSteps': 'runningSteps',
      '#activeShard': OrderStateTable.activeIndex.partitionKey,
    };
    const values: Record<string, unknown> = { ':stage': stage, ':at': at, ':count': events.length };
    const set = ['#updatedAt = :at'];
    const remove: string[] = [];
    const conditions = ['(attribute_not_exists(#updatedAt) OR #updatedAt <= :at)'];
    // An item written before steps existed goes through the reducer, which moves its production times.
    V1_STEP_EVENT_ATTRIBUTES.forEach((attribute, i) => {
      names[`#v1${i}`] = attribute;
      conditions.push(`attribute_not_exists(#v1${i})`);
    });
    // Per slot: the first event that sets it (the stored key must be older) and the last (it stays).
    const slots = new Map<string, { write: SlotWrite; first: string; last: string }>();
    for (const effect of effects) {
      for (const write of effect.writes) {
        const id = JSON.stringify([write.step ?? null, write.slot]);
        const previous = slots.get(id);
        if (previous) {
          const verdict = slotVerdict(previous.last, effect.key);
          if (!verdict.supersedes || verdict.conflict) return undefined;
        }
        slots.set(id, { write, first: previous?.first ?? effect.key, last: effect.key });
      }
    }
    const steps = new Map<string, Partial<Record<StepSlot, { values: SlotValues; last: string }>>>();
    for (const { write, first, last } of slots.values()) {
      if (write.step !== undefined) {
        steps.set(write.step, { ...steps.get(write.step), [write.slot]: { values: write.values, last } });
        continue;
      }
      const attribute = SLOTS[write.slot].attribute;
      const slot = write.slot;
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
      for (const [field, value] of Object.entries(write.values)) {
        names[`#${field}`] = field;
        if (value === undefined) remove.push(`#${field}`);
        else {
          values[`:${field}`] = value;
          set.push(`#${field} = :${field}`);
        }
      }
    }
    // Steps: the slots this batch sets hold nothing yet, a step it only finishes has started, and no
    // step it touches has finished. So the steps it touches that run before and after it are known.
    let runningBefore = 0;
    let runningAfter = 0;
    [...steps].forEach(([step, slotsOfStep], n) => {
      const name = (field: StepField) => {
        names[`#s${n}${field}`] = stepAttribute(step, field);
        return `#s${n}${field}`;
      };
      conditions.push(`attribute_not_exists(${name('finishedEvent')})`);
      if (slotsOfStep.started) {
        conditions.push(`attribute_not_exists(${name('startedEvent')})`);
        if (!slotsOfStep.finished) runningAfter++;
      } else {
        conditions.push(`attribute_exists(${name('startedEvent')})`);
        runningBefore++;
      }
      for (const slot of ['started', 'finished'] as const) {
        const written = slotsOfStep[slot];
        if (written === undefined) continue;
        values[`:s${n}${slot}`] = written.last;
        set.push(`${name(STEP_SLOTS[slot].attribute)} = :s${n}${slot}`);
        // A field left undefined (a start without station) is simply not written: the slot was empty.
        for (const [field, value] of Object.entries(written.values)) {
          if (value === undefined) continue;
          values[`:s${n}${field}`] = value;
          set.push(`${name(field as StepField)} = :s${n}${field}`);
        }
      }
    });
    // The status: delivered; else in production if a step it touches runs after it; else by the
    // stage it reaches, if no other step runs.
    let status: string;
    if (stage >= Stage.delivered) status = 'delivered';
    else if (runningAfter > 0) status = 'in-production';
    else if (stage > Stage.none) {
      status = STAGE_STATUS[stage]!;
      values[':runningBefore'] = runningBefore;
      conditions.push(
        runningBefore === 0
          ? '(attribute_not_exists(#runningSteps) OR #runningSteps = :runningBefore)'
          : '#runningSteps = :runningBefore',
      );
    } else return undefined;
    values[':status'] = status;
    set.push('#status = :status');
    if (stage > Stage.none) {
      conditions.push('(attribute_not_exists(#stage) OR #stage <= :stage)');
      set.push('#stage = :stage');
    } else {
      // Steps started only: they reach no stage, but the order must not be delivered.
      values[':delivered'] = Stage.delivered;
      conditions.push('(attribute_not_exists(#stage) OR #stage < :delivered)');
      set.push('#stage = if_not_exists(#stage, :stage)');
    }
    values[':runningDelta'] = runningAfter - runningBefore;
    const orderId = events[0]!.orderId;
    if (stage >= Stage.delivered) remove.push('#activeShard');
    else {
      values[':activeShard'] = activeShardOf(orderId, this.activeShards);
      set.push('#activeShard = :activeShard');
    }
    return {
      Key: toItem({ orderId }),
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''} ADD #version :count, #runningSteps :runningDelta`,
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
  /**
   * Writes `item` if the stored one still has `version` (none stored: `undefined`); a
   * ConditionalCheckFailedException carries the item as it is now.
   */
  private async putIfUnchanged(
    item: Record<string, AttributeValue>,
    version: number | undefined,
  ): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: item,
        ...(version === undefined
          ? { ConditionExpression: 'attribute_not_exists(orderId)' }
          : {
              ConditionExpression: '#version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: toItem({ ':version': version }),
            }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  }

  private mapError(
    error: unknown,
    what: string,
    context: { orderId?: string; eventId?: string },
  ): StateStoreError {
    const e = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
    const transient = isThrottlingError(e) || isTransientError(e) || isServerError(e);
    const message = `${what}: DynamoDB ${e.name ?? 'error'}: ${e.message ?? String(error)}`;
    return transient
      ? new TransientStoreError(message, context, { cause: error })
      : new StateStoreError(message, context, { cause: error });
  }

  /** `mapError` for an order's event. */
  private mapOrderError(error: unknown, event: DomainEvent): StateStoreError {
    return this.mapError(error, `order ${event.orderId}, event ${event.eventId}`, {
      orderId: event.orderId,
      eventId: event.eventId,
    });
  }
}
