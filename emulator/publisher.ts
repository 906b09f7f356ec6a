// Publishes events to Kinesis with PutRecords, in batches, partition key orderId (a station event:
// its station, a cancelled maintenance its maintenanceId). Records
// that Kinesis rejects (FailedRecordCount, or a whole call throttled or failed on its side) are
// retried with backoff until accepted, and each order's events stay in order: a batch holds at most
// one record per key, and a key's next record is sent only once the previous one is accepted.
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import type { OrderEvent, PlantEvent as StationEvent } from '../contracts/events.ts';

/** An event the emulator sends: an order's, or one of the plant's stations. */
export type EmulatedEvent = OrderEvent | StationEvent;

/** The partition key of an event: its order, its station, or the maintenance it cancels. */
export function partitionKeyOf(event: EmulatedEvent): string {
  if ('orderId' in event) return event.orderId;
  return 'station' in event ? event.station : event.maintenanceId;
}

/** An error as the SDK's classifiers read it. */
type SdkError = Parameters<typeof isTransientError>[0];

/**
 * A whole PutRecords call that Kinesis throttled, or answered with a passing failure of its own,
 * after the client's own retries: its records wait and go again, as rejected records do. An endpoint
 * that does not answer at all is reported instead, so that a wrong endpoint is not retried forever,
 * unless `unanswered` says that the endpoint is known to be right (then it is down for a while).
 */
function batchWorthRetrying(error: unknown, unanswered: boolean): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkError;
  const answered = e.$metadata?.httpStatusCode !== undefined;
  return isThrottlingError(e) || ((answered || unanswered) && (isTransientError(e) || isServerError(e)));
}

const MAX_RECORDS = 500;
const MAX_BYTES = 4_500_000;

export interface PublisherStats {
  sent: number;
  retries: number;
  pending: number;
}

export interface Publisher {
  publish(event: EmulatedEvent): void;
  /** Sends everything queued; resolves when all of it has been accepted. */
  flush(): Promise<void>;
  readonly stats: PublisherStats;
}

/** Publishes to a Kinesis stream. */
export class KinesisPublisher implements Publisher {
  readonly stats: PublisherStats = { sent: 0, retries: 0, pending: 0 };
  private readonly queues = new Map<string, EmulatedEvent[]>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    private readonly options: {
      maxBackoffMs?: number;
      sleep?: (ms: number) => Promise<void>;
      /**
       * Also retry calls the endpoint did not answer (refused, reset, timed out): for an endpoint
       * known to be right, such as the twin's own emulator, which may be down for a while.
       */
      retryUnanswered?: boolean;
    } = {},
  ) {}

  publish(event: EmulatedEvent): void {
    const key = partitionKeyOf(event);
    const queue = this.queues.get(key);
    if (queue) queue.push(event);
    else this.queues.set(key, [event]);
    this.stats.pending++;
  }

  flush(): Promise<void> {
    // One flush at a time: a second caller waits for the running one, then sends what is left.
    const run = this.flushing.then(() => this.drain());
    // The caller gets a failure through `run`; the chain the next flush waits on must not reject unhandled.
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async drain(): Promise<void> {
    let attempt = 0;
    while (this.queues.size > 0) {
      const batch = this.nextBatch();
      const response = await this.client
        .send(
          new PutRecordsCommand({
            StreamName: this.streamName,
            Records: batch.map((e) => ({
              PartitionKey: partitionKeyOf(e),
              Data: Buffer.from(JSON.stringify(e)),
            })),
          }),
        )
        .catch((error: unknown) => {
          // Every record of the batch is retried.
          if (batchWorthRetrying(error, this.options.retryUnanswered === true)) return undefined;
          throw error;
        });
      let failed = 0;
      batch.forEach((event, i) => {
        const result = response?.Records?.[i];
        if (response !== undefined && result !== undefined && result.ErrorCode === undefined)
          this.accepted(event);
        else failed++;
      });
      if (failed > 0) {
        this.stats.retries += failed;
        const backoff =
          Math.min(this.options.maxBackoffMs ?? 2_000, 50 * 2 ** attempt++) * (0.5 + Math.random() / 2);
        await (this.options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(backoff);
      } else attempt = 0;
    }
  }

  /** The first waiting event of each key, up to Kinesis's limits. */
  private nextBatch(): EmulatedEvent[] {
    const batch: EmulatedEvent[] = [];
    let bytes = 0;
    for (const queue of this.queues.values()) {
      const event = queue[0]!;
      const size = JSON.stringify(event).length + partitionKeyOf(event).length;
      if (batch.length >= MAX_RECORDS || bytes + size > MAX_BYTES) break;
      batch.push(event);
      bytes += size;
    }
    return batch;
  }

  private accepted(event: EmulatedEvent): void {
    const key = partitionKeyOf(event);
    const queue = this.queues.get(key)!;
    queue.shift();
    if (queue.length === 0) this.queues.delete(key);
    this.stats.sent++;
    this.stats.pending--;
  }
}

/** Prints events as JSON lines instead of publishing (`--dry-run`). */
export class PrintingPublisher implements Publisher {
  readonly stats: PublisherStats = { sent: 0, retries: 0, pending: 0 };
  constructor(private readonly write: (line: string) => void) {}
  publish(event: EmulatedEvent): void {
    this.write(JSON.stringify(event));
    this.stats.sent++;
  }
  async flush(): Promise<void> {}
}
