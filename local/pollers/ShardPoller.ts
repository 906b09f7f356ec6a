// The local event-source mapping for one shard, with Lambda's semantics: records are read in
// order, gathered into batches (batch size and batching window), handed to the handler, and the
// checkpoint moves past a batch only once it succeeded. A partial failure (`batchItemFailures`)
// resumes from the lowest failed record; a thrown error splits the batch in two (bisect on error);
// a record that keeps failing goes, after the maximum retry count, to the failure destination.
// A failure while a service is unreachable is no record's fault: the poller waits for the service
// (see ServiceWatch.ts) and carries on where it was, with no retry counted.
import { setTimeout as delay } from 'node:timers/promises';

/** A record as the poller sees it: its sequence number, and whatever the handler's event needs. */
export interface PolledRecord<R> {
  sequenceNumber: string;
  record: R;
  /** When the record reached the stream (epoch ms), for the maximum record age. */
  arrivedAt?: number;
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
  /** Wait after a read that found less than a full page, and the base of the retry backoff (ms). */
  pollIntervalMs: number;
  /**
   * While reads keep finding nothing, the wait between them doubles from `pollIntervalMs` up to
   * this (ms); a read that finds records brings it back. Default: `pollIntervalMs` (no backing off).
   */
  idlePollIntervalMs?: number;
  maxBackoffMs: number;
  /** Records older than this are not handed over but sent to the failure destination (ms; default: no limit). */
  maxRecordAgeMs?: number;
}

export interface ShardPollerHooks<R> {
  /** Invokes the handler with a batch; returns the sequence numbers reported as failed. */
  invoke(records: PolledRecord<R>[]): Promise<{ failed: string[] }>;
  /** Called once everything up to `sequenceNumber` is done: `records` more records than at the last checkpoint. */
  checkpoint(sequenceNumber: string, records: number): Promise<void>;
  /** A record given up on after its retries, with the last error. */
  exhausted(record: PolledRecord<R>, reason: string): Promise<void>;
  /**
   * After a failed read (`read`) or invocation (`invoke`): false at once if the service that call
   * depends on answers; else true once it answers again (or the poller stops). A failure during an
   * outage is nobody's fault: it is not reported, counts as no retry, and is tried again from where it was.
   */
  outage?(during: 'read' | 'invoke'): Promise<boolean>;
  onError?(error: unknown): void;
}

/** The wait before the next read, after `emptyReads` reads in a row found nothing (0: the last one found records). */
export function pollWait(settings: MappingSettings, emptyReads: number): number {
  const longest = Math.max(settings.pollIntervalMs, settings.idlePollIntervalMs ?? settings.pollIntervalMs);
  return Math.min(longest, settings.pollIntervalMs * 2 ** Math.max(0, emptyReads - 1));
}

/** Waits `ms`, or less if `signal` aborts (node's timer removes its abort listener itself). */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined);

/** Wakes one waiter up: the reader when the buffer has room, the invoker when records arrived. */
class Wakeup {
  private waiting: (() => void) | undefined;
  /** Resolves on `wake()`, after `ms` (if given), or when `signal` aborts. */
  async wait(signal: AbortSignal, ms?: number): Promise<void> {
    const woken = new Promise<void>((resolve) => {
      this.waiting = resolve;
    });
    const timeout = new AbortController();
    const onAbort = () => this.wake();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await (ms === undefined ? woken : Promise.race([woken, sleep(ms, timeout.signal)]));
    } finally {
      timeout.abort();
      signal.removeEventListener('abort', onAbort);
      this.waiting = undefined;
    }
  }
  wake(): void {
    this.waiting?.();
  }
}

/**
 * Polls one shard until it is closed and done, or `signal` aborts. As Lambda's pollers do, reading
 * and invoking overlap: the next records are read (up to a second batch) while a batch is handled.
 * On abort, the batch in flight is finished and checkpointed.
 */
