// The stack's settings the cost model needs, read from where the stack reads them (contracts/resources.ts
// and lib/functionSizes.ts), so that the cost on paper follows the stack; test/cdk/costSettings.test.ts
// checks them against the synthesized template. Free of aws-cdk-lib, so `twin cost` loads quickly.
import {
  ForecastEventSource,
  ForecastsTable,
  ObserverEventSource,
  OrderEventsStream,
} from '../contracts/resources.ts';
import { DEFAULT_HORIZONS_MS, LOOKUP_PAGE } from '../forecast/observerSettings.ts';
import type { StackCostSettings } from './costModel.ts';
import {
  DEFAULT_FORECAST_MEMORY_MB,
  INGEST_MEMORY_MB,
  LAMBDA_ARCHITECTURE_NAME,
  OBSERVER_MEMORY_MB,
} from './functionSizes.ts';

/**
 * The stack's CloudWatch alarms: iterator age and errors of the ingest, the forecast and the
 * observer, errors of the dashboard and of the calibration, and the failure queue's depth.
 */
export const STACK_ALARMS = 9;

/** The stack's secrets: the dashboard's token. */
export const STACK_SECRETS = 1;

/** The settings of the stack as deployed without context (`npx cdk deploy`). */
export function stackCostSettings(): StackCostSettings {
  return {
    streamShards: OrderEventsStream.shards,
    architecture: LAMBDA_ARCHITECTURE_NAME,
    ingestMemoryMb: INGEST_MEMORY_MB,
    forecastMemoryMb: DEFAULT_FORECAST_MEMORY_MB,
    observerMemoryMb: OBSERVER_MEMORY_MB,
    forecastWindowSeconds: ForecastEventSource.batchingWindowSeconds,
    observerWindowSeconds: ObserverEventSource.batchingWindowSeconds,
    historyDays: ForecastsTable.historyDays,
    forecastChunkBytes: ForecastsTable.chunkBytes,
    observerHorizons: DEFAULT_HORIZONS_MS.length,
    observerLookupPage: LOOKUP_PAGE,
    alarms: STACK_ALARMS,
    secrets: STACK_SECRETS,
    pointInTimeRecovery: true,
  };
}
