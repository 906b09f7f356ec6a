// The local event-source mapping for one shard, with Lambda's semantics: records are read in
// order, gathered into batches (batch size and batching window), handed to the handler, and the
// checkpoint moves past a batch only once it succeeded. A partial failure (`batchItemFailures`)
// resumes from the lowest failed record; a thrown error splits the batch in two (bisect on error);
// a record that keeps failing goes, after the maximum retry count, to the failure destination.
import { setTimeout as delay } from 'node:timers/promises';

/** A record as the poller sees it: its sequence number, and whatever the handler's event needs. */
export interface PolledRecord<R> {
  sequenceNumber: string;
  record: R;
}

/** Reads a shard: from the start or after a sequence number, a page at a time. */
export interface ShardReader<R> {
  /** Positions the reader after `sequenceNumber` (or at the start of the shard). */
  open(after: string | undefined): Promise<void>;
  /** The next page of records; `closed` once the shard has ended and everything was read. */
  read(limit: number): Promise<{ records: PolledRecord<R>[]; closed: boolean }>;
}

export interface MappingSettings {
  batchSize: number;
  /** How long to gather records for a batch once the first one is there (ms). */
  batchingWindowMs: number;
  /** Retries of a failing record before it goes to the failure destination (-1: forever). */
  maxRetries: number;
  bisectOnError: boolean;
  /** Wait between polls of an empty shard, and the base of the retry backoff (ms). */
  pollIntervalMs: number;
  maxBackoffMs: number;
}

export interface ShardPollerHooks<R> {
  /** Invokes the handler with a batch; returns the sequence numbers reported as failed. */
  invoke(records: PolledRecord<R>[]): Promise<{ failed: string[] }>;
  /** Called once everything up to `sequenceNumber` is done. */
  checkpoint(sequenceNumber: string): Promise<void>;
  /** A record given up on after its retries, with the last error. */
  exhausted(record: PolledRecord<R>, reason: string): Promise<void>;
  onError?(error: unknown): void;
}

/** Waits `ms`, or less if `signal` aborts (node's timer removes its abort listener itself). */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined);

/** Polls one shard until it is closed and done, or `signal` aborts. */
export async function pollShard<R>(
  reader: ShardReader<R>,
  after: string | undefined,
  settings: MappingSettings,
  hooks: ShardPollerHooks<R>,
  signal: AbortSignal,
): Promise<void> {
  let position = after;
  /** Opens (again) after the last checkpoint; a read error waits and reopens, never ends the poller. */
  const reopen = async (attempt: number): Promise<void> => {
    for (let n = attempt; !signal.aborted; n++) {
      try {
        await reader.open(position);
        return;
      } catch (error) {
        hooks.onError?.(error);
        // The stream no longer holds the checkpoint's record: start from the oldest record it has.
        if ((error as Error).name === 'TrimmedDataAccessException') position = undefined;
        await sleep(backoff(n), signal);
      }
    }
  };
  const backoff = (n: number) => Math.min(settings.maxBackoffMs, settings.pollIntervalMs * 2 ** n);
  await reopen(0);
  const pending: PolledRecord<R>[] = [];
  const attempts = new Map<string, number>();
  let closed = false;
  let lastError = '';

  /** Handles `batch`; returns how many records at its head are done (succeeded, or given up on). */
  const handle = async (batch: PolledRecord<R>[]): Promise<number> => {
    let failed: string[];
    try {
      failed = (await hooks.invoke(batch)).failed;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      hooks.onError?.(error);
      if (settings.bisectOnError && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        const done = await handle(batch.slice(0, half));
        if (done < half) return done;
        return half + (await handle(batch.slice(half)));
      }
      return giveUpOrRetry(batch, 0);
    }
    if (failed.length === 0) return batch.length;
    const firstFailed = batch.findIndex((r) => failed.includes(r.sequenceNumber));
    if (firstFailed < 0) return batch.length; // failures that are not in the batch: Lambda ignores them too
    lastError = 'reported as failed by the handler';
    return firstFailed + (await giveUpOrRetry(batch, firstFailed));
  };

  /** The record at `index` failed: counts the attempt; after the last retry it is given up on (and counts as done). */
  const giveUpOrRetry = async (batch: PolledRecord<R>[], index: number): Promise<number> => {
    const record = batch[index]!;
    const n = (attempts.get(record.sequenceNumber) ?? 0) + 1;
    attempts.set(record.sequenceNumber, n);
    if (settings.maxRetries >= 0 && n > settings.maxRetries) {
      await hooks.exhausted(record, `retries exhausted (${settings.maxRetries}): ${lastError}`);
      attempts.delete(record.sequenceNumber);
      return 1;
    }
    await sleep(backoff(n - 1), signal);
    return 0;
  };

  while (!signal.aborted) {
    // Gather a batch: up to batchSize records, waiting at most the batching window from the first
    // record on. Between reads the poller always sleeps a poll interval: a tight loop of reads
    // would starve the emulators (and costs money on AWS).
    let windowEnds = pending.length > 0 ? Date.now() + settings.batchingWindowMs : Number.POSITIVE_INFINITY;
    while (!closed && pending.length < settings.batchSize && !signal.aborted) {
      let page: Awaited<ReturnType<ShardReader<R>['read']>>;
      try {
        page = await reader.read(settings.batchSize - pending.length);
      } catch (error) {
        hooks.onError?.(error);
        if ((error as Error).name === 'TrimmedDataAccessException') position = undefined;
        pending.length = 0;
        await sleep(backoff(1), signal);
        await reopen(1);
        continue;
      }
      if (pending.length === 0 && page.records.length > 0)
        windowEnds = Date.now() + settings.batchingWindowMs;
      pending.push(...page.records);
      closed = page.closed;
      if (pending.length === 0 && closed) return;
      if (pending.length >= settings.batchSize || Date.now() >= windowEnds) break;
      await sleep(Math.min(settings.pollIntervalMs, Math.max(0, windowEnds - Date.now())), signal);
      if (Date.now() >= windowEnds) break;
    }
    if (pending.length === 0) {
      if (closed) return;
      continue;
    }
    const batch = pending.slice(0, settings.batchSize);
    const done = await (async () => {
      let i = 0;
      // A batch whose head failed is retried from there (resume from the lowest failed record).
      while (i === 0 && !signal.aborted) {
        i = await handle(batch);
      }
      return i;
    })();
    if (done > 0) {
      position = batch[done - 1]!.sequenceNumber;
      await hooks.checkpoint(position);
      pending.splice(0, done);
    }
  }
}
