// Publishes order events to Kinesis with PutRecords, in batches, partition key orderId. Records
// that Kinesis rejects (FailedRecordCount, or a whole call throttled or failed on its side) are
// retried with backoff until accepted, and each order's events stay in order: a batch holds at most
// one record per order, and an order's next record is sent only once the previous one is accepted.
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import type { OrderEvent } from '../contracts/events.ts';

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
  publish(event: OrderEvent): void;
  /** Sends everything queued; resolves when all of it has been accepted. */
  flush(): Promise<void>;
  readonly stats: PublisherStats;
}

/** Publishes to a Kinesis stream. */
export class KinesisPublisher implements Publisher {
  readonly stats: PublisherStats = { sent: 0, retries: 0, pending: 0 };
  private readonly queues = new Map<string, OrderEvent[]>();
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

  publish(event: OrderEvent): void {
    const queue = this.queues.get(event.orderId);
    if (queue) queue.push(event);
    else this.queues.set(event.orderId, [event]);
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
            Records: batch.map((e) => ({ PartitionKey: e.orderId, Data: Buffer.from(JSON.stringify(e)) })),
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

  /** The first waiting event of each order, up to Kinesis's limits. */
  private nextBatch(): OrderEvent[] {
    const batch: OrderEvent[] = [];
    let bytes = 0;
    for (const queue of this.queues.values()) {
      const event = queue[0]!;
      const size = JSON.stringify(event).length + event.orderId.length;
      if (batch.length >= MAX_RECORDS || bytes + size > MAX_BYTES) break;
      batch.push(event);
      bytes += size;
    }
    return batch;
  }

  private accepted(event: OrderEvent): void {
    const queue = this.queues.get(event.orderId)!;
    queue.shift();
    if (queue.length === 0) this.queues.delete(event.orderId);
    this.stats.sent++;
    this.stats.pending--;
  }
}

/** Prints events as JSON lines instead of publishing (`--dry-run`). */
export class PrintingPublisher implements Publisher {
  readonly stats: PublisherStats = { sent: 0, retries: 0, pending: 0 };
  constructor(private readonly write: (line: string) => void) {}
  publish(event: OrderEvent): void {
    this.write(JSON.stringify(event));
    this.stats.sent++;
  }
  async flush(): Promise<void> {}
}
