// Where the rolling accuracy record is kept: one item, replaced with an optimistic version check so
// that concurrent observers never lose each other's counts (a conflict reads again and re-applies).
import type { StoredAccuracy } from '../contracts/accuracyItem.ts';
import type { AccuracyRecord } from '../contracts/accuracyRecord.ts';

export type { StoredAccuracy };

export interface AccuracyStore {
  /** The record and its version, if one is stored. */
  read(): Promise<StoredAccuracy | undefined>;
  /**
   * Stores `record` as version `expected` + 1 if the stored version is still `expected` (0: none is
   * stored); false, storing nothing, when another writer came first.
   */
  write(record: AccuracyRecord, expected: number): Promise<boolean>;
}

/** Keeps the record in memory (tests, and the contract test's reference). */
export class InMemoryAccuracyStore implements AccuracyStore {
  private stored: StoredAccuracy | undefined;

  async read(): Promise<StoredAccuracy | undefined> {
    return this.stored && structuredClone(this.stored);
  }

  async write(record: AccuracyRecord, expected: number): Promise<boolean> {
    if ((this.stored?.version ?? 0) !== expected) return false;
    this.stored = { record: structuredClone(record), version: expected + 1 };
    return true;
  }
}

/** Conflicts in a row after which an update gives up (the batch is retried by its mapping). */
export const MAX_UPDATE_ATTEMPTS = 10;

/**
 * Reads the record, applies `update` and writes the result if no one wrote in between; on a
 * conflict, again from a fresh read. `update` must be pure: it may run more than once; it returns
 * undefined when there is nothing to write. Returns what the run of `update` that counted returned.
 */
export async function updateAccuracy<T extends { record: AccuracyRecord }>(
  store: AccuracyStore,
  update: (current: AccuracyRecord | undefined) => T | undefined,
  attempts = MAX_UPDATE_ATTEMPTS,
): Promise<T | undefined> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await store.read();
    const result = update(current?.record);
    if (result === undefined) return undefined;
    if (await store.write(result.record, current?.version ?? 0)) return result;
  }
  throw new Error(`the accuracy record kept changing: ${attempts} conflicting writes in a row`);
}
