// The contract every observation store and calibration store must meet (in memory, DynamoDB): one
// suite, run against each.
import { beforeEach, describe, expect, it } from 'vitest';
import type { CalibrationStore } from '../../forecast/CalibrationStore.ts';
import type { ObservationStore } from '../../forecast/ObservationStore.ts';
import {
  type Calibration,
  calibrate,
  type Sample,
  type SampleKey,
  sampleKeyText,
} from '../../orderflow/calibration/calibrate.ts';
import { orderFlowModel } from '../../orderflow/models/index.ts';

const DAY = 86_400_000;
const cut: SampleKey = { kind: 'duration', product: 'frame', step: 'cut' };
const acme: SampleKey = { kind: 'slip', supplier: 'acme' };
const sample = (key: SampleKey, value: number, at: number, id?: string): Sample => ({
  key,
  value,
  at,
  ...(id !== undefined && { id }),
});

/** Runs the observation store contract against stores made by `create` (each keeps 5 samples of 10 days). */
export function observationStoreContract(
  name: string,
  create: (window: { maxSamples: number; maxAgeMs: number }) => Promise<ObservationStore> | ObservationStore,
): void {
  describe(`${name} observation store contract`, () => {
    let store: ObservationStore;
    beforeEach(async () => {
      store = await create({ maxSamples: 5, maxAgeMs: 10 * DAY });
    });

    it('keeps each key’s samples apart, oldest first, whatever order they came in', async () => {
      await store.add([sample(cut, 30, 3_000), sample(acme, -5, 1_000), sample(cut, 10, 1_000)]);
      await store.add([sample(cut, 20, 2_000)]);

      const series = await store.series();
      expect(series.get(sampleKeyText(cut))!.values).toEqual([10, 20, 30]);
      expect(series.get(sampleKeyText(cut))!.times).toEqual([1_000, 2_000, 3_000]);
      expect(series.get(sampleKeyText(acme))!.values).toEqual([-5]);
      expect(series.size).toBe(2);
    });

    it('keeps the newest samples of the window: at most so many, none too old behind the newest', async () => {
      await store.add([1, 2, 3, 4, 5, 6, 7].map((v) => sample(cut, v, v * 1_000)));
      expect((await store.series()).get(sampleKeyText(cut))!.values).toEqual([3, 4, 5, 6, 7]);

      await store.add([sample(cut, 100, 7_000 + 10 * DAY + 1)]);
      expect((await store.series()).get(sampleKeyText(cut))!.values).toEqual([100]);
    });

    it('counts a sample once when it comes again with the same id (a batch delivered twice)', async () => {
      const batch = [
        sample(cut, 10, 1_000, 'o1/cut'),
        sample(cut, 12, 2_000, 'o2/cut'),
        sample(cut, 11, 2_000),
      ];
      await store.add(batch);
      await store.add(batch.slice(0, 2));

      expect((await store.series()).get(sampleKeyText(cut))!.values).toEqual([10, 12, 11]);
    });

    it('loses no sample when many adds run at once', async () => {
      await Promise.all(Array.from({ length: 12 }, (_, i) => store.add([sample(acme, i, i, `o${i}`)])));
      const wide = await create({ maxSamples: 500, maxAgeMs: DAY });
      await Promise.all(Array.from({ length: 12 }, (_, i) => wide.add([sample(acme, i, i, `o${i}`)])));

      expect((await store.series()).get(sampleKeyText(acme))!.values).toEqual([7, 8, 9, 10, 11]);
      expect([...(await wide.series()).get(sampleKeyText(acme))!.values].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 12 }, (_, i) => i),
      );
    });
  });
}

/** A calibration of the demo plant made at `fittedAt` from `n` samples of its production time. */
export function calibrationAt(fittedAt: number, minutes = 12, n = 40): Calibration {
  const key = sampleKeyText({ kind: 'duration', step: 'production' });
  const values = Array.from({ length: n }, (_, i) => minutes * 60_000 + (i % 5) * 1_000);
  return calibrate(orderFlowModel, new Map([[key, values]]), { reason: 'schedule', fittedAt }).calibration;
}

/** Runs the calibration store contract against stores made by `create`: a fresh, empty store each test. */
export function calibrationStoreContract(
  name: string,
  create: () => Promise<CalibrationStore> | CalibrationStore,
): void {
  describe(`${name} calibration store contract`, () => {
    let store: CalibrationStore;
    beforeEach(async () => {
      store = await create();
    });

    it('has none before the first, then gives the latest back whole', async () => {
      expect(await store.latest()).toBeUndefined();
      const calibration = calibrationAt(Date.UTC(2026, 0, 5));

      expect(await store.save(calibration)).toBe('saved');
      expect(await store.latest()).toEqual(calibration);
    });

    it('keeps the later one as the latest, whatever order they are saved in, and every one in history', async () => {
      const [a, b, c] = [1, 2, 3].map((d) => calibrationAt(Date.UTC(2026, 0, d), 10 + d));

      expect(await store.save(a!)).toBe('saved');
      expect(await store.save(c!)).toBe('saved');
      expect(await store.save(b!)).toBe('stale');

      expect((await store.latest())!.id).toBe(c!.id);
      expect((await store.history()).map((x) => x.id)).toEqual([c!.id, b!.id, a!.id]);
      expect((await store.history(2)).map((x) => x.id)).toEqual([c!.id, b!.id]);
    });
  });
}
