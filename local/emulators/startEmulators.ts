// The pair the twin runs on: a Kinesis emulator and DynamoDB Local, started together and stopped together.
import { startDynamoDbLocal } from './dynamoDbLocal.ts';
import { keepRunning, type RestartEvent } from './keepRunning.ts';
import { startKinesalite } from './kinesalite.ts';
import { startKinesisMock } from './kinesisMock.ts';
import type { Emulator, KinesisEngine } from './types.ts';

export interface EmulatorsOptions {
  kinesis: KinesisEngine;
  /** Keeps every emulator's data in a subfolder of this one; in memory when omitted. */
  dataDir?: string;
  startTimeoutMs?: number;
  /** For DynamoDB Local (see DynamoDbLocalOptions.javaCommand). */
  javaCommand?: string;
  /**
   * Keep both running: one whose process exits without being stopped starts again on its port, with
   * its data (see keepRunning.ts); what happens is reported here.
   */
  keepRunning?: (event: RestartEvent) => void;
}

/** A running Kinesis emulator and DynamoDB Local. */
export interface RunningEmulators {
  endpoints: { kinesis: string; dynamodb: string };
  /** The emulators' current processes (a kept emulator's changes when it restarts). */
  emulators: { readonly kinesis: Emulator; readonly dynamodb: Emulator };
  /** Stops both; resolves once both have exited. Idempotent. */
  stop(): Promise<void>;
}

/** Starts a Kinesis emulator and DynamoDB Local in parallel; if either fails, the other is stopped too. */
export async function startEmulators(options: EmulatorsOptions): Promise<RunningEmulators> {
  const common = {
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
  };
  const startKinesis = options.kinesis === 'kinesis-mock' ? startKinesisMock : startKinesalite;
  const [kinesis, dynamodb] = await Promise.allSettled([
    startKinesis(common),
    startDynamoDbLocal({
      ...common,
      ...(options.javaCommand === undefined ? {} : { javaCommand: options.javaCommand }),
    }),
  ]);
  if (kinesis.status === 'rejected' || dynamodb.status === 'rejected') {
    await Promise.all(
      [kinesis, dynamodb].map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)),
    );
    throw dynamodb.status === 'rejected' ? dynamodb.reason : (kinesis as PromiseRejectedResult).reason;
  }
  const emulators = { kinesis: kinesis.value, dynamodb: dynamodb.value };
  let stopping: Promise<void> | undefined;
  const report = options.keepRunning;
  if (report === undefined) {
    return {
      endpoints: { kinesis: emulators.kinesis.endpoint, dynamodb: emulators.dynamodb.endpoint },
      emulators,
      stop() {
        stopping ??= Promise.all([emulators.kinesis.stop(), emulators.dynamodb.stop()]).then(() => undefined);
        return stopping;
      },
    };
  }
  const stopped = new AbortController();
  const kept = (['kinesis', 'dynamodb'] as const).map((kind) =>
    keepRunning(emulators[kind], {
      signal: stopped.signal,
      replaced: (next) => {
        emulators[kind] = next;
      },
      report,
    }),
  );
  return {
    endpoints: { kinesis: emulators.kinesis.endpoint, dynamodb: emulators.dynamodb.endpoint },
    emulators,
    stop() {
      stopped.abort();
      stopping ??= Promise.all(kept).then(() => undefined);
      return stopping;
    },
  };
}
