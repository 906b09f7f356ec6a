// The contract every AccuracyStore keeps, run against the in-memory store (unit) and DynamoDB Local
// (integration): a write succeeds only on the version read, and concurrent updates lose no counts.
import { expect, it } from 'vitest';
import { emptyAccuracyRecord } from '../../contracts/accuracyRecord.ts';
import { type AccuracyStore, updateAccuracy } from '../../forecast/AccuracyStore.ts';

export function accuracyStoreContract(make: () => AccuracyStore | Promise<AccuracyStore>): void {
  it('stores the first record at version 1 and refuses a write on a stale version', async () => {
    const store = await make();
    expect(await store.read()).toBeUndefined();
    const record = { ...emptyAccuracyRecord([60_000]), latestEndAt: 5 };
    expect(await store.write(record, 0)).toBe(true);
    expect(await store.read()).toEqual({ record, version: 1 });
    // A second "first" write, and one on a version that is no longer stored, are refused.
    expect(await store.write({ ...record, latestEndAt: 6 }, 0)).toBe(false);
    expect(await store.write({ ...record, latestEndAt: 7 }, 1)).toBe(true);
    expect(await store.write({ ...record, latestEndAt: 8 }, 1)).toBe(false);
    expect(await store.read()).toEqual({ record: { ...record, latestEndAt: 7 }, version: 2 });
  });

  it('loses no count when updates run concurrently', async () => {
    const store = await make();
    const bump = () =>
      updateAccuracy(
        store,
        (current) => {
          const r = current ?? emptyAccuracyRecord([60_000]);
          return { record: { ...r, latency: { samples: [...r.latency.samples, r.latency.samples.length] } } };
        },
        50,
      );
    await Promise.all(Array.from({ length: 8 }, bump));
    const stored = await store.read();
    expect(stored?.record.latency.samples).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(stored?.version).toBe(8);
  });
}
