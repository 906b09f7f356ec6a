// The twin's alerts on AWS: an SNS topic, encrypted with a key of its own and refusing publishers
// without TLS, that the forecast publishes lateness (and drift, calibration) alerts to; people
// subscribe by e-mail (the stack's `twin:alert-email`, or later in the console).
import { RemovalPolicy } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { TwinFunction } from './TwinFunction.ts';

export interface AlertTopicProps {
  /** The topic's name. */
  topicName: string;
  /** An address to subscribe by e-mail (it must confirm the subscription). */
  email?: string | undefined;
}

export class AlertTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    // A key of the stack's, not the AWS managed aws/sns key: its policy is ours to grant on, so
    // the publisher's right to use it is part of the stack (cdk-nag SNS2, KMS5).
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the order-flow twin alert topic',
      enableKeyRotation: true,
      // The topic keeps no messages once delivered: nothing is left that the key would still open.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.topic = new Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: 'Order-flow twin alerts',
      masterKey: this.key,
      // Publishing over plain HTTP is refused in the topic policy (cdk-nag SNS3).
      enforceSSL: true,
    });
    if (props.email !== undefined) this.topic.addSubscription(new EmailSubscription(props.email));
  }

  /**
   * Lets `grantee` publish to the topic, and use its key as SNS does for a publisher (a data key per
   * message): named actions only, where the topic's own grant would give `kms:GenerateDataKey*`.
   */
  /** Lets `fn` publish alerts here: the topic's ARN in its ALERT_TOPIC_ARN, and the right to publish. */
  publishFrom(fn: TwinFunction): void {
    fn.function.addEnvironment('ALERT_TOPIC_ARN', this.topic.topicArn);
    this.grantPublish(fn);
  }

  grantPublish(grantee: IGrantable): void {
    Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: [this.topic.topicArn] });
    Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resourceArns: [this.key.keyArn],
    });
  }
}
