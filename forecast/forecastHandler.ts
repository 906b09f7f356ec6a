// The forecast: after a batch of order-state changes, read the work in process (with the stations'
// state and the maintenance planned), simulate ahead and store the forecast. One forecast per batch
// (the event source's batching window coalesces a burst), none when no change can move it. Nothing
// is kept between invocations.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { AlertSink, LatenessAlert } from '../contracts/alerts.ts';
import type { ForecastRecommendation, ForecastRecord } from '../contracts/forecastRecord.ts';
import { DEFAULT_PLANT } from '../contracts/plants.ts';
import { forecast, forecastMonteCarlo, orderFlowModel, type PlantModel } from '../orderflow/index.ts';
import type { MonteCarloSamples, PreparedMonteCarlo } from '../orderflow/monteCarlo.ts';
import type { Forecast, Snapshot } from '../orderflow/types.ts';
import { type Recommendation, recommend } from '../orderflow/whatif/recommend.ts';
import { baselineDraws, OBJECTIVE_KPI, type WhatIfResult } from '../orderflow/whatif/whatIf.ts';
import { SimulationLimitError, type SimulationLimits } from '../sim-core/index.ts';
import type { ActiveOrder, StateStore } from '../state/StateStore.ts';
import type { AlertStateStore } from './AlertStateStore.ts';
import type { CalibrationStore } from './CalibrationStore.ts';
import type { ForecastStore } from './ForecastStore.ts';
import { liveSnapshot } from './liveSnapshot.ts';
import { raiseLatenessAlerts } from './raiseLatenessAlerts.ts';
import { calibrationCacheOf } from './recalibration.ts';
import { canMoveForecast, plantOfRecord } from './relevance.ts';
import { forecastMonteCarloInThreads } from './threads/monteCarloInThreads.ts';
import type { ReplicationPool } from './threads/ReplicationPool.ts';

/**
 * The forecast's "now", from the active orders and the batch of changes that triggered it: the
 * wall clock live, or the latest event time when replaying history.
 */
export type ForecastClock = (orders: readonly ActiveOrder[], changes: readonly DynamoDBRecord[]) => number;
export const wallClock: ForecastClock = () => Date.now();
/** The latest event applied: to an active order, or in the changes (an order that just left the plant). */
export const latestEventClock: ForecastClock = (orders, changes) => {
  let latest = orders.reduce((t, o) => Math.max(t, o.updatedAt), 0);
  for (const change of changes) {
    const updatedAt = Number(change.dynamodb?.NewImage?.updatedAt?.N ?? Number.NaN);
    if (updatedAt > latest) latest = updatedAt;
  }
  return latest;
};

/**
 * The most Monte Carlo draws a forecast Lambda makes (FORECAST_REPLICATIONS; the stack's
 * `twin:forecast-replications` context allows the same range).
 */
export const MAX_LAMBDA_REPLICATIONS = 10_000;

/**
 * Wall time a forecast may take: the forecast Lambda's timeout is 60 s (lib/ForecastPipeline.ts),
 * and reading the state and writing the forecast need the rest. Beyond it, the forecast stops with
 * an error that is logged, rather than the Lambda being killed and the batch retried.
 */
export const FORECAST_MAX_WALL_MS = 40_000;

/**
 * Wall time the twin's recommendations may add to a forecast with orders late or at risk
 * (FORECAST_RECOMMEND_BUDGET_MS): enough for the demo plant's proposals and a few hundred orders',
 * and no burden on a pipeline that forecasts every second.
 */
export const DEFAULT_RECOMMEND_BUDGET_MS = 500;
/** The most it may be set to: with FORECAST_MAX_WALL_MS, within the Lambda's 60 s timeout. */
export const MAX_RECOMMEND_BUDGET_MS = 10_000;
/** The share of the budget the recommendation plans its draws for; the rest is its margin. */
const PLANNED_SHARE = 0.8;

