// Recalibration on AWS: an EventBridge rule that invokes the calibrate Lambda on a schedule (the
// stack's `twin:calibrate-schedule`, default daily), which fits the samples the twin recorded and
// stores the calibration the forecasts then use. The function bundles the forecast's model file.
import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { bundleModelFile, DEMO_MODEL_FILE, FORECAST_MODEL_FILE } from './ForecastPipeline.ts';
import { TwinFunction } from './TwinFunction.ts';

/** How often the twin recalibrates by default. */
export const DEFAULT_CALIBRATE_SCHEDULE = 'rate(1 day)';

export interface RecalibrationProps {
  forecasts: ITable;
  /** The forecast's plant model file (an absolute path, already checked; default DEMO_MODEL_FILE). */
  modelFile?: string | undefined;
  /** An EventBridge schedule expression (`rate(…)`, `cron(…)`); undefined: no schedule (invoked on drift only). */
  schedule?: string | undefined;
}

/** The calibrate function, and the rule that runs it on schedule. */
export class Recalibration extends Construct {
  readonly handler: TwinFunction;
  readonly rule: Rule | undefined;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: RecalibrationProps) {
    super(scope, id);
    this.handler = new TwinFunction(this, 'Handler', {
      entry: 'lambdas/calibrate.ts',
      description: "order-flow twin: refits the model's durations and supplier slip to what happened",
      memorySize: 512,
      timeout: Duration.seconds(60),
      commandHooks: bundleModelFile(props.modelFile ?? DEMO_MODEL_FILE),
      environment: { MODEL_FILE: FORECAST_MODEL_FILE },
    });
    // It reads the samples (a Query of their partition), and writes a calibration and the latest copy
    // (Puts), and its alert for the dashboard's list (BatchWriteItem); the latest is read back by the
    // forecast with a GetItem, which this function never needs.
    this.handler.useTable('FORECASTS_TABLE', props.forecasts, {
      table: ['Query', 'PutItem', 'BatchWriteItem'],
    });
    if (props.schedule !== undefined) {
      this.rule = new Rule(this, 'Schedule', {
        description: 'order-flow twin: recalibrates the model on schedule',
        schedule: Schedule.expression(props.schedule),
        targets: [new LambdaFunction(this.handler.function, { retryAttempts: 2 })],
      });
    }
    this.errorsAlarm = this.handler.errorsAlarm(this, 'The calibrate function failed');
  }
}
