// order-state's DynamoDB stream → forecast Lambda → forecasts table (and alerts): the function (with the plant
// model file bundled beside its code), its event source mapping (batching window, a filter that
// drops changes no forecast can depend on, partial batch failures, failures to SQS) and its alarms.
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  FORECAST_NODE_OPTIONS,
  ForecastEventSource,
  ModelFile,
  OrderStateTable,
} from '../contracts/resources.ts';
import type { AlertTopic } from './AlertTopic.ts';
import { DEFAULT_FORECAST_MEMORY_MB, forecastThreads } from './functionSizes.ts';
import { LAMBDA_TASK_ROOT, PROJECT_ROOT, shellQuote, TwinFunction } from './TwinFunction.ts';

/** The demo plant's model file: the forecast's model when the stack is given none. */
export const DEMO_MODEL_FILE = join(PROJECT_ROOT, ModelFile.demoPath);

/** The name of the model file in the forecast function's bundle. */
export const BUNDLED_MODEL_NAME = ModelFile.bundledName;

/** Where the forecast function finds its model file (MODEL_FILE): in its bundle. */
export const FORECAST_MODEL_FILE = `${LAMBDA_TASK_ROOT}/${BUNDLED_MODEL_NAME}`;

/**
 * After esbuild, copies the plant model file `file` into the bundle (as FORECAST_MODEL_FILE will
 * find it): the model goes with the code, as a file, not through the function's environment (4 KB
 * at most), and a new model is a new asset, so a deploy updates the function.
 */
export function bundleModelFile(file: string): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => {
      const copy = `require('node:fs').copyFileSync(${JSON.stringify(file)}, ${JSON.stringify(join(outputDir, BUNDLED_MODEL_NAME))})`;
      return [`node --eval ${shellQuote(copy)}`];
    },
  };
}

/**
 * The event filter (patterns are OR-ed): only a change where the order is active before or after
 * it — `activeShard` present in the old or the new image — reaches the function. A delivered
 * order's late events never do (forecast/relevance.ts: both images inactive → no forecast). The
 * finer check (did a forecast field change?) stays in the handler: filters cannot compare images.
 */
export const FORECAST_FILTER_PATTERNS = [
  { dynamodb: { NewImage: { [OrderStateTable.activeIndex.partitionKey]: { S: FilterRule.exists() } } } },
  { dynamodb: { OldImage: { [OrderStateTable.activeIndex.partitionKey]: { S: FilterRule.exists() } } } },
] as const;

/** The forecast's event source settings (contracts/resources.ts), in CDK's types. */
export const FORECAST_SOURCE = {
  defaultBatchingWindow: Duration.seconds(ForecastEventSource.batchingWindowSeconds),
  batchSize: ForecastEventSource.batchSize,
  retryAttempts: ForecastEventSource.retryAttempts,
  maxRecordAge: Duration.hours(ForecastEventSource.maxRecordAgeHours),
} as const;

/**
 * Where the forecast takes "now" from (FORECAST_CLOCK): `wall`, the wall clock, for a plant whose
 * events happen in real time; `latest-event`, the latest event time in the state, for a plant that
 * runs faster than real time (the emulator on LocalStack, at 60×).
 */
export const FORECAST_CLOCKS = ['wall', 'latest-event'] as const;
export type ForecastClockName = (typeof FORECAST_CLOCKS)[number];

/** Iterator age (ms) above which forecasts lag behind the order state. */
export const FORECAST_ITERATOR_AGE_ALARM_MS = 60_000;

export interface ForecastPipelineProps {
  orderState: ITable;
  forecasts: ITable;
  failureQueue: IQueue;
  /** The plant model file the forecast runs (an absolute path, already checked; default DEMO_MODEL_FILE). */
  modelFile?: string | undefined;
  /** How long the event source gathers changes before one forecast (default 1 s). */
  batchingWindow?: Duration | undefined;
  /** Overrides of the model's parameters (MODEL_PARAMETERS), distributions included. */
  modelParameters?: Record<string, unknown> | undefined;
  /** A Monte Carlo forecast of this many draws (FORECAST_REPLICATIONS); unset: deterministic. */
  replications?: number | undefined;
  /** The function's memory in MB (default DEFAULT_FORECAST_MEMORY_MB); its threads follow from it. */
  memoryMb?: number | undefined;
  /**
   * Batches of one stream shard forecast at once (1 to 10; unset: 1). Records of one item stay in
   * order; two batches may forecast one plant at once, and the newer forecast is kept.
   */
  parallelizationFactor?: number | undefined;
  /** Wall time for the recommendations (FORECAST_RECOMMEND_BUDGET_MS); unset: the function's default. */
  recommendBudgetMs?: number | undefined;
  /** Where the forecast takes "now" from (FORECAST_CLOCK, default `wall`). */
  clock?: ForecastClockName | undefined;
  /** The topic the forecast publishes its alerts to (ALERT_TOPIC_ARN); unset: the table only. */
  alertTopic?: AlertTopic | undefined;
}

