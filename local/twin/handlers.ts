// The twin's ingest and forecast handlers (the Lambdas' own code) on the twin's tables, wrapped to count
// what passes through them for the status line.
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { Alert, AlertSink } from '../../contracts/alerts.ts';
import type { ForecastRecord } from '../../contracts/index.ts';
import { fanOut } from '../../forecast/alertSinks.ts';
import { DynamoDbAlertSink } from '../../forecast/DynamoDbAlertSink.ts';
import { DynamoDbAlertStateStore } from '../../forecast/DynamoDbAlertStateStore.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { FileAlertSink } from '../../forecast/FileAlertSink.ts';
import type { ForecastStore, SaveOutcome } from '../../forecast/ForecastStore.ts';
import { createForecastHandler, latestEventClock, wallClock } from '../../forecast/forecastHandler.ts';
import {
  type FailureSink,
  FileFailureSink,
  parkedOnce,
  type RejectedRecord,
} from '../../ingest/FailureSink.ts';
import { createIngestHandler } from '../../ingest/ingestHandler.ts';
import type { PlantModel } from '../../orderflow/index.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import type { AwsClients } from '../clients.ts';
import type { ResourceNames } from '../provision.ts';
import type { TwinStatus } from '../runtime.ts';

/** What the handlers have done so far (events in come from the pipeline, the plant emulator's counts from its publisher). */
export type PipelineCounts = Omit<TwinStatus, 'eventsIn' | 'eventsPublished' | 'publishRetries' | 'services'>;

export interface TwinHandlers {
  counts: PipelineCounts;
  ingest: ReturnType<typeof createIngestHandler>;
  forecast: ReturnType<typeof createForecastHandler>;
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
      };
    },
  };
  const forecastStore = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
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
      }
      return outcome;
    },
    latest: () => forecastStore.latest(),
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
    logger,
    ...(options.model && { model: options.model }),
    ...(options.replications !== undefined && { replications: options.replications }),
    ...(options.recommendBudgetMs !== undefined && { recommendBudgetMs: options.recommendBudgetMs }),
    // At any speed but real time, the plant's clock runs ahead of the wall clock: "now" is the latest event.
    clock: options.speed === 1 ? wallClock : latestEventClock,
    alerts,
    alertState: new DynamoDbAlertStateStore(clients.documentClient, names.forecastsTable),
  });
  return {
    counts,
    failures,
    alerts,
    // Events in are counted by the pipeline, as they are checkpointed: a retried batch counts once.
    ingest,
    forecast: async (event: DynamoDBStreamEvent) => {
      counts.changesIn += event.Records.length;
      return forecast(event);
    },
  };
}
