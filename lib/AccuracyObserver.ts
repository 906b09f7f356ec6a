// order-state's DynamoDB stream → observer Lambda → the rolling accuracy record in the forecasts
// table: the function, its own event source mapping on the stream (beside the forecast's), its
// grants (Query and GetItem of forecast history, the record's conditional Put) and its alarms.
import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ObserverEventSource } from '../contracts/resources.ts';
import {
  bundleModelFile,
  DEMO_MODEL_FILE,
  FORECAST_ITERATOR_AGE_ALARM_MS,
  FORECAST_MODEL_FILE,
} from './ForecastPipeline.ts';
import { OBSERVER_MEMORY_MB } from './functionSizes.ts';
import { TwinFunction } from './TwinFunction.ts';

export interface AccuracyObserverProps {
  orderState: ITable;
  forecasts: ITable;
  failureQueue: IQueue;
  /** The forecast's plant model file, which a recalibration on drift fits (default DEMO_MODEL_FILE). */
  modelFile?: string | undefined;
}

/** The observer: compares each finished step with the forecasts made before it, continuously. */
export class AccuracyObserver extends Construct {
  readonly handler: TwinFunction;
  readonly iteratorAgeAlarm: Alarm;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AccuracyObserverProps) {
    super(scope, id);
    this.handler = new TwinFunction(this, 'Handler', {
      entry: 'lambdas/observer.ts',
      description: 'order-flow twin: keeps the rolling forecast accuracy record as order steps finish',
      memorySize: OBSERVER_MEMORY_MB,
      timeout: Duration.seconds(30),
      commandHooks: bundleModelFile(props.modelFile ?? DEMO_MODEL_FILE),
      environment: { MODEL_FILE: FORECAST_MODEL_FILE },
    });
    // It finds the forecast in effect with a Query of history (down to the newest known), reads it (a
    // Query of its chunks), the latest forecast's version (GetItem), and replaces the record (a
    // conditional Put); it keeps the samples of recalibration (GetItem, a conditional Put per key)
    // and, on drift, reads them all (Query) and stores a calibration (Put); its alerts go to the
    // table too (BatchWriteItem).
    this.handler.useTable('FORECASTS_TABLE', props.forecasts, {
      table: ['GetItem', 'Query', 'PutItem', 'BatchWriteItem'],
    });

    this.handler.function.addEventSource(
      new DynamoEventSource(props.orderState, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: ObserverEventSource.batchSize,
        maxBatchingWindow: Duration.seconds(ObserverEventSource.batchingWindowSeconds),
        reportBatchItemFailures: true,
        retryAttempts: ObserverEventSource.retryAttempts,
        maxRecordAge: Duration.hours(ObserverEventSource.maxRecordAgeHours),
        bisectBatchOnError: ObserverEventSource.bisectBatchOnError,
        onFailure: new SqsDlq(props.failureQueue),
      }),
    );

    this.handler.acknowledgeStreamListing();

    this.iteratorAgeAlarm = this.handler.iteratorAgeAlarm(
      this,
      'The accuracy record is more than a minute behind the order-state changes',
      FORECAST_ITERATOR_AGE_ALARM_MS,
    );
    this.errorsAlarm = this.handler.errorsAlarm(
      this,
      'The observer failed (the batch is retried, then lands in the failure queue)',
    );
  }
}
