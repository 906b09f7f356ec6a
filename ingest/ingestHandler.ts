// The ingest: each Kinesis record is decoded, validated as a v1 event and applied to the state:
// the events of one order in a batch with one write, a station's or a maintenance's one by one. A record that can never be
// applied (not an event, or an event from too far in the future) goes to the failure destination
// with its reason and does not block its shard; a failure that may pass (throttling, a timeout) is
// reported for retry.
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import { DEFAULT_PLANT, plantOfKey } from '../contracts/plants.ts';
import { DEFAULT_MAX_FUTURE_MS } from '../contracts/time.ts';
import { StateStoreError } from '../state/errors.ts';
import { type DomainEvent, isPlantEvent, type PlantDomainEvent, parseEvent } from '../state/events.ts';
import { plantKeyOf } from '../state/plantState.ts';
import type { ApplyOutcome, StateStore } from '../state/StateStore.ts';
import type { FailureSink } from './FailureSink.ts';
import { OrderedKinesisProcessor } from './OrderedKinesisProcessor.ts';

export interface IngestDependencies {
  store: StateStore;
  failures: FailureSink;
  logger: Logger;
  /** Orders processed at once within a batch. */
  concurrency?: number;
  /**
   * How far ahead of `clock` an event's occurredAt may be (default 1 day, `DEFAULT_MAX_FUTURE_MS`):
   * an event from further ahead would hold the fields it sets until then, and is refused.
   */
  maxFutureMs?: number;
  /** The ingest's clock, epoch ms (default: the wall clock). */
  clock?: () => number;
}

export type RecordOutcome = ApplyOutcome | 'rejected';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A record decoded: a valid v1 event, or the reason it can never be applied. */
type Decoded =
  | { ok: true; event: DomainEvent | PlantDomainEvent }
  | { ok: false; reason: string; data: string; dataEncoding: 'utf8' | 'base64' };

/**
 * Decodes a record's data as UTF-8 JSON, validates it as a v1 event, and refuses it when it
 * happened more than `maxFutureMs` after `now`.
 */
function decode(record: KinesisStreamRecord, now: number, maxFutureMs: number): Decoded {
  const bytes = Buffer.from(record.kinesis.data, 'base64');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: 'not valid UTF-8 text', data: record.kinesis.data, dataEncoding: 'base64' };
  }
  const parsed = parseEvent(text);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, data: text, dataEncoding: 'utf8' };
  const ahead = parsed.event.at - now;
  if (ahead > maxFutureMs) {
    const reason =
      `occurredAt ${new Date(parsed.event.at).toISOString()} is ${duration(ahead)} ahead of the ingest's clock ` +
      `(${new Date(now).toISOString()}), more than the ${duration(maxFutureMs)} allowed: ` +
      'an event from the future would hold the fields it sets until then';
    return { ok: false, reason, data: text, dataEncoding: 'utf8' };
  }
  return { ok: true, event: parsed.event };
}

