// Where records that can never be applied go: an encrypted, TLS-only SQS queue (with a dead-letter
// queue of its own for whoever drains it) and an alarm as soon as anything lands in it.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface FailureQueueProps {
  queueName: string;
}

/** The failure destination of both pipelines, and its depth alarm. */
export class FailureQueue extends Construct {
  readonly queue: Queue;
  /** Receives what a consumer of `queue` failed to process five times. */
  readonly deadLetterQueue: Queue;
  readonly depthAlarm: Alarm;

  constructor(scope: Construct, id: string, props: FailureQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: props.queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // As long as SQS keeps anything: an operator has two weeks to look at a failure.
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
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
