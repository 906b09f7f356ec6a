// The forecast: after a batch of order-state changes, read the work in process (with the stations'
// state and the maintenance planned), simulate ahead and store the forecast. One forecast per batch
// (the event source's batching window coalesces a burst), none when no change can move it. Nothing
// is kept between invocations.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ForecastRecord } from '../contracts/forecastRecord.ts';
import { forecast, forecastMonteCarlo, orderFlowModel, type PlantModel } from '../orderflow/index.ts';
import type { Snapshot } from '../orderflow/types.ts';
import { SimulationLimitError, type SimulationLimits } from '../sim-core/index.ts';
import type { ActiveOrder, StateStore } from '../state/StateStore.ts';
import type { ForecastStore } from './ForecastStore.ts';
import { canMoveForecast } from './relevance.ts';

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
  clock?: ForecastClock;
  /** When the forecast was made (default: the wall clock). */
  now?: () => number;
}

export type ForecastRunOutcome =
  | { outcome: 'skipped' }
  | { outcome: 'saved' | 'stale'; record: ForecastRecord; writeMs: number };

/** Reads the work in process and the stations' state, forecasts them and stores the result. */
export async function runForecast(
  deps: ForecastDependencies,
  changes: readonly DynamoDBRecord[] = [],
): Promise<Exclude<ForecastRunOutcome, { outcome: 'skipped' }>> {
  const started = performance.now();
  const [orders, plant] = await Promise.all([deps.states.listActive(), deps.states.plantState()]);
  const read = performance.now();
  const asOf = (deps.clock ?? wallClock)(orders, changes);
  // A maintenance over before every operation in progress began moves no forecast; one since then
  // tells how much of an operation's time its unit was out.
  const since = earliestOperationInProgress(orders, asOf);
  const maintenance = plant.maintenance.filter((m) => m.to > since);
  const snapshot: Snapshot = {
    asOf,
    orders,
    ...(plant.stations.length > 0 && { stations: plant.stations }),
    ...(maintenance.length > 0 && { maintenance }),
  };
  const options = {
    parameters: deps.parameters ?? {},
    limits: { maxWallMs: FORECAST_MAX_WALL_MS, ...deps.limits },
  };
  const model = deps.model ?? orderFlowModel;
  const result =
    deps.replications === undefined
      ? forecast(snapshot, model, options)
      : forecastMonteCarlo(snapshot, model, { ...options, replications: deps.replications });
  const simulated = performance.now();
  const record: ForecastRecord = {
    ...result,
    generatedAt: (deps.now ?? Date.now)(),
    stateVersion: { latestEventAt: latestEventClock(orders, changes), activeOrders: orders.length },
    timings: { readMs: round(read - started), simulateMs: round(simulated - read) },
  };
  const outcome = await deps.forecasts.save(record);
  return { outcome, record, writeMs: round(performance.now() - simulated) };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** The Lambda handler of the forecast, for a DynamoDB stream event source mapping with ReportBatchItemFailures. */
export function createForecastHandler(deps: ForecastDependencies) {
  const { replications } = deps;
  // Checked when the function starts (FORECAST_REPLICATIONS), not at every batch.
  if (
    replications !== undefined &&
    (!Number.isInteger(replications) || replications < 1 || replications > MAX_LAMBDA_REPLICATIONS)
  ) {
    throw new Error(
      `the forecast's replications (FORECAST_REPLICATIONS) must be a whole number from 1 to ${MAX_LAMBDA_REPLICATIONS.toLocaleString('en')}, got ${replications}`,
    );
  }
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const relevant = event.Records.filter(canMoveForecast);
    if (relevant.length === 0) {
      deps.logger.debug('no change that can move the forecast', { records: event.Records.length });
      return { batchItemFailures: [] };
    }
    try {
      const { outcome, record, writeMs } = await runForecast(deps, relevant);
      deps.logger.info(
        outcome === 'saved' ? 'forecast written' : 'forecast kept in history only: a newer one is stored',
        {
          asOf: new Date(record.asOf).toISOString(),
          activeOrders: record.orders.length,
          changes: relevant.length,
          ordersLate: record.kpis.ordersLate,
          readMs: record.timings.readMs,
          simulateMs: record.timings.simulateMs,
          writeMs,
        },
      );
      return { batchItemFailures: [] };
    } catch (error) {
      if (error instanceof SimulationLimitError) {
        // The same orders would hit the same limit again: a retry would only hold up the stream
        // behind this batch until its retries ran out. The batch is reported done, the stored
        // forecast stays as it was, and the next change forecasts afresh. An expected outcome, so
        // the reason is logged without a stack trace.
        deps.logger.error('forecast stopped at its limit: the previous forecast stays', {
          reason: error.message,
          bound: error.bound,
          limit: error.limit,
          reached: error.reached,
          records: event.Records.length,
        });
        return { batchItemFailures: [] };
      }
      // The forecast is one unit: the whole batch is retried from its first record.
      deps.logger.error('forecast failed: the batch will be retried', {
        error: error as Error,
        records: event.Records.length,
      });
      const first = event.Records[0]?.dynamodb?.SequenceNumber;
      return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
    }
  };
}

/** When the earliest operation still in progress among `orders` began; `asOf` when none is. */
function earliestOperationInProgress(orders: readonly ActiveOrder[], asOf: number): number {
  let earliest = asOf;
  for (const order of orders) {
    for (const step of Object.values(order.steps ?? {})) {
      if (step.startedAt !== undefined && step.finishedAt === undefined)
        earliest = Math.min(earliest, step.startedAt);
    }
  }
  return earliest;
}
