// Where forecasts are kept: each plant's latest forecast (replaced only by a newer one), its
// history, and the overview of every plant (each plant's latest forecast in brief).
import {
  type ForecastRecommendation,
  type ForecastRecord,
  type PlantSummary,
  plantSummaryOf,
} from '../contracts/forecastRecord.ts';
import { DEFAULT_PLANT } from '../contracts/plants.ts';

/**
 * Whether forecast `a` is newer than `b`: a later asOf, or the same asOf generated later. A forecast
 * whose clock is the latest event (the embedded twin at any speed but real time) has the asOf of the
 * one before it when its batch brought only events of earlier or equal times: it reflects more of
 * the plant all the same.
 */
export function isNewerForecast(
  a: { asOf: number; generatedAt: number },
  b: { asOf: number; generatedAt: number },
): boolean {
  return a.asOf > b.asOf || (a.asOf === b.asOf && a.generatedAt > b.generatedAt);
}

/** `saved`: the forecast is now the latest; `stale`: a newer one was already stored (kept in history only). */
export type SaveOutcome = 'saved' | 'stale';

export interface ForecastStore {
  /**
   * Keeps `record` in its plant's history, and as the plant's latest forecast (and its line in the
   * overview) if it is newer than the stored one (`isNewerForecast`).
   */
  save(record: ForecastRecord): Promise<SaveOutcome>;
  /**
   * Adds the twin's recommendations to `record`, saved before: in its history, and to the plant's
   * latest forecast while that is still `record` (a newer forecast's recommendations are its own).
   */
  saveRecommendations(
    record: ForecastRecord,
    recommendations: ForecastRecommendation[],
    recommendMs: number,
  ): Promise<void>;
  /** The latest forecast of plant `plantId` (default: the default plant), if any. */
  latest(plantId?: string): Promise<ForecastRecord | undefined>;
  /** Every plant with a forecast, in brief, by plant id. */
  plants(): Promise<PlantSummary[]>;
}

/** Keeps forecasts in memory (tests). */
export class InMemoryForecastStore implements ForecastStore {
  readonly history: ForecastRecord[] = [];
  private readonly current = new Map<string, ForecastRecord>();

  async save(record: ForecastRecord): Promise<SaveOutcome> {
    this.history.push(structuredClone(record));
    const plant = record.plantId ?? DEFAULT_PLANT;
    const current = this.current.get(plant);
    if (current !== undefined && !isNewerForecast(record, current)) return 'stale';
    this.current.set(plant, structuredClone(record));
    return 'saved';
  }

  async saveRecommendations(
    record: ForecastRecord,
    recommendations: ForecastRecommendation[],
    recommendMs: number,
  ): Promise<void> {
    const plant = record.plantId ?? DEFAULT_PLANT;
    const forRecord = (r: ForecastRecord | undefined) =>
      r !== undefined &&
      (r.plantId ?? DEFAULT_PLANT) === plant &&
      r.asOf === record.asOf &&
      r.generatedAt === record.generatedAt;
    const add = (r: ForecastRecord) => {
      r.recommendations = structuredClone(recommendations);
      r.timings = { ...r.timings, recommendMs };
    };
    const kept = this.history.findLast(forRecord);
    if (kept !== undefined) add(kept);
    const current = this.current.get(plant);
    if (forRecord(current)) add(current!);
  }

  async latest(plantId = DEFAULT_PLANT): Promise<ForecastRecord | undefined> {
    const current = this.current.get(plantId);
    return current && structuredClone(current);
  }

  async plants(): Promise<PlantSummary[]> {
    return [...this.current.values()]
      .map(plantSummaryOf)
      .sort((a, b) => (a.plantId < b.plantId ? -1 : a.plantId > b.plantId ? 1 : 0));
  }
}
