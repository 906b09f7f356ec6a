// The ingest: each Kinesis record is decoded, validated as a v1 order event and applied to the
// order state. A record that can never be applied goes to the failure destination with its reason
// and does not block its shard; a failure that may pass (throttling, a timeout) is reported for retry.
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import { parseEvent } from '../state/events.ts';
import type { StateStore } from '../state/StateStore.ts';
import type { FailureSink } from './FailureSink.ts';
import { OrderedKinesisProcessor } from './OrderedKinesisProcessor.ts';

export interface IngestDependencies {
  store: StateStore;
  failures: FailureSink;
  logger: Logger;
  /** Orders processed at once within a batch. */
  concurrency?: number;
}

export type RecordOutcome = 'applied' | 'ignored' | 'rejected';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Handles one Kinesis record. Throws only for failures worth retrying. */
export function recordHandler({ store, failures, logger }: IngestDependencies) {
  return async (record: KinesisStreamRecord): Promise<RecordOutcome> => {
    const { partitionKey, sequenceNumber } = record.kinesis;
    const bytes = Buffer.from(record.kinesis.data, 'base64');
    let text: string | undefined;
    try {
      text = utf8.decode(bytes);
    } catch {
      text = undefined;
    }
    const parsed =
      text === undefined ? { ok: false as const, reason: 'not valid UTF-8 text' } : parseEvent(text);
    if (!parsed.ok) {
      await failures.send({
        reason: parsed.reason,
        partitionKey,
        sequenceNumber,
        data: text ?? record.kinesis.data,
        dataEncoding: text === undefined ? 'base64' : 'utf8',
        rejectedAt: new Date().toISOString(),
      });
      logger.warn('record rejected: sent to the failure destination', {
        orderId: partitionKey,
        sequenceNumber,
        reason: parsed.reason,
      });
      return 'rejected';
    }
    const event = parsed.event;
    const keys = { orderId: event.orderId, eventId: event.eventId };
    if (event.orderId !== partitionKey) {
      logger.warn('partition key is not the order id: this order’s events may be applied out of order', {
        ...keys,
        partitionKey,
      });
    }
    try {
      const outcome = await store.apply(event);
      logger.debug(outcome === 'applied' ? 'event applied' : 'event ignored: duplicate or older', {
        ...keys,
        type: event.type,
      });
      return outcome;
    } catch (error) {
      logger.error('event not applied: will be retried', { ...keys, error: error as Error });
      throw error;
    }
  };
}

/** The Lambda handler of the ingest, for a Kinesis event source mapping with ReportBatchItemFailures. */
export function createIngestHandler(dependencies: IngestDependencies) {
  const handle = recordHandler(dependencies);
  return async (event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> => {
    // A processor per invocation: locally, several shards may be handled at once in one process.
    const processor = new OrderedKinesisProcessor(dependencies.concurrency);
    return processPartialResponse(event, handle, processor, { ...(context && { context }) });
  };
}
