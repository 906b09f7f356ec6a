// The observer: a handler on the order state's stream that keeps the rolling accuracy record as
// orders' steps finish. For each step newly finished (and material newly arrived) and each horizon,
// it finds the forecast in effect a horizon before the end (ForecastHistory: one Query each, never a
// scan), compares them with forecast/accuracy.ts's own comparisons, adds them to the record (a
// conditional write), samples the data latency, and raises a drift alert when a horizon's rolling
// window goes out of bounds.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type AccuracyRecord, emptyAccuracyRecord } from '../contracts/accuracyRecord.ts';
import type { AlertSink, DriftAlert } from '../contracts/alerts.ts';
import { DEFAULT_PLANT } from '../contracts/plants.ts';
import { type AccuracyStore, updateAccuracy } from './AccuracyStore.ts';
import {
  type ActualOrder,
  type Comparison,
  compareForecasts,
  compareStepEnds,
  type PastForecast,
  type StepComparison,
} from './accuracy.ts';
import type { ForecastHistory, HistoricForecast } from './ForecastHistory.ts';
import { type Observations, observationsOf } from './observations.ts';
import { DEFAULT_HORIZONS_MS } from './observerSettings.ts';
import { plantOfRecord } from './relevance.ts';
import { addComparisons, addLatency, type DriftOptions, detectDrift } from './rollingAccuracy.ts';

/** What the observer logs with (Powertools' Logger). */
export type ObserverLogger = Pick<Logger, 'info' | 'warn'>;

export interface ObserverDependencies {
  history: ForecastHistory;
  accuracy: AccuracyStore;
  logger: ObserverLogger;
  /** Horizons compared (default DEFAULT_HORIZONS_MS). */
  horizonsMs?: readonly number[] | undefined;
  drift?: Partial<DriftOptions> | undefined;
  /** The plant it observes (default: the default plant); other plants' changes are not its. */
  plantId?: string | undefined;
  /** Where drift alerts go. */
  alerts?: AlertSink | undefined;
  /** Told of each drift alert raised (the twin recalibrates on it). */
  onDrift?: ((alert: DriftAlert) => Promise<void>) | undefined;
  /** Told of the steps finished and materials arrived in each batch that has any (recalibration). */
  onObservations?: ((observations: Observations) => Promise<void>) | undefined;
  /** Wall clock (default Date.now). */
  now?: (() => number) | undefined;
}

/** What one batch did. */
export interface ObservedBatch {
  observations: Observations;
  comparisons: { steps: StepComparison[]; completions: Comparison[] };
  alerts: DriftAlert[];
  /** The record after the batch (undefined: nothing new, nothing written). */
  record?: AccuracyRecord;
}

/** One end that happened: a step, or a material (its routing's material steps end with it). */
interface End {
  orderId: string;
  product?: string;
  dueAt?: number;
  /** A step's name; undefined for a material arrival. */
  step?: string;
  at: number;
}

function endsOf(observations: Observations): End[] {
  return [
    ...observations.steps.map((s) => ({
      orderId: s.orderId,
      step: s.step,
      at: s.finishedAt,
      ...(s.product !== undefined && { product: s.product }),
      ...(s.dueAt !== undefined && { dueAt: s.dueAt }),
    })),
    ...observations.arrivals.map((a) => ({
      orderId: a.orderId,
      at: a.arrivedAt,
      ...(a.product !== undefined && { product: a.product }),
    })),
  ];
}

/**
 * The ends as the comparisons read them, by the routings of `model`: an arrival ends the routing's
 * material steps; the end of an order's last routing step is its completion.
 */
function actualOrders(ends: readonly End[], model: HistoricForecast['model']): ActualOrder[] {
  const routings = new Map(model.products.map((p) => [p.id, p.routing]));
  const fallback = routings.get(model.defaultProduct) ?? model.products[0]?.routing ?? [];
  const orders = new Map<string, ActualOrder & { stepEnds: Record<string, number> }>();
  for (const end of ends) {
    const routing = (end.product !== undefined && routings.get(end.product)) || fallback;
    let order = orders.get(end.orderId);
    if (order === undefined) {
      order = { orderId: end.orderId, stepEnds: {} };
      orders.set(end.orderId, order);
    }
    if (end.dueAt !== undefined) order.dueAt = end.dueAt;
    const steps =
      end.step !== undefined ? [end.step] : routing.filter((s) => s.kind === 'material').map((s) => s.step);
    for (const step of steps) order.stepEnds[step] = end.at;
    const last = routing.at(-1)?.step;
    if (last !== undefined && steps.includes(last)) order.completedAt = end.at;
  }
  return [...orders.values()];
}

/**
 * The forecast in effect at each time a horizon before an end, by time. Latest first: the forecast
 * found for time t, made at a, is also the one in effect at any time in [a, t] (none was made in
 * between), and when none is found for t, none is in effect at any earlier time either. So a batch
 * costs one lookup per forecast it needs, and one for the time before the first, not one per step
 * and horizon. (A twin's first hour is mostly such times: its longest horizon reaches back before
 * its first forecast.)
 */
