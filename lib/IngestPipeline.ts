// Kinesis order events → ingest Lambda → order-state table: the function, its event source mapping
// (partial batch failures, bisect, bounded retries and record age, failures to SQS, oversized ones'
// data to S3) and its alarms.
import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { IngestEventSource } from '../contracts/resources.ts';
import { INGEST_MEMORY_MB } from './functionSizes.ts';
import { TwinFunction } from './TwinFunction.ts';

/** The ingest's event source settings (contracts/resources.ts), in CDK's types. */
export const INGEST_SOURCE = {
  batchSize: IngestEventSource.batchSize,
  retryAttempts: IngestEventSource.retryAttempts,
  maxRecordAge: Duration.hours(IngestEventSource.maxRecordAgeHours),
} as const;

/** Iterator age (ms) above which the ingest is falling behind the plant. */
export const INGEST_ITERATOR_AGE_ALARM_MS = 60_000;

export interface IngestPipelineProps {
  stream: IStream;
  orderState: ITable;
  failureQueue: IQueue;
  /** Where the raw data of a rejected record too large for a failure message goes. */
  failureBucket: IBucket;
  /** Split a failing batch in two (AWS); LocalStack does not implement it. */
  bisectBatchOnError: boolean;
  /** Concurrent batches per shard (1–10); unset: Lambda's default of 1. Not on LocalStack. */
  parallelizationFactor?: number | undefined;
  /**
   * Whether events are refused when they lie too far ahead of the Lambda's clock (default true).
   * Off for a plant whose clock is not the wall clock (an emulator faster than real time, a replay).
   */
  refuseFutureEvents?: boolean | undefined;
}

/** The ingest: applies every order event to the order's state item. */
export class IngestPipeline extends Construct {
  readonly handler: TwinFunction;
  readonly iteratorAgeAlarm: Alarm;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: IngestPipelineProps) {
    super(scope, id);
    this.handler = new TwinFunction(this, 'Handler', {
      entry: 'lambdas/ingest.ts',
      description: 'order-flow twin: applies order events from Kinesis to the order-state table',
      memorySize: INGEST_MEMORY_MB,
      timeout: Duration.seconds(60),
    });
    // The state store writes with a conditional UpdateItem, and falls back to a conditional PutItem
    // for out-of-order events (state/DynamoDbStateStore.ts); it never reads on its own.
    this.handler.useTable('ORDER_STATE_TABLE', props.orderState, { table: ['UpdateItem', 'PutItem'] });
    // Records that are not valid events go here at once, with their reason (ingest/SqsFailureSink.ts).
    this.handler.useQueue('FAILURE_QUEUE_URL', props.failureQueue);
    if (props.refuseFutureEvents === false)
      this.handler.function.addEnvironment('INGEST_MAX_FUTURE_MINUTES', 'none');
    // ...or, when a record does not fit in a message, its data goes to the bucket first: the ingest may
    // put objects there and do nothing else (no read, list or delete).
    this.handler.function.addEnvironment('FAILURE_BUCKET', props.failureBucket.bucketName);
    Grant.addToPrincipal({
      grantee: this.handler.role,
      actions: ['s3:PutObject'],
      resourceArns: [props.failureBucket.arnForObjects('*')],
    });
    const bucketId = Stack.of(this).getLogicalId(props.failureBucket.node.defaultChild as CfnElement);
    Validations.of(this.handler.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      reason:
        "s3:PutObject on the failure bucket's objects: each rejected record gets a new key (day, sequence " +
        'number, digest), so the grant names the objects with a wildcard; no read, list or delete anywhere.',
    });

    this.handler.function.addEventSource(
      new KinesisEventSource(props.stream, {
        // Nothing published before the mapping exists is skipped.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: INGEST_SOURCE.batchSize,
        reportBatchItemFailures: true,
        // Left out entirely when off: LocalStack's mappings know neither setting.
        ...(props.bisectBatchOnError && { bisectBatchOnError: true }),
        retryAttempts: INGEST_SOURCE.retryAttempts,
        maxRecordAge: INGEST_SOURCE.maxRecordAge,
        onFailure: new SqsDlq(props.failureQueue),
        ...(props.parallelizationFactor !== undefined && {
          parallelizationFactor: props.parallelizationFactor,
        }),
      }),
    );

    this.iteratorAgeAlarm = this.handler.iteratorAgeAlarm(
      this,
      'The ingest is more than a minute behind the order events stream',
      INGEST_ITERATOR_AGE_ALARM_MS,
    );
    this.errorsAlarm = this.handler.errorsAlarm(
      this,
      'The ingest function failed (its batch is retried, or lands in the failure queue)',
    );
  }
}
