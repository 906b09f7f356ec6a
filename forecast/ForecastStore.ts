// Where forecasts are kept: the plant's latest forecast (replaced only by a newer one) and history.
import type { ForecastRecord } from '../contracts/forecastRecord.ts';

/** `saved`: the forecast is now the latest; `stale`: a newer one was already stored (kept in history only). */
export type SaveOutcome = 'saved' | 'stale';

export interface ForecastStore {
  /** Keeps `record` in history, and as the latest forecast if it is newer (by asOf) than the stored one. */
  save(record: ForecastRecord): Promise<SaveOutcome>;
  /** The latest forecast, if any. */
  latest(): Promise<ForecastRecord | undefined>;
}

/** Keeps forecasts in memory (tests). */
export class InMemoryForecastStore implements ForecastStore {
  readonly history: ForecastRecord[] = [];
  private current: ForecastRecord | undefined;

  async save(record: ForecastRecord): Promise<SaveOutcome> {
    this.history.push(structuredClone(record));
    if (this.current !== undefined && this.current.asOf >= record.asOf) return 'stale';
    this.current = structuredClone(record);
    return 'saved';
  }

  async latest(): Promise<ForecastRecord | undefined> {
    return this.current && structuredClone(this.current);
  }
}