export interface ForecastDependencies {
  states: StateStore;
  forecasts: ForecastStore;
  logger: Logger;
  /** The plant model (default: the demo plant). */
  model?: PlantModel;
  /** Overrides of its parameters (MODEL_PARAMETERS). */
  parameters?: Record<string, unknown>;
  /**
   * A Monte Carlo forecast of this many draws of the future (seeded: the same snapshot gives the
   * same forecast); default: the deterministic forecast alone.
   */
  replications?: number;
  /** Events per simulated run and wall time per forecast (default: sim-core's events, FORECAST_MAX_WALL_MS). */
  limits?: SimulationLimits;
  /**
   * Wall time (ms) for the twin's recommendations after a forecast with orders late or at risk
   * (default DEFAULT_RECOMMEND_BUDGET_MS; 0: none). Past it, the forecast is written without them.
   */
  recommendBudgetMs?: number;
  clock?: ForecastClock;
  /** When the forecast was made (default: the wall clock). */
  now?: () => number;
  /**
   * Worker threads for a Monte Carlo forecast's replications (the embedded twin's process has them;
   * default: none, every replication in the calling thread). The forecast is the same either way.
   */
  pool?: ReplicationPool;
  /**
   * Where the calibrations are: the forecast runs the model as the latest calibration of it has it
   * (one read per forecast), and its record names that calibration. None: the model as it is.
   */
  calibrations?: CalibrationStore;
  /**
   * Where lateness alerts go: after a forecast saved as the latest, one alert per order newly late,
   * newly at risk or no longer so (forecast/raiseLatenessAlerts.ts). Needs `alertState`.
   */
  alerts?: AlertSink;
  /** Each order's outlook as the latest forecast that raised alerts left it. */
  alertState?: AlertStateStore;
}

export type ForecastRunOutcome =
  | { outcome: 'skipped' }
  | {
      outcome: 'saved' | 'stale';
      record: ForecastRecord;
      writeMs: number;
      /** The lateness alerts it published (with `alerts` only). */
      alerts?: LatenessAlert[];
    };

/**
 * Reads the work in process and the stations' state of plant `plantId` (default: the default
 * plant), forecasts them and stores the result.
 */
export async function runForecast(
  deps: ForecastDependencies,
  changes: readonly DynamoDBRecord[] = [],
  plantId: string = DEFAULT_PLANT,
  /** Plants forecast in the same batch: they share the recommendations' budget. */
  plantsInBatch = 1,
): Promise<Exclude<ForecastRunOutcome, { outcome: 'skipped' }>> {
  const started = performance.now();
  const base = deps.model ?? orderFlowModel;
  // The latest calibration is read beside the state: one GetItem, no time added to the read. It is
  // fitted to the default plant's observations (forecast/observer.ts): other plants run the model.
  const [orders, plant, { model, calibration }] = await Promise.all([
    deps.states.listActive(plantId),
    deps.states.plantState(plantId),
    deps.calibrations === undefined || plantId !== DEFAULT_PLANT
      ? { model: base, calibration: undefined }
      : calibrationCacheOf(deps.calibrations, deps.logger).modelFor(base),
  ]);
  const read = performance.now();
  const asOf = (deps.clock ?? wallClock)(orders, changes);
  const snapshot = liveSnapshot(asOf, orders, plant);
  const options = {
    parameters: deps.parameters ?? {},
    limits: { maxWallMs: FORECAST_MAX_WALL_MS, ...deps.limits },
  };
  // A Monte Carlo forecast's draws are its recommendations' baseline: they are not drawn again.
  let draws: Draws | undefined;
  const monteCarlo = deps.replications !== undefined && {
    ...options,
    replications: deps.replications,
    onDraws: (prepared: Draws['prepared'], shares: Draws['shares']) => {
      draws = { prepared, shares };
    },
  };
  const result = !monteCarlo
    ? forecast(snapshot, model, options)
    : deps.pool === undefined
      ? forecastMonteCarlo(snapshot, model, monteCarlo)
      : await forecastMonteCarloInThreads(snapshot, model, monteCarlo, deps.pool);
  const simulated = performance.now();
  const record: ForecastRecord = {
    ...(plantId !== DEFAULT_PLANT && { plantId }),
    ...result,
    generatedAt: (deps.now ?? Date.now)(),
    stateVersion: { latestEventAt: latestEventClock(orders, changes), activeOrders: orders.length },
    ...(calibration !== undefined && { calibration }),
    timings: { readMs: round(read - started), simulateMs: round(simulated - read) },
  };
  // The recommendations follow a saved forecast. On a thread of the pool they are looked for while
  // the forecast is written and its alerts raised, so that the invocation, and the next batch's
  // forecast, ends sooner; on this thread they would hold up the write, so they come after it.
  // Nothing is left running after the invocation: a failed or stale forecast's are waited for and
  // dropped.
  const recommendations = () =>
    recommending(result, snapshot, model, deps, simulated - read, plantsInBatch, draws);
  const early = recommendsOnPool(deps) ? recommendations() : undefined;
  const outcome = await deps.forecasts.save(record).catch(async (error: unknown) => {
    await early;
    throw error;
  });
  const writeMs = round(performance.now() - simulated);
  if (outcome !== 'saved') {
    await early;
    return { outcome, record, writeMs };
  }
  const [withRecommendations, alerts] = await Promise.all([
    (early ?? recommendations()).then((found) =>
      found === undefined ? record : saveRecommendations(record, found.recommendations, found.ms, deps),
    ),
    deps.alerts === undefined ? undefined : alertsFor(record, deps),
  ]);
  return { outcome, record: withRecommendations, writeMs, ...(alerts !== undefined && { alerts }) };
}

