// Where a Lambda's alerts go on AWS: the forecasts table (the dashboard's alert list) and, when the
// stack gives the function its topic (ALERT_TOPIC_ARN), the SNS topic people subscribe to.
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertSink } from '../contracts/alerts.ts';
import { fanOut } from '../forecast/alertSinks.ts';
import { DynamoDbAlertSink } from '../forecast/DynamoDbAlertSink.ts';
import { SnsAlertSink } from '../forecast/SnsAlertSink.ts';

/** The alert sink of a function with the forecasts table `table`, and the topic ALERT_TOPIC_ARN names. */
export function alertSinkOf(documents: DynamoDBDocumentClient, table: string): AlertSink {
  const tableSink = new DynamoDbAlertSink(documents, table);
  const topicArn = process.env.ALERT_TOPIC_ARN || undefined;
  return topicArn === undefined
    ? tableSink
    : fanOut(tableSink, new SnsAlertSink(new SNSClient({}), topicArn));
}
