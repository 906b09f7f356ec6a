// Recalibration in the pipeline: the observer of the order state's stream records the samples of each
// batch (`recordObservations`), a schedule, a drift alert or a person recalibrates from them
// (`recalibrate`), and each forecast takes the latest calibration (`CalibrationCache`).
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AlertSink, CalibrationAlert } from '../contracts/alerts.ts';
import {
  type Calibration,
  type CalibrationReason,
  calibrate,
  calibratedModel,
  type KeyFit,
  samplesOf,
} from '../orderflow/calibration/calibrate.ts';
import type { PlantModel } from '../orderflow/index.ts';
import type { FinishedOrder } from '../state/StateStore.ts';
import type { CalibrationStore } from './CalibrationStore.ts';
import {
  byKey,
  DEFAULT_OBSERVATION_WINDOW,
  mergeSamples,
  type ObservationStore,
  type ObservationWindow,
  type SampleSeries,
  valuesOf,
} from './ObservationStore.ts';
import type { Observations } from './observations.ts';

/** The hook the observer calls with each batch's observations: their samples go to `store`. */
export function recordObservations(store: ObservationStore): (observations: Observations) => Promise<void> {
  return async (observations) => {
    const samples = samplesOf(observations);
    if (samples.length > 0) await store.add(samples);
  };
}

/**
 * The samples that the finished orders' state still holds, for a twin that ran before samples were
 * recorded: each finished step's duration, in the window the store would keep. The ETAs a material
 * was promised are not kept with an order: no slips.
 */
export function seriesOfFinished(
  finished: readonly FinishedOrder[],
  window: ObservationWindow = DEFAULT_OBSERVATION_WINDOW,
): Map<string, SampleSeries> {
  const samples = samplesOf({
    steps: finished.flatMap((order) =>
      Object.entries(order.steps).flatMap(([step, times]) =>
        times.finishedAt === undefined
          ? []
          : [
              {
                orderId: order.orderId,
                ...(order.product !== undefined && { product: order.product }),
                step,
                ...(times.startedAt !== undefined && { startedAt: times.startedAt }),
                finishedAt: times.finishedAt,
              },
            ],
      ),
    ),
    arrivals: [],
  });
  return new Map([...byKey(samples)].map(([key, group]) => [key, mergeSamples(undefined, group, window)]));
}

export interface RecalibrateDependencies {
  observations: ObservationStore;
  calibrations: CalibrationStore;
  /** The model the forecasts run (the calibration replaces its values). */
  model: PlantModel;
  logger: Logger;
  /** Where the CalibrationAlert goes, if anywhere. */
  alerts?: AlertSink;
  reason: CalibrationReason;
  /** Samples a key needs before its fit replaces the model's value (default DEFAULT_MIN_SAMPLES). */
  minSamples?: number;
  /** Wall clock (default Date.now). */
  now?: () => number;
  plantId?: string;
}

/**
 * Fits every key's samples and stores the calibration, which the forecasts then use; publishes a
 * CalibrationAlert when given a sink. None (undefined) when no key has enough samples to change
 * the model: nothing is stored then.
 */
export async function recalibrate(deps: RecalibrateDependencies): Promise<Calibration | undefined> {
  const series = await deps.observations.series();
  const fittedAt = (deps.now ?? Date.now)();
  const { calibration } = calibrate(deps.model, valuesOf(series), {
    reason: deps.reason,
    fittedAt,
    ...(deps.minSamples !== undefined && { minSamples: deps.minSamples }),
  });
  if (calibration.applied === 0) {
    deps.logger.info('no recalibration: no key has enough samples', {
      reason: deps.reason,
      keys: calibration.fits.length,
      minSamples: calibration.minSamples,
    });
    return undefined;
  }
  const outcome = await deps.calibrations.save(calibration);
  deps.logger.info(outcome === 'saved' ? 'recalibrated' : 'recalibrated, but a later calibration is stored', {
    id: calibration.id,
    reason: deps.reason,
    modelVersion: calibration.modelVersion,
    applied: calibration.applied,
    changes: calibration.fits.filter((f) => f.applied).map(changeText),
  });
  if (deps.alerts !== undefined && outcome === 'saved') {
    const latestSample = Math.max(0, ...[...series.values()].flatMap((s) => s.times.slice(-1)));
    const alert: CalibrationAlert = {
      kind: 'calibration',
      id: `calibration#${calibration.id}`,
      asOf: latestSample > 0 ? latestSample : fittedAt,
      raisedAt: fittedAt,
      ...(deps.plantId !== undefined && { plantId: deps.plantId }),
      calibrationId: calibration.id,
      reason: deps.reason,
      text: calibrationText(calibration),
    };
    await deps.alerts.publish([alert]);
  }
  return calibration;
}

/** A duration in minutes, for a person: "12.1 min". */
const minutes = (ms: number) => `${(ms / 60_000).toFixed(ms < 600_000 ? 2 : 1)} min`;

/** One applied fit in words: "production: 10.0 min → 12.1 min (+21 %, n 120)". */
export function changeText(fit: KeyFit): string {
  const was = fit.modelMeanMs;
  const change =
    was === undefined || was === 0
      ? ''
      : `${fit.fit.mean >= was ? '+' : ''}${Math.round((fit.fit.mean / was - 1) * 100)} %, `;
  return `${fit.label}: ${was === undefined ? '?' : minutes(was)} → ${minutes(fit.fit.mean)} (${change}n ${fit.n})`;
}