/** The recommendations and the time (ms) they took from their start, as `recommendFor` finds them. */
async function recommending(
  ...args: Parameters<typeof recommendFor>
): Promise<{ recommendations: ForecastRecommendation[]; ms: number } | undefined> {
  const started = performance.now();
  const recommendations = await recommendFor(...args);
  return recommendations === undefined
    ? undefined
    : { recommendations, ms: round(performance.now() - started) };
}

/** Whether the recommendations run on a thread of the pool (a clock of the caller's cannot go there). */
const recommendsOnPool = (deps: ForecastDependencies): boolean =>
  deps.pool?.available === true && deps.limits?.clock === undefined;

/**
 * Stores the recommendations of a saved forecast; `record` with them. A failure is a warning, not a
 * retry of the batch: the forecast is written, and the next one recommends again.
 */
async function saveRecommendations(
  record: ForecastRecord,
  recommendations: ForecastRecommendation[],
  recommendMs: number,
  deps: ForecastDependencies,
): Promise<ForecastRecord> {
  try {
    await deps.forecasts.saveRecommendations(record, recommendations, recommendMs);
  } catch (error) {
    deps.logger.warn('recommendations not stored: the forecast stays without them', {
      error: error as Error,
      plantId: record.plantId ?? DEFAULT_PLANT,
      asOf: new Date(record.asOf).toISOString(),
    });
    return record;
  }
  return { ...record, recommendations, timings: { ...record.timings, recommendMs } };
}

/**
 * The lateness alerts of a saved forecast. The forecast is written already: a failure here is a
 * warning, not a retry of the batch (the alerts' state stays, so the next forecast raises them).
 */
async function alertsFor(record: ForecastRecord, deps: ForecastDependencies): Promise<LatenessAlert[]> {
  try {
    const { alerts } = await raiseLatenessAlerts(record, {
      sink: deps.alerts!,
      state: deps.alertState!,
      logger: deps.logger,
      ...(record.plantId !== undefined && { plantId: record.plantId }),
      ...(deps.now !== undefined && { now: deps.now }),
    });
    return alerts;
  } catch (error) {
    deps.logger.warn('lateness alerts not raised: the next forecast compares again', {
      error: error as Error,
      plantId: record.plantId ?? DEFAULT_PLANT,
      asOf: new Date(record.asOf).toISOString(),
    });
    return [];
  }
}

/** A Monte Carlo forecast's draws, as it made them (`MonteCarloOptions.onDraws`). */
interface Draws {
  prepared: PreparedMonteCarlo;
  shares: readonly MonteCarloSamples[];
}

/**
 * The twin's recommendations for a forecast with orders late or at risk, within the budget; none
 * (undefined) for a forecast with nothing late or at risk, and when they fail or run out of time:
 * the forecast matters more, so that is a warning, not a retry.
 */
