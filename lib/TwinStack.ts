// The twin's one stack: the order events stream, the order-state and forecasts tables (names, keys
// and settings from contracts/resources.ts, as the embedded runtime provisions them), the failure
// queue, the ingest and forecast pipelines, the alert topic, the dashboard, and the outputs a user needs.
import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  type StreamViewType,
  Table,
} from 'aws-cdk-lib/aws-dynamodb';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import type { Construct } from 'constructs';
import { ForecastsTable, OrderEventsStream, OrderStateTable, resourceNames } from '../contracts/resources.ts';
import { AccuracyObserver } from './AccuracyObserver.ts';
import { AlertTopic } from './AlertTopic.ts';
import { Dashboard } from './Dashboard.ts';
import { FailureQueue } from './FailureQueue.ts';
import { type ForecastClockName, ForecastPipeline } from './ForecastPipeline.ts';
import { IngestPipeline } from './IngestPipeline.ts';
import { DEFAULT_CALIBRATE_SCHEDULE, Recalibration } from './Recalibration.ts';

/** The stack's name in CloudFormation (and the `cdk deploy` argument). */
export const TWIN_STACK_NAME = 'OrderFlowTwin';

export interface TwinStackProps extends StackProps {
  /**
   * Deploying to LocalStack: its event source mappings implement neither bisect-on-error nor the
   * parallelisation factor, so neither is set.
   */
  localstack?: boolean;
  /** Prefix of every resource name (side-by-side stacks in one account); default none. */
  namePrefix?: string;
  /** Concurrent ingest batches per shard (1–10); unset: Lambda's default (1). Ignored on LocalStack. */
  ingestParallelizationFactor?: number | undefined;
  /** The forecast's batching window (default 1 s). */
  forecastBatchingWindow?: Duration | undefined;
  /** The forecast's plant model file: an absolute path, checked (default: the demo plant's). */
  forecastModelFile?: string | undefined;
  /** Overrides of the forecast model's parameters, distributions included (default: the model file's). */
  forecastModelParameters?: Record<string, unknown> | undefined;
  /** A Monte Carlo forecast of this many draws on every batch of changes (default: deterministic only). */
  forecastReplications?: number | undefined;
  /** Wall time for the twin's recommendations after a forecast with late or at-risk orders, ms (default 500; 0: none). */
  forecastRecommendBudgetMs?: number | undefined;
  /** The forecast function's memory (MB, default 1,024): more memory is more CPU, and more threads. */
  forecastMemoryMb?: number | undefined;
  /** Concurrent forecast batches per shard of the order-state table's stream (1–10; default 1). */
  forecastParallelizationFactor?: number | undefined;
  /** Where the forecast takes "now" from (default `wall`; `latest-event` for a sped-up plant). */
  forecastClock?: ForecastClockName | undefined;
  /** Keep the tables when the stack is deleted (default true: they hold the plant's state). */
  retainData?: boolean;
  /** Bundle the dashboard page with its function (default true). */
  dashboardPage?: boolean;
  /** The dashboard function's reserved concurrency (default 10; `none`: no reservation). */
  dashboardReservedConcurrency?: number | 'none' | undefined;
  /** When the twin recalibrates (an EventBridge schedule expression; default daily; `off`: never on schedule). */
  calibrateSchedule?: string | undefined;
  /** An e-mail address to subscribe to the alert topic (it must confirm); default none. */
  alertEmail?: string | undefined;
}

/** The order-flow twin on AWS (or LocalStack). */
export class TwinStack extends Stack {
  readonly stream: Stream;
  readonly orderState: Table;
  readonly forecasts: Table;
  readonly failures: FailureQueue;
  readonly ingest: IngestPipeline;
  readonly forecast: ForecastPipeline;
  readonly observer: AccuracyObserver;
  readonly dashboard: Dashboard;
  readonly recalibration: Recalibration;
  readonly alerts: AlertTopic;

