// The twin's ingest, forecast and observer handlers (the Lambdas' own code) on the twin's tables,
// wrapped to count what passes through them for the status line.
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { Alert, AlertSink, DriftAlert } from '../../contracts/alerts.ts';
import { type ForecastRecord, type PlantSummary, plantSummaryOf } from '../../contracts/forecastRecord.ts';
import { DEFAULT_PLANT } from '../../contracts/plants.ts';
import { fanOut } from '../../forecast/alertSinks.ts';
import { DynamoDbAccuracyStore } from '../../forecast/DynamoDbAccuracyStore.ts';
import { DynamoDbAlertSink } from '../../forecast/DynamoDbAlertSink.ts';
import { DynamoDbAlertStateStore } from '../../forecast/DynamoDbAlertStateStore.ts';
import { DynamoDbCalibrationStore } from '../../forecast/DynamoDbCalibrationStore.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { DynamoDbObservationStore } from '../../forecast/DynamoDbObservationStore.ts';
import { FileAlertSink } from '../../forecast/FileAlertSink.ts';
import { DynamoDbForecastHistory } from '../../forecast/ForecastHistory.ts';
import type { ForecastStore, SaveOutcome } from '../../forecast/ForecastStore.ts';
import { createForecastHandler, latestEventClock, wallClock } from '../../forecast/forecastHandler.ts';
import type { Observations } from '../../forecast/observations.ts';
import { createObserverHandler } from '../../forecast/observer.ts';
import { dynamoDbPlantObserverStores } from '../../forecast/plantObserverStores.ts';
import { calibrationHooks } from '../../forecast/recalibration.ts';
import { sharedPool } from '../../forecast/threads/ReplicationPool.ts';
import {
  type FailureSink,
  FileFailureSink,
  parkedOnce,
  type RejectedRecord,
} from '../../ingest/FailureSink.ts';
import { createIngestHandler } from '../../ingest/ingestHandler.ts';
import { orderFlowModel, type PlantModel } from '../../orderflow/index.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import type { AwsClients } from '../clients.ts';
import type { ResourceNames } from '../provision.ts';
import type { PlantTotals, TwinStatus } from '../runtime.ts';

/** What the handlers have done so far (events in come from the pipeline, the plant emulator's counts from its publisher). */
export type PipelineCounts = Omit<TwinStatus, 'eventsIn' | 'eventsPublished' | 'publishRetries' | 'services'>;

export interface TwinHandlers {
  counts: PipelineCounts;
  ingest: ReturnType<typeof createIngestHandler>;
  forecast: ReturnType<typeof createForecastHandler>;
  /** The rolling accuracy record's keeper, on the same stream as the forecast (a mapping of its own). */
  observer: ReturnType<typeof createObserverHandler>;
  /** The failure destination: a JSON-lines file, counted. */
  failures: FailureSink;
  /**
   * Where the twin's alerts go: a JSON-lines file, the forecasts table (the dashboard's alert list)
   * and the status line's count. Lateness alerts come from the forecast; drift and calibration
   * alerts are published here too.
   */
  alerts: AlertSink;
}