async function inEffect(
  history: ForecastHistory,
  ends: readonly End[],
  horizonsMs: readonly number[],
): Promise<Map<number, HistoricForecast | undefined>> {
  const times = [...new Set(ends.flatMap((e) => horizonsMs.map((h) => e.at - h)))].sort((a, b) => b - a);
  const resolved = new Map<number, HistoricForecast | undefined>();
  let known: { from: number; to: number; forecast: HistoricForecast | undefined } | undefined;
  for (const t of times) {
    if (known === undefined || t < known.from || t > known.to) {
      const forecast = await history.inEffectAt(t);
      // None found, or gone by its time to live while read: an older one is not compared either.
      known = { from: forecast?.asOf ?? Number.NEGATIVE_INFINITY, to: t, forecast };
    }
    resolved.set(t, known.forecast);
  }
  return resolved;
}

/** Compares, adds to the record and judges drift for one batch of order state changes. */
export async function observeBatch(
  deps: ObserverDependencies,
  records: readonly DynamoDBRecord[],
): Promise<ObservedBatch> {
  const horizonsMs = deps.horizonsMs ?? DEFAULT_HORIZONS_MS;
  const now = deps.now ?? Date.now;
  // The observer keeps one plant's record: its forecasts' history is that plant's.
  const plant = deps.plantId ?? DEFAULT_PLANT;
  const observations = observationsOf(records.filter((r) => plantOfRecord(r) === plant));
  const ends = endsOf(observations);
  if (ends.length > 0) await deps.onObservations?.(observations);

  const resolved = await inEffect(deps.history, ends, horizonsMs);
  const found = [...new Set(resolved.values())].filter((f) => f !== undefined);
  const forecasts = new Map<number, PastForecast>(found.map((f) => [f.asOf, f]));
  const newest = found.reduce<HistoricForecast | undefined>(
    (a, f) => (a === undefined || f.asOf > a.asOf ? f : a),
    undefined,
  );
  const actual = newest === undefined ? [] : actualOrders(ends, newest.model);
  const comparisons = {
    steps: compareStepEnds([...forecasts.values()], actual, horizonsMs),
    completions: compareForecasts([...forecasts.values()], actual, horizonsMs),
  };
  const latest = await deps.history.latestVersion();

  const compared = comparisons.steps.length + comparisons.completions.length;
  const asOf = Math.max(0, ...ends.map((e) => e.at));
  const raisedAt = now();
  const result = await updateAccuracy(deps.accuracy, (current) => {
    // A horizon added since the record was made is added to it (one dropped keeps its figures).
    const base =
      current === undefined
        ? emptyAccuracyRecord(horizonsMs)
        : horizonsMs.every((h) => current.horizonsMs.includes(h))
          ? current
          : {
              ...current,
              horizonsMs: [...new Set([...current.horizonsMs, ...horizonsMs])].sort((a, b) => a - b),
            };
    const withLatency = addLatency(base, latest);
    if (compared === 0) {
      // Nothing to compare and no new latency sample: nothing to write (not even a first, empty record).
      const unchanged = withLatency === base && (current === undefined || base === current);
      return unchanged ? undefined : { record: withLatency, alerts: [] };
    }
    const added = { ...addComparisons(withLatency, comparisons), updatedAt: raisedAt };
    return detectDrift(added, { asOf, raisedAt, plantId: deps.plantId }, deps.drift);
  });
  const alerts = result?.alerts ?? [];
  if (alerts.length > 0) {
    await deps.alerts?.publish(alerts);
    for (const alert of alerts) {
      deps.logger.warn('drift', { ...alert });
      await deps.onDrift?.(alert);
    }
  }
  if (compared > 0) {
    deps.logger.info('accuracy record updated', {
      stepsFinished: observations.steps.length,
      arrivals: observations.arrivals.length,
      comparisons: compared,
      forecastsRead: forecasts.size,
    });
  }
  return { observations, comparisons, alerts, ...(result && { record: result.record }) };
}

/** What the observer of a plant other than the default reads and writes: that plant's history and record. */
export type PlantObserverStores = (plantId: string) => Pick<ObserverDependencies, 'history' | 'accuracy'>;

/**
 * The observer as a stream handler. `deps` observe the default plant; `plantStores`, when given,
 * the others, each in its own record, its drift alerts naming it (recalibration stays the default
 * plant's). A batch fails as a whole (it is retried; the record is written before alerts are sent,
 * so a retry after a failed delivery may count a batch twice, never lose one).
 */
export function createObserverHandler(deps: ObserverDependencies, plantStores?: PlantObserverStores) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const plants = new Set(event.Records.map(plantOfRecord));
    plants.add(deps.plantId ?? DEFAULT_PLANT);
    await Promise.all(
      [...plants].map((plantId) => {
        if (plantId === (deps.plantId ?? DEFAULT_PLANT)) return observeBatch(deps, event.Records);
        if (plantStores === undefined) return undefined;
        const { onObservations: _o, onDrift: _d, ...shared } = deps;
        return observeBatch({ ...shared, ...plantStores(plantId), plantId }, event.Records);
      }),
    );
    return { batchItemFailures: [] };
  };
}