export async function pollShard<R>(
  reader: ShardReader<R>,
  after: string | undefined,
  settings: MappingSettings,
  hooks: ShardPollerHooks<R>,
  signal: AbortSignal,
): Promise<void> {
  const backoff = (n: number) => Math.min(settings.maxBackoffMs, settings.pollIntervalMs * 2 ** n);
  const capacity = 2 * settings.batchSize;
  const pending: PolledRecord<R>[] = [];
  /**
   * When the batching window of the next batch began: when its first record was read. After a
   * batch, the handler rests at least as long as that batch took, up to a whole window: a batch read
   * while another is handled waits out its own window, not a window more after the other (a record
   * would wait two handlings and a window), and when batches take longer than a window the handler
   * still leaves the machine to the embedded twin's ingest and emulators as long as a window between
   * them (with no rest, a 50-plant twin fell minutes behind on two cores).
   */
  let waitingSince = 0;
  /** When each record of `pending` was read, in the same order. */
  const readAt: number[] = [];
  let closed = false;
  const arrived = new Wakeup();
  const room = new Wakeup();

  // Reading: fills `pending` up to `capacity`, from after the last record read.
  let lastRead = after;
  let emptyReads = 0;
  /** Opens (again) after the last record read; a read error waits and reopens, never ends the poller. */
  const reopen = async (attempt: number): Promise<void> => {
    for (let n = attempt; !signal.aborted; ) {
      try {
        await reader.open(lastRead);
        return;
      } catch (error) {
        if (await hooks.outage?.('read')) continue;
        hooks.onError?.(error);
        // The stream no longer holds that record: start from the oldest record it has.
        if ((error as Error).name === 'TrimmedDataAccessException') lastRead = undefined;
        await sleep(backoff(n++), signal);
      }
    }
  };
  const readLoop = async (): Promise<void> => {
    await reopen(0);
    while (!signal.aborted && !closed) {
      if (pending.length >= capacity) {
        await room.wait(signal);
        continue;
      }
      const limit = Math.min(settings.batchSize, capacity - pending.length);
      let page: Awaited<ReturnType<ShardReader<R>['read']>>;
      try {
        page = await reader.read(limit);
      } catch (error) {
        // After an outage the shard is opened again where it was: the service may have restarted.
        if (await hooks.outage?.('read')) {
          await reopen(0);
          continue;
        }
        hooks.onError?.(error);
        if ((error as Error).name === 'TrimmedDataAccessException') lastRead = undefined;
        await sleep(backoff(1), signal);
        await reopen(1);
        continue;
      }
      if (page.records.length > 0) {
        const now = Date.now();
        if (pending.length === 0) waitingSince = now;
        pending.push(...page.records);
        for (let i = 0; i < page.records.length; i++) readAt.push(now);
        lastRead = page.records[page.records.length - 1]!.sequenceNumber;
      }
      closed = page.closed;
      arrived.wake();
      // A short page means the shard has nothing more for now: wait before the next read (a tight
      // loop of reads would starve the emulators, and costs money on AWS); longer while it stays empty.
      emptyReads = page.records.length === 0 ? emptyReads + 1 : 0;
      if (!closed && page.records.length < limit) await sleep(pollWait(settings, emptyReads), signal);
    }
    arrived.wake();
  };

  // Invoking: takes batches from `pending`, in order.
  const attempts = new Map<string, number>();
  let lastError = '';

  /** Handles `batch`; returns how many records at its head are done (succeeded, or given up on). */
  const handle = async (batch: PolledRecord<R>[]): Promise<number> => {
    let failed: string[];
    try {
      failed = (await hooks.invoke(batch)).failed;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      // An outage is no record's fault: no bisecting, no retry counted; the batch goes again whole.
      if (await hooks.outage?.('invoke')) return 0;
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
    if (await hooks.outage?.('invoke')) return firstFailed;
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

  /** Records at the head that are older than the maximum record age go to the failure destination. */
  const dropExpired = async (): Promise<boolean> => {
    if (settings.maxRecordAgeMs === undefined) return false;
    const oldest = Date.now() - settings.maxRecordAgeMs;
    let expired = 0;
    while (expired < pending.length && (pending[expired]!.arrivedAt ?? oldest) < oldest) {
      const hours = Math.round((settings.maxRecordAgeMs / 3_600_000) * 100) / 100;
      await hooks.exhausted(pending[expired]!, `older than the maximum record age (${hours} h)`);
      expired++;
    }
    if (expired === 0) return false;
    await hooks.checkpoint(pending[expired - 1]!.sequenceNumber, expired);
    pending.splice(0, expired);
    readAt.splice(0, expired);
    room.wake();
    return true;
  };

  const invokeLoop = async (): Promise<void> => {
    while (!signal.aborted) {
      if (pending.length === 0) {
        if (closed) return;
        await arrived.wait(signal);
        continue;
      }
      if (await dropExpired()) continue;
      // A batch is due when it is full, when its batching window has passed, or when the shard has ended.
      const due = waitingSince + settings.batchingWindowMs;
      if (pending.length < settings.batchSize && !closed && Date.now() < due) {
        await arrived.wait(signal, due - Date.now());
        continue;
      }
      const batch = pending.slice(0, settings.batchSize);
      const began = Date.now();
      let done = 0;
      // A batch whose head failed is retried from there (resume from the lowest failed record).
      while (done === 0 && !signal.aborted) done = await handle(batch);
      if (done > 0) {
        await hooks.checkpoint(batch[done - 1]!.sequenceNumber, done);
        pending.splice(0, done);
        readAt.splice(0, done);
        const now = Date.now();
        const window = settings.batchingWindowMs;
        const rest = Math.min(window, now - began);
        waitingSince = Math.max(readAt[0] ?? now, now + rest - window);
        room.wake();
      }
    }
  };

  await Promise.all([readLoop(), invokeLoop()]);
}
