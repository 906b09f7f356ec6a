// Where records that can never be applied go: an encrypted, TLS-only SQS queue (with a dead-letter
// queue of its own for whoever drains it), an alarm as soon as anything lands in it, and a private
// bucket for the raw data of records too large for a message (the message points to it).
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FailureQueue as FailureQueueSettings } from '../contracts/resources.ts';

export interface FailureQueueProps {
  queueName: string;
  /** What happens to the raw-data bucket when the stack is deleted (default: retained). */
  removalPolicy?: RemovalPolicy;
}

/** The failure destination of both pipelines, its depth alarm, and the bucket for oversized records. */
export class FailureQueue extends Construct {
  readonly queue: Queue;
  /** Receives what a consumer of `queue` failed to process five times. */
  readonly deadLetterQueue: Queue;
  readonly depthAlarm: Alarm;
  /** The raw data of rejected records too large for a message, named by the message that points to it. */
  readonly dataBucket: Bucket;

  constructor(scope: Construct, id: string, props: FailureQueueProps) {
    super(scope, id);
    // As long as SQS keeps anything: an operator has two weeks to look at a failure.
    const retention = Duration.days(FailureQueueSettings.retentionDays);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: retention,
      maxMessageSizeBytes: FailureQueueSettings.maxMessageBytes,
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: props.queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: retention,
      // Set explicitly, whatever SQS's default: the ingest sends messages of up to this size
      // (ingest/failureMessages.ts), and the dead-letter queue must take them too.
      maxMessageSizeBytes: FailureQueueSettings.maxMessageBytes,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    this.dataBucket = new Bucket(this, 'RecordData', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // An object lives as long as the message that points to it (SQS keeps the message's first
      // enqueue time when it moves to the dead-letter queue).
      lifecycleRules: [{ id: 'ExpireWithTheFailureMessages', expiration: retention }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.dataBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Server access logs would need a bucket of their own, itself unlogged. Only the ingest function may ' +
        'write here (s3:PutObject, checked by test/cdk), every object is announced by a failure-queue message ' +
        `carrying its key, size and SHA-256, and objects expire after ${FailureQueueSettings.retentionDays} ` +
        'days; reads can be audited with CloudTrail S3 data events where an account requires it.',
    });
    this.depthAlarm = new Alarm(this, 'DepthAlarm', {
      alarmDescription: `Records the twin could not apply are waiting in ${props.queueName}`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