/** The forecast function's memory unless the stack says otherwise (`twin:forecast-memory-mb`): in functionSizes.ts. */
export { DEFAULT_FORECAST_MEMORY_MB, forecastThreads };

/** The forecast: one forecast of every active order per batch of relevant state changes. */
export class ForecastPipeline extends Construct {
  readonly handler: TwinFunction;
  /** The plant model file bundled with the function. */
  readonly modelFile: string;
  readonly iteratorAgeAlarm: Alarm;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ForecastPipelineProps) {
    super(scope, id);
    this.modelFile = props.modelFile ?? DEMO_MODEL_FILE;
    this.handler = new TwinFunction(this, 'Handler', {
      entry: 'lambdas/forecast.ts',
      description: 'order-flow twin: forecasts every active order after a batch of order-state changes',
      // More memory is more CPU: the simulation of 10,000 active orders is CPU-bound.
      memorySize: props.memoryMb ?? DEFAULT_FORECAST_MEMORY_MB,
      timeout: Duration.seconds(60),
      // A forecast keeps every order's objects alive until it ends: a young generation that holds
      // them spares the garbage collector most of its copying (see FORECAST_NODE_OPTIONS).
      nodeOptions: [FORECAST_NODE_OPTIONS],
      commandHooks: bundleModelFile(this.modelFile),
      environment: {
        FORECAST_CLOCK: props.clock ?? 'wall',
        FORECAST_THREADS: String(forecastThreads(props.memoryMb ?? DEFAULT_FORECAST_MEMORY_MB)),
        MODEL_FILE: FORECAST_MODEL_FILE,
        ...(props.modelParameters && { MODEL_PARAMETERS: JSON.stringify(props.modelParameters) }),
        ...(props.replications !== undefined && { FORECAST_REPLICATIONS: String(props.replications) }),
        ...(props.recommendBudgetMs !== undefined && {
          FORECAST_RECOMMEND_BUDGET_MS: String(props.recommendBudgetMs),
        }),
      },
    });
    // It reads the work in process with a Query on the sparse index only, and writes the forecast
    // (Put, and a TransactWriteItems of Puts for a chunked one) to the forecasts table.
    this.handler.useTable('ORDER_STATE_TABLE', props.orderState, {
      indexes: { [OrderStateTable.activeIndex.name]: ['Query'] },
    });
    // It also reads the latest calibration (GetItem), keeps the lateness alerts' state (GetItem, a
    // conditional PutItem) and the recent alerts (BatchWriteItem) in the forecasts table.
    this.handler.useTable('FORECASTS_TABLE', props.forecasts, {
      table: ['PutItem', 'GetItem', 'BatchWriteItem'],
    });
    props.alertTopic?.publishFrom(this.handler);

    // The mapping reads the table's stream: its EventSourceArn is the table's StreamArn attribute,
    // so CloudFormation creates it only once the table and its stream exist.
    this.handler.function.addEventSource(
      new DynamoEventSource(props.orderState, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: FORECAST_SOURCE.batchSize,
        maxBatchingWindow: props.batchingWindow ?? FORECAST_SOURCE.defaultBatchingWindow,
        filters: FORECAST_FILTER_PATTERNS.map((pattern) => FilterCriteria.filter(pattern)),
        reportBatchItemFailures: true,
        retryAttempts: FORECAST_SOURCE.retryAttempts,
        maxRecordAge: FORECAST_SOURCE.maxRecordAge,
        ...(props.parallelizationFactor !== undefined && {
          parallelizationFactor: props.parallelizationFactor,
        }),
        // No bisect (the default): a forecast fails as a whole, never because of one record.
        onFailure: new SqsDlq(props.failureQueue),
      }),
    );

    this.handler.acknowledgeStreamListing();

    this.iteratorAgeAlarm = this.handler.iteratorAgeAlarm(
      this,
      'Forecasts are more than a minute behind the order-state changes',
      FORECAST_ITERATOR_AGE_ALARM_MS,
    );
    this.errorsAlarm = this.handler.errorsAlarm(
      this,
      'The forecast function failed (the batch is retried, then lands in the failure queue)',
    );
  }
}