async function recommendFor(
  result: Forecast,
  snapshot: Snapshot,
  model: PlantModel,
  deps: ForecastDependencies,
  simulateMs: number,
  plants: number,
  draws?: Draws,
): Promise<ForecastRecommendation[] | undefined> {
  const wholeMs = deps.recommendBudgetMs ?? DEFAULT_RECOMMEND_BUDGET_MS;
  const budgetMs = recommendShareMs(wholeMs, plants);
  if (budgetMs === 0 || (result.kpis.ordersLate === 0 && !(result.kpis.ordersAtRisk! > 0))) return undefined;
  // The wall clock is looked at between runs: a run started finishes first. Recommending takes at
  // least three runs of the plant (the live one twice, one variant), each about as long as one run of
  // the forecast; a plant too large for that is not tried, rather than overrunning the budget.
  const perRunMs = simulateMs / (1 + (deps.replications ?? 0));
  if (3 * perRunMs > budgetMs) {
    // Too large for the whole budget: worth a warning. Only for its share of a batch of many plants:
    // the next batch that touches fewer plants recommends.
    const tooLarge = 3 * perRunMs > wholeMs;
    deps.logger[tooLarge ? 'warn' : 'info'](
      'recommendations left out: the forecast is written without them',
      {
        reason: tooLarge
          ? `three runs of the plant (about ${Math.round(3 * perRunMs)} ms) do not fit the budget`
          : `three runs of the plant (about ${Math.round(3 * perRunMs)} ms) do not fit its share of the budget, shared by the ${plants} plants of the batch`,
        budgetMs,
        ordersLate: result.kpis.ordersLate,
      },
    );
    return undefined;
  }
  try {
    const options = {
      parameters: deps.parameters ?? {},
      ...(deps.replications !== undefined && { replications: deps.replications }),
      budgetMs: budgetMs * PLANNED_SHARE,
      limits: { ...deps.limits, maxWallMs: budgetMs },
      ...(draws !== undefined && { baseline: baselineDraws(draws.prepared, draws.shares) }),
    };
    // On a thread of the pool when there is one (a clock of the caller's cannot go there): this
    // thread stays free for the embedded twin's ingest and dashboard, which share it.
    const { recommendations, comparison } = recommendsOnPool(deps)
      ? await deps.pool!.recommend({ snapshot, model, options })
      : recommend(snapshot, model, options);
    return recommendations.map((r) => stored(r, comparison));
  } catch (error) {
    // Out of time on a share of the budget is what sharing it means; anything else is worth a warning.
    const shared = plants > 1 && error instanceof SimulationLimitError && error.bound === 'wall-time';
    deps.logger[shared ? 'info' : 'warn']('recommendations left out: the forecast is written without them', {
      ...(error instanceof SimulationLimitError
        ? { reason: error.message, bound: error.bound, limit: error.limit }
        : { error: error as Error }),
      budgetMs,
      ordersLate: result.kpis.ordersLate,
    });
    return undefined;
  }
}

/**
 * Each plant's share (whole ms) of the recommendations' budget `wholeMs` when a batch forecasts
 * `plants` plants: one thread recommends for all of them, one after the other.
 */
export function recommendShareMs(wholeMs: number, plants: number): number {
  return Math.floor(wholeMs / Math.max(1, plants));
}

