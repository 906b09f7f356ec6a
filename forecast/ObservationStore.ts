// Where the samples of recalibration are kept: per key (an operation's duration per product and step,
// a supplier's slip), the latest samples in a rolling window, bounded in number and in age, so that
// a calibration reads a few small items, never the history of every order.
import { type Sample, sampleKeyText } from '../orderflow/calibration/calibrate.ts';

/** How many samples a key keeps, and how old (plant time, behind its newest) they may be. */
export interface ObservationWindow {
  maxSamples: number;
  maxAgeMs: number;
}

/** The last 500 samples of each key, of the last 30 days. */
export const DEFAULT_OBSERVATION_WINDOW: ObservationWindow = { maxSamples: 500, maxAgeMs: 30 * 86_400_000 };

/** One key's samples, oldest first: values (ms), their times (plant time, epoch ms), their ids ("" for none). */
export interface SampleSeries {
  values: number[];
  times: number[];
  ids: string[];
}

export interface ObservationStore {
  /**
   * Adds `samples` to their keys' windows; a sample whose id a key already holds is not added
   * again (a stream batch delivered twice). Concurrent calls lose no sample.
   */
  add(samples: readonly Sample[]): Promise<void>;
  /** Every key's samples (by `sampleKeyText`), oldest first. */
  series(): Promise<Map<string, SampleSeries>>;
}

/** `samples` grouped by key text. */
export function byKey(samples: readonly Sample[]): Map<string, Sample[]> {
  const groups = new Map<string, Sample[]>();
  for (const sample of samples) {
    const key = sampleKeyText(sample.key);
    const group = groups.get(key);
    if (group) group.push(sample);
    else groups.set(key, [sample]);
  }
  return groups;
}

/**
 * `series` with `added` merged in: in time order (a sample given later at the same time after),
 * without ids it already holds, then cut to the window: none older than `maxAgeMs` behind the
 * newest, at most the newest `maxSamples`.
 */
export function mergeSamples(
  series: SampleSeries | undefined,
  added: readonly Sample[],
  window: ObservationWindow,
): SampleSeries {
  const rows = series
    ? series.values.map((value, i) => ({ value, at: series.times[i]!, id: series.ids[i] ?? '' }))
    : [];
  const held = new Set(rows.map((r) => r.id).filter((id) => id !== ''));
  for (const s of added) {
    const id = s.id ?? '';
    if (id !== '' && held.has(id)) continue;
    if (id !== '') held.add(id);
    rows.push({ value: s.value, at: s.at, id });
  }
  rows.sort((a, b) => a.at - b.at);
  const newest = rows.at(-1)?.at ?? 0;
  const kept = rows.filter((r) => r.at >= newest - window.maxAgeMs).slice(-window.maxSamples);
  return { values: kept.map((r) => r.value), times: kept.map((r) => r.at), ids: kept.map((r) => r.id) };
}

/** The values of each key, as calibration takes them. */
export function valuesOf(series: ReadonlyMap<string, SampleSeries>): Map<string, number[]> {
  return new Map([...series].map(([key, s]) => [key, s.values]));
}

/** Keeps samples in memory (tests, the embedded twin without tables). */
export class InMemoryObservationStore implements ObservationStore {
  private readonly keys = new Map<string, SampleSeries>();
  constructor(private readonly window: ObservationWindow = DEFAULT_OBSERVATION_WINDOW) {}

  async add(samples: readonly Sample[]): Promise<void> {
    for (const [key, group] of byKey(samples))
      this.keys.set(key, mergeSamples(this.keys.get(key), group, this.window));
  }

  async series(): Promise<Map<string, SampleSeries>> {
    return new Map([...this.keys].map(([key, s]) => [key, structuredClone(s)]));
  }
}