/** What a calibration alert says: why, and what changed (the largest changes first, at most three). */
export function calibrationText(calibration: Calibration): string {
  const applied = calibration.fits
    .filter((f) => f.applied)
    .sort((a, b) => relativeChange(b) - relativeChange(a));
  const shown = applied.slice(0, 3).map(changeText).join('; ');
  const more = applied.length > 3 ? ` and ${applied.length - 3} more` : '';
  return `the model was recalibrated (${calibration.reason}): ${shown}${more}`;
}

const relativeChange = (f: KeyFit) =>
  f.modelMeanMs === undefined || f.modelMeanMs === 0 ? 0 : Math.abs(f.fit.mean / f.modelMeanMs - 1);

/** The model a forecast runs, and the calibration it comes from (none: the model as deployed). */
export interface CalibratedModel {
  model: PlantModel;
  calibration?: Pick<Calibration, 'id' | 'fittedAt' | 'modelVersion'>;
}

/**
 * The latest calibration of a model, read once per forecast (one GetItem) and applied once per
 * calibration: a container keeps the model of the calibration it last saw, by id.
 */
const caches = new WeakMap<CalibrationStore, CalibrationCache>();

/** The cache of `store`: one per store, so one per container where the store is made at module load. */
export function calibrationCacheOf(store: CalibrationStore, logger?: Logger): CalibrationCache {
  let cache = caches.get(store);
  if (cache === undefined) {
    cache = new CalibrationCache(store, logger);
    caches.set(store, cache);
  }
  return cache;
}

export class CalibrationCache {
  private cached: { id: string; base: PlantModel; model: PlantModel } | undefined;

  constructor(
    private readonly store: CalibrationStore,
    private readonly logger?: Logger,
  ) {}

  /** `model` as the latest calibration of it has it; `model` itself when there is none, or one of another model. */
  async modelFor(model: PlantModel): Promise<CalibratedModel> {
    const latest = await this.store.latest();
    if (latest === undefined) return { model };
    const ref = { id: latest.id, fittedAt: latest.fittedAt, modelVersion: latest.modelVersion };
    if (this.cached?.id === latest.id && this.cached.base === model) {
      return { model: this.cached.model, calibration: ref };
    }
    const calibrated = calibratedModel(model, latest);
    if (calibrated === undefined) {
      this.logger?.warn('the latest calibration is of another model: the model is taken as it is', {
        calibration: latest.id,
        calibratedModel: latest.baseModel,
      });
      return { model };
    }
    this.cached = { id: latest.id, base: model, model: calibrated };
    return { model: calibrated, calibration: ref };
  }
}

/** A drift alert within this long after a calibration recalibrates nothing: that calibration is its answer. */
export const DRIFT_RECALIBRATION_COOLDOWN_MS = 15 * 60_000;

/** How long a drift whose recalibration found too few samples waits before it is tried again. */
export const DRIFT_RETRY_MS = 10 * 60_000;

/**
 * The observer's hooks that keep a live twin calibrated: each batch's samples go to the observation
 * store, and a drift alert recalibrates from them (once: the alerts of several horizons in one batch,
 * and drift alerts soon after a calibration, give one). A drift met before any key has enough
 * samples stays pending, and is tried again as samples come in, every DRIFT_RETRY_MS at most (in
 * this process: a Lambda container that ends forgets it, and the schedule recalibrates then). A
 * recalibration that fails is logged, not retried at once: the drift alert is delivered, and the
 * next try or the schedule recalibrates.
 */
export function calibrationHooks(
  deps: Omit<RecalibrateDependencies, 'reason'> & { cooldownMs?: number; retryMs?: number },
): {
  onObservations: (observations: Observations) => Promise<void>;
  onDrift: () => Promise<void>;
} {
  const now = deps.now ?? Date.now;
  const cooldownMs = deps.cooldownMs ?? DRIFT_RECALIBRATION_COOLDOWN_MS;
  const retryMs = deps.retryMs ?? DRIFT_RETRY_MS;
  const record = recordObservations(deps.observations);
  /** When a pending drift is tried again (undefined: none pending). */
  let retryAt: number | undefined;
  const tryRecalibration = async () => {
    retryAt = undefined;
    try {
      const latest = await deps.calibrations.latest();
      if (latest !== undefined && now() - latest.fittedAt < cooldownMs) {
        deps.logger.info('drift: recalibrated recently, not again', { calibration: latest.id });
        return;
      }
      const calibration = await recalibrate({ ...deps, reason: 'drift' });
      if (calibration === undefined) retryAt = now() + retryMs;
    } catch (error) {
      retryAt = now() + retryMs;
      deps.logger.warn('drift: recalibration failed; it is tried again later, or by the schedule', {
        error: error as Error,
      });
    }
  };
  return {
    onObservations: async (observations) => {
      await record(observations);
      if (retryAt !== undefined && now() >= retryAt) await tryRecalibration();
    },
    onDrift: tryRecalibration,
  };
}