/** A length of time as a person reads it, to its two largest units: `1 day`, `1 day 1 min`, `90 ms`. */
function duration(ms: number): string {
  const units = [
    ['day', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ] as const;
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${unit === 'day' && n !== 1 ? 's' : ''}`);
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join(' ') : '0 ms';
}

/**
 * Handles the records of one partition key in a batch, in stream order: the valid events of each
 * order are applied with one write (as if one by one), a station's or maintenance's one by one; a record that can never be applied goes to
 * the failure destination. Throws only for failures worth retrying, which fail the whole group.
 */
export function groupHandler({
  store,
  failures,
  logger,
  maxFutureMs = DEFAULT_MAX_FUTURE_MS,
  clock = Date.now,
}: IngestDependencies) {
  return async (records: KinesisStreamRecord[]): Promise<(RecordOutcome | Error)[]> => {
    const now = clock();
    const decoded = records.map((record) => decode(record, now, maxFutureMs));
    const byOrder = new Map<string, { index: number; event: DomainEvent }[]>();
    const plantEvents: { index: number; event: PlantDomainEvent }[] = [];
    decoded.forEach((d, index) => {
      if (!d.ok) return;
      if (isPlantEvent(d.event)) {
        plantEvents.push({ index, event: d.event });
        return;
      }
      const list = byOrder.get(d.event.orderId);
      if (list) list.push({ index, event: d.event });
      else byOrder.set(d.event.orderId, [{ index, event: d.event }]);
    });
    const outcomes: (RecordOutcome | Error)[] = new Array(records.length);
    const partitionKey = records[0]?.kinesis.partitionKey;
    for (const [key, members] of byOrder) {
      const events = members.map((m) => m.event);
      // The key holds the order's plant (DomainEvent): the partition key is the order id alone.
      const { plantId, key: orderId } = plantOfKey(key);
      const order = { orderId, ...(plantId !== DEFAULT_PLANT && { plantId }) };
      if (orderId !== partitionKey) {
        logger.warn('partition key is not the order id: this order’s events may be applied out of order', {
          ...order,
          eventId: events[0]!.eventId,
          partitionKey,
        });
      }
      let applied: ApplyOutcome[];
      try {
        applied = await store.applyAll(events);
      } catch (error) {
        logger.error('events not applied: will be retried', {
          ...order,
          eventId: (error instanceof StateStoreError && error.context.eventId) || events[0]!.eventId,
          eventIds: events.map((e) => e.eventId),
          error: error as Error,
        });
        throw error;
      }
      members.forEach(({ index, event }, i) => {
        const outcome = applied[i]!;
        outcomes[index] = outcome;
        logOutcome(logger, outcome, event, { ...order, eventId: event.eventId, type: event.type });
      });
    }
    // A station's or a maintenance's events are few: applied one by one, in stream order.
    for (const { index, event } of plantEvents) {
      const about = { key: plantKeyOf(event), eventId: event.eventId, type: event.type };
      let outcome: ApplyOutcome;
      try {
        outcome = await store.applyPlant(event);
      } catch (error) {
        logger.error('event not applied: will be retried', { ...about, error: error as Error });
        throw error;
      }
      outcomes[index] = outcome;
      logOutcome(logger, outcome, event, about);
    }
    // Rejected records go to the failure destination once the group's events are applied: a group
    // that fails is retried whole, and its rejected records must not reach the destination twice.
    for (const [index, d] of decoded.entries()) {
      if (d.ok) continue;
      const { partitionKey: key, sequenceNumber } = records[index]!.kinesis;
      try {
        await failures.send({
          reason: d.reason,
          partitionKey: key,
          sequenceNumber,
          data: d.data,
          dataEncoding: d.dataEncoding,
          rejectedAt: new Date().toISOString(),
        });
        logger.warn('record rejected: sent to the failure destination', {
          orderId: key,
          sequenceNumber,
          reason: d.reason,
        });
        outcomes[index] = 'rejected';
      } catch (error) {
        logger.error('record rejected, but the failure destination failed: will be retried', {
          orderId: key,
          sequenceNumber,
          error: error as Error,
        });
        outcomes[index] = error instanceof Error ? error : new Error(String(error));
      }
    }
    return outcomes;
  };
}

/** The Lambda handler of the ingest, for a Kinesis event source mapping with ReportBatchItemFailures. */
export function createIngestHandler(dependencies: IngestDependencies) {
  const handle = groupHandler(dependencies);
  return async (event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> => {
    // A processor per invocation: locally, several shards may be handled at once in one process.
    const processor = new OrderedKinesisProcessor(dependencies.concurrency);
    return processPartialResponse(event, handle, processor, { ...(context && { context }) });
  };
}

/** Logs what applying `event` did: a conflict as a warning (not an error of this record: the state is the same whichever delivery came first), the rest at debug level. */
function logOutcome(
  logger: Logger,
  outcome: ApplyOutcome,
  event: { at: number },
  about: Record<string, unknown>,
): void {
  if (outcome === 'conflict') {
    logger.warn(
      'conflicting deliveries of one event (same eventId and occurredAt, different payload): the state keeps the one with the greater event key',
      { ...about, occurredAt: new Date(event.at).toISOString() },
    );
  } else {
    logger.debug(outcome === 'applied' ? 'event applied' : 'event ignored: duplicate or older', about);
  }
}
