// Powertools' Kinesis batch processor, with the order the twin needs: records of one order (one
// partition key) are processed in their stream order, records of different orders concurrently,
// at most `concurrency` at once. When a record fails, the later records of its order are not
// attempted (they would be applied out of order) and are reported as failed with it.
import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import type { KinesisStreamRecord } from 'aws-lambda';

type Processed = Awaited<ReturnType<BatchProcessor['processRecord']>>;

/** A Kinesis batch processor that keeps each partition key's records in order. */
export class OrderedKinesisProcessor extends BatchProcessor {
  constructor(readonly concurrency = 16) {
    super(EventType.KinesisDataStreams);
  }

  override async process(): Promise<Processed[]> {
    this.prepare();
    const records = this.records as KinesisStreamRecord[];
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
        let failed = false;
        for (const index of group) {
          const record = records[index]!;
          if (failed) {
            results[index] = this.failureHandler(
              record,
              new Error('not attempted: an earlier record of the same order failed'),
            );
            continue;
          }
          results[index] = await this.processRecord(record);
          failed = results[index]![0] === 'fail';
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, groups.size) }, worker));
    this.clean();
    return results;
  }
}