/** The handlers of one twin, counting events in, changes in, forecasts written and failures. */
export function createTwinHandlers(options: {
  clients: AwsClients;
  names: ResourceNames;
  failureFile: string;
  /** The alerts' JSON-lines file (`alerts.jsonl` in the data directory). */
  alertFile: string;
  /** Plant time per wall-clock time: at 1 the forecast's "now" is the wall clock, else the latest event. */
  speed: number;
  model?: PlantModel | undefined;
  replications?: number | undefined;
  /** Wall time (ms) for the forecast's recommendations (default: the forecast handler's; 0: none). */
  recommendBudgetMs?: number | undefined;
  logLevel?: LogLevel | undefined;
  /** Told of each drift alert (the twin recalibrates on it). */
  onDrift?: ((alert: DriftAlert) => Promise<void>) | undefined;
  /** Told of the steps finished and materials arrived in each batch of state changes. */
  onObservations?: ((observations: Observations) => Promise<void>) | undefined;
}): TwinHandlers {
  const { clients, names } = options;
  const logger = new Logger({ serviceName: 'twin', logLevel: options.logLevel ?? 'WARN' });
  const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
  const counts: PipelineCounts = { changesIn: 0, forecastsWritten: 0, failures: 0, alerts: 0 };
  const file = new FileFailureSink(options.failureFile);
  const failures: FailureSink = parkedOnce({
    send: async (record: RejectedRecord) => {
      counts.failures++;
      await file.send(record);
    },
  });
  const alertSinks = fanOut(
    new FileAlertSink(options.alertFile),
    new DynamoDbAlertSink(clients.documentClient, names.forecastsTable),
  );
  const alerts: AlertSink = {
    publish: async (raised: readonly Alert[]) => {
      await alertSinks.publish(raised);
      const latest = raised.at(-1);
      if (latest === undefined) return;
      counts.alerts = (counts.alerts ?? 0) + raised.length;
      counts.lastAlert = {
        kind: latest.kind,
        text: latest.text,
        asOf: latest.asOf,
        raisedAt: latest.raisedAt,
        ...(latest.plantId !== undefined && latest.plantId !== DEFAULT_PLANT && { plantId: latest.plantId }),
      };
    },
  };
  // Each plant's line of the overview of every plant, for the status line's sums over the plants.
  const latestOfPlant = new Map<string, PlantSummary>();
  const forecastStore = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
  const calibrations = new DynamoDbCalibrationStore(clients.documentClient, names.forecastsTable);
  const forecasts: ForecastStore = {
    save: async (record: ForecastRecord): Promise<SaveOutcome> => {
      const outcome = await forecastStore.save(record);
      if (outcome === 'saved') {
        counts.forecastsWritten++;
        counts.lastForecast = {
          asOf: record.asOf,
          generatedAt: record.generatedAt,
          activeOrders: record.orders.length,
          ordersLate: record.kpis.ordersLate,
          ...(record.kpis.ordersAtRisk !== undefined && { ordersAtRisk: record.kpis.ordersAtRisk }),
        };
        const summary = plantSummaryOf(record);
        latestOfPlant.set(summary.plantId, summary);
        if (latestOfPlant.size > 1) counts.plants = plantTotals(latestOfPlant.values());
      }
      return outcome;
    },
    saveRecommendations: (record, recommendations, recommendMs) =>
      forecastStore.saveRecommendations(record, recommendations, recommendMs),
    latest: (plantId) => forecastStore.latest(plantId),
    plants: () => forecastStore.plants(),
  };
  const ingest = createIngestHandler({
    store: states,
    failures,
    logger,
    // At any speed but real time, the plant's clock runs ahead of the wall clock: no event is from the future.
    ...(options.speed !== 1 && { maxFutureMs: Number.POSITIVE_INFINITY }),
  });
  const forecast = createForecastHandler({
    states,
    forecasts,
    // The latest calibration (`twin calibrate --apply`, or a recalibration): the forecast runs its model.
    calibrations,
    logger,
    ...(options.model && { model: options.model }),
    ...(options.replications !== undefined && { replications: options.replications }),
    ...(options.recommendBudgetMs !== undefined && { recommendBudgetMs: options.recommendBudgetMs }),
    // The twin's process has the command line's worker threads: a Monte Carlo forecast uses every core.
    pool: sharedPool(),
    // At any speed but real time, the plant's clock runs ahead of the wall clock: "now" is the latest event.
    clock: options.speed === 1 ? wallClock : latestEventClock,
    alerts,
    alertState: new DynamoDbAlertStateStore(clients.documentClient, names.forecastsTable),
  });
  // The observer records what happened for recalibration, and recalibrates on drift.
  const calibration = calibrationHooks({
    observations: new DynamoDbObservationStore(clients.documentClient, names.forecastsTable),
    calibrations,
    model: options.model ?? orderFlowModel,
    logger,
    alerts,
  });
  const observer = createObserverHandler(
    {
      history: new DynamoDbForecastHistory(clients.documentClient, names.forecastsTable),
      accuracy: new DynamoDbAccuracyStore(clients.documentClient, names.forecastsTable),
      logger,
      alerts,
      onDrift: options.onDrift ?? calibration.onDrift,
      onObservations: options.onObservations ?? calibration.onObservations,
    },
    dynamoDbPlantObserverStores(clients.documentClient, names.forecastsTable),
  );
  return {
    counts,
    failures,
    observer,
    alerts,
    // Events in are counted by the pipeline, as they are checkpointed: a retried batch counts once.
    ingest,
    forecast: async (event: DynamoDBStreamEvent) => {
      counts.changesIn += event.Records.length;
      return forecast(event);
    },
  };
}

/** The number of plants and the sums of their overview lines' counts (at risk: of those that have it). */
export function plantTotals(summaries: Iterable<PlantSummary>): PlantTotals {
  const totals: PlantTotals = { count: 0, activeOrders: 0, ordersLate: 0 };
  for (const summary of summaries) {
    totals.count++;
    totals.activeOrders += summary.activeOrders;
    totals.ordersLate += summary.ordersLate;
    if (summary.ordersAtRisk !== undefined)
      totals.ordersAtRisk = (totals.ordersAtRisk ?? 0) + summary.ordersAtRisk;
  }
  return totals;
}