/** A recommendation as the forecast record keeps it: its gain as numbers, the better the larger. */
function stored({ variant, result, text }: Recommendation, comparison: WhatIfResult): ForecastRecommendation {
  const d = result.difference!;
  const decidedBy = result.decidedBy!;
  const key = OBJECTIVE_KPI[decidedBy];
  const sign = key === 'throughput' ? 1 : -1;
  const ci = d[key].ci;
  const baseline = comparison.variants.find((v) => v.verdict === 'baseline')!;
  const late = new Set(result.lateOrders);
  const wasLate = new Set(baseline.lateOrders);
  return {
    name: variant.name,
    text,
    changes: variant.changes,
    decidedBy,
    gain: {
      lateOrders: -d.lateOrders.mean,
      totalLatenessMs: round(-d.totalLatenessMs.mean),
      makespanMs: round(-d.makespanMs.mean),
      throughput: d.throughput.mean,
    },
    ...(ci !== undefined && {
      ci: [Math.min(sign * ci[0], sign * ci[1]), Math.max(sign * ci[0], sign * ci[1])] as [number, number],
    }),
    replications: comparison.replications,
    // The lists of late orders may hold thousands: what changes is what a planner needs.
    bringsOnTime: baseline.lateOrders.filter((o) => !late.has(o)),
    makesLate: result.lateOrders.filter((o) => !wasLate.has(o)),
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** The Lambda handler of the forecast, for a DynamoDB stream event source mapping with ReportBatchItemFailures. */
export function createForecastHandler(deps: ForecastDependencies) {
  const { replications, recommendBudgetMs } = deps;
  if (deps.alerts !== undefined && deps.alertState === undefined) {
    throw new Error('the forecast was given an alert sink without an alert state store (alertState)');
  }
  // Checked when the function starts (FORECAST_REPLICATIONS, FORECAST_RECOMMEND_BUDGET_MS), not at every batch.
  if (
    replications !== undefined &&
    (!Number.isInteger(replications) || replications < 1 || replications > MAX_LAMBDA_REPLICATIONS)
  ) {
    throw new Error(
      `the forecast's replications (FORECAST_REPLICATIONS) must be a whole number from 1 to ${MAX_LAMBDA_REPLICATIONS.toLocaleString('en')}, got ${replications}`,
    );
  }
  if (
    recommendBudgetMs !== undefined &&
    (!Number.isInteger(recommendBudgetMs) ||
      recommendBudgetMs < 0 ||
      recommendBudgetMs > MAX_RECOMMEND_BUDGET_MS)
  ) {
    throw new Error(
      `the recommendations' budget (FORECAST_RECOMMEND_BUDGET_MS) must be a whole number of ms from 0 to ${MAX_RECOMMEND_BUDGET_MS.toLocaleString('en')}, got ${recommendBudgetMs}`,
    );
  }
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const relevant = event.Records.filter(canMoveForecast);
    if (relevant.length === 0) {
      deps.logger.debug('no change that can move the forecast', { records: event.Records.length });
      return { batchItemFailures: [] };
    }
    // Each plant the batch touched is forecast once, all at once: one plant's forecast never waits
    // for another's, and one that fails does not undo another's.
    const byPlant = new Map<string, DynamoDBRecord[]>();
    for (const record of relevant) {
      const plant = plantOfRecord(record);
      const list = byPlant.get(plant);
      if (list) list.push(record);
      else byPlant.set(plant, [record]);
    }
    const plants = [...byPlant.keys()];
    const done = await Promise.all(
      plants.map((plantId) =>
        forecastPlant(deps, plantId, byPlant.get(plantId)!, event.Records.length, plants.length),
      ),
    );
    // A failed plant's batch is retried from the first of its records (and, so, every plant's after it:
    // a forecast is written only if newer, so forecasting a plant again changes nothing stored).
    const failedPlants = new Set(plants.filter((_, i) => !done[i]));
    const first = relevant.find((record) => failedPlants.has(plantOfRecord(record)))?.dynamodb
      ?.SequenceNumber;
    return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
  };
}

/** Forecasts plant `plantId` after `changes`, and logs how it went; false when the batch should be retried. */
async function forecastPlant(
  deps: ForecastDependencies,
  plantId: string,
  changes: readonly DynamoDBRecord[],
  records: number,
  plants: number,
): Promise<boolean> {
  const plant = plantId === DEFAULT_PLANT ? {} : { plantId };
  try {
    const { outcome, record, writeMs, alerts } = await runForecast(deps, changes, plantId, plants);
    deps.logger.info(
      outcome === 'saved' ? 'forecast written' : 'forecast kept in history only: a newer one is stored',
      {
        ...plant,
        asOf: new Date(record.asOf).toISOString(),
        activeOrders: record.orders.length,
        changes: changes.length,
        ordersLate: record.kpis.ordersLate,
        readMs: record.timings.readMs,
        simulateMs: record.timings.simulateMs,
        ...(record.recommendations !== undefined && {
          recommendations: record.recommendations.length,
          recommendMs: record.timings.recommendMs,
        }),
        ...(record.calibration !== undefined && { calibration: record.calibration.id }),
        writeMs,
        ...(alerts !== undefined && { alerts: alerts.length }),
      },
    );
    return true;
  } catch (error) {
    if (error instanceof SimulationLimitError) {
      // The same orders would hit the same limit again: a retry would only hold up the stream
      // behind this batch until its retries ran out. The batch is reported done, the stored
      // forecast stays as it was, and the next change forecasts afresh. An expected outcome, so
      // the reason is logged without a stack trace.
      deps.logger.error('forecast stopped at its limit: the previous forecast stays', {
        ...plant,
        reason: error.message,
        bound: error.bound,
        limit: error.limit,
        reached: error.reached,
        records,
      });
      return true;
    }
    // The forecast is one unit: the batch is retried.
    deps.logger.error('forecast failed: the batch will be retried', {
      ...plant,
      error: error as Error,
      records,
    });
    return false;
  }
}
