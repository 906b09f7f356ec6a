// Powertools' Kinesis batch processor, with the order the twin needs: the records of one order (one
// partition key) are handed to the handler together, in their stream order, so that it can apply
// them with one write; different orders are handled concurrently, at most `concurrency` at once.
import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import type { KinesisStreamRecord } from 'aws-lambda';

type Processed = Awaited<ReturnType<BatchProcessor['processRecord']>>;

/**
 * Handles the records of one partition key, in stream order: per record, its result, or the Error
 * that failed it. A thrown error fails every record of the group.
 */
export type GroupHandler = (records: KinesisStreamRecord[]) => Promise<unknown[]>;

/** A Kinesis batch processor that hands each partition key's records over together, in order. */
export class OrderedKinesisProcessor extends BatchProcessor {
  constructor(readonly concurrency = 16) {
    super(EventType.KinesisDataStreams);
  }

  override async process(): Promise<Processed[]> {
    this.prepare();
    const records = this.records as KinesisStreamRecord[];
    const handle = this.handler as GroupHandler;
    const groups = new Map<string, number[]>();
    records.forEach((record, index) => {
      const key = record.kinesis.partitionKey;
      const group = groups.get(key);
      if (group) group.push(index);
      else groups.set(key, [index]);
    });
    const results: Processed[] = new Array(records.length);
    const queue = [...groups.values()];
    const worker = async (): Promise<void> => {
      for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
        const members = group.map((index) => records[index]!);
        let outcomes: unknown[];
        try {
          outcomes = await handle(members);
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          outcomes = members.map(() => failure);
        }
        group.forEach((index, i) => {
          const outcome = outcomes[i];
          results[index] =
            outcome instanceof Error
              ? this.failureHandler(records[index]!, outcome)
              : this.successHandler(records[index]!, outcome);
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, groups.size) }, worker));
    this.clean();
    return results;
  }
}
