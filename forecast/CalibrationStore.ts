// Where calibrations are kept: every one made (its history), and the latest, which the forecasts
// use. Replaced as the latest only by a later one (concurrent recalibrations may finish out of order).
import type { Calibration } from '../orderflow/calibration/calibrate.ts';

export interface CalibrationStore {
  /** Keeps `calibration` in history, and as the latest if it is later (by fittedAt) than the stored one. */
  save(calibration: Calibration): Promise<'saved' | 'stale'>;
  /** The latest calibration, if any (one read). */
  latest(): Promise<Calibration | undefined>;
  /** The calibrations made, latest first, at most `limit`. */
  history(limit?: number): Promise<Calibration[]>;
}

/** Keeps calibrations in memory (tests). */
export class InMemoryCalibrationStore implements CalibrationStore {
  private readonly all: Calibration[] = [];
  private current: Calibration | undefined;

  async save(calibration: Calibration): Promise<'saved' | 'stale'> {
    this.all.push(structuredClone(calibration));
    if (this.current !== undefined && this.current.fittedAt > calibration.fittedAt) return 'stale';
    this.current = structuredClone(calibration);
    return 'saved';
  }

  async latest(): Promise<Calibration | undefined> {
    return this.current && structuredClone(this.current);
  }

  async history(limit = 20): Promise<Calibration[]> {
    return [...this.all]
      .sort((a, b) => b.fittedAt - a.fittedAt || (a.id < b.id ? 1 : -1))
      .slice(0, limit)
      .map((c) => structuredClone(c));
  }
}