  constructor(scope: Construct, id: string, props: TwinStackProps = {}) {
    super(scope, id, {
      description: 'Order-flow digital twin: Kinesis → ingest → DynamoDB → forecast → dashboard',
      ...props,
    });
    const names = resourceNames(props.namePrefix ?? '');
    const removalPolicy = (props.retainData ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // Stateful resources sit directly in the stack with stable ids: renaming one replaces it.
    this.stream = new Stream(this, 'OrderEvents', {
      streamName: names.stream,
      streamMode: StreamMode.PROVISIONED,
      shardCount: OrderEventsStream.shards,
      retentionPeriod: Duration.hours(OrderEventsStream.retentionHours),
      // The AWS managed key aws/kinesis: encrypted at rest, no key policy to keep (cdk-nag KDS3).
      encryption: StreamEncryption.MANAGED,
    });

    this.orderState = new Table(this, 'OrderState', {
      tableName: names.orderStateTable,
      partitionKey: { name: OrderStateTable.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: OrderStateTable.stream as StreamViewType,
      removalPolicy,
    });
    this.orderState.addGlobalSecondaryIndex({
      indexName: OrderStateTable.activeIndex.name,
      partitionKey: { name: OrderStateTable.activeIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: OrderStateTable.activeIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });

    this.forecasts = new Table(this, 'Forecasts', {
      tableName: names.forecastsTable,
      partitionKey: { name: ForecastsTable.partitionKey, type: AttributeType.STRING },
      sortKey: { name: ForecastsTable.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: ForecastsTable.ttlAttribute,
      removalPolicy,
    });

    this.failures = new FailureQueue(this, 'Failures', { queueName: names.failureQueue, removalPolicy });

    this.alerts = new AlertTopic(this, 'Alerts', { topicName: names.alertTopic, email: props.alertEmail });

    const localstack = props.localstack ?? false;
    this.ingest = new IngestPipeline(this, 'Ingest', {
      stream: this.stream,
      orderState: this.orderState,
      failureQueue: this.failures.queue,
      failureBucket: this.failures.dataBucket,
      bisectBatchOnError: !localstack,
      parallelizationFactor: localstack ? undefined : props.ingestParallelizationFactor,
      // The forecast's "now" is the latest event when the plant's clock is not the wall clock: then
      // the wall clock says nothing about which event times are impossible either.
      refuseFutureEvents: props.forecastClock !== 'latest-event',
    });
    this.forecast = new ForecastPipeline(this, 'Forecast', {
      orderState: this.orderState,
      forecasts: this.forecasts,
      failureQueue: this.failures.queue,
      batchingWindow: props.forecastBatchingWindow,
      modelFile: props.forecastModelFile,
      modelParameters: props.forecastModelParameters,
      replications: props.forecastReplications,
      recommendBudgetMs: props.forecastRecommendBudgetMs,
      memoryMb: props.forecastMemoryMb,
      parallelizationFactor: localstack ? undefined : props.forecastParallelizationFactor,
      clock: props.forecastClock,
      alertTopic: this.alerts,
    });
    this.observer = new AccuracyObserver(this, 'Observer', {
      orderState: this.orderState,
      forecasts: this.forecasts,
      failureQueue: this.failures.queue,
      modelFile: props.forecastModelFile,
    });
    const schedule = props.calibrateSchedule ?? DEFAULT_CALIBRATE_SCHEDULE;
    this.recalibration = new Recalibration(this, 'Recalibration', {
      forecasts: this.forecasts,
      modelFile: props.forecastModelFile,
      schedule: schedule === 'off' ? undefined : schedule,
    });
    // Drift alerts come from the observer, calibration alerts from either.
    this.alerts.publishFrom(this.observer.handler);
    this.alerts.publishFrom(this.recalibration.handler);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      forecasts: this.forecasts,
      orderState: this.orderState,
      modelFile: props.forecastModelFile,
      modelParameters: props.forecastModelParameters,
      clock: props.forecastClock,
      page: props.dashboardPage ?? true,
      reservedConcurrency: props.dashboardReservedConcurrency,
    });

    new CfnOutput(this, 'StreamName', {
      description: 'Kinesis stream to publish order events to (partition key: orderId)',
      value: this.stream.streamName,
    });
    new CfnOutput(this, 'OrderStateTableName', { value: this.orderState.tableName });
    new CfnOutput(this, 'ForecastsTableName', { value: this.forecasts.tableName });
    new CfnOutput(this, 'FailureQueueUrl', {
      description: 'Records that could not be applied, and batches that failed for good',
      value: this.failures.queue.queueUrl,
    });
    new CfnOutput(this, 'AlertTopicArn', {
      description: 'Lateness and drift alerts: subscribe to this SNS topic (e-mail, SQS, Lambda, ...)',
      value: this.alerts.topic.topicArn,
    });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The dashboard: open it with ?token=<the token> (see DashboardTokenCommand)',
      value: this.dashboard.url.url,
    });
    new CfnOutput(this, 'DashboardTokenSecretArn', { value: this.dashboard.token.secretArn });
    new CfnOutput(this, 'DashboardTokenCommand', {
      description: 'Prints the dashboard token',
      value: Fn.join('', [
        'aws secretsmanager get-secret-value --secret-id ',
        this.dashboard.token.secretArn,
        ' --query SecretString --output text',
      ]),
    });
  }
}
