// Alerts to an SNS topic (on AWS): ten to a PublishBatch, each the message `snsMessageOf` makes, so
// that e-mail and other subscribers get one message per alert, and filter policies can pick by kind.
import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert, AlertSink } from '../contracts/alerts.ts';
import { snsMessageOf } from './alertSinks.ts';

/** SNS's most entries in one PublishBatch. */
const BATCH = 10;

/** A publication SNS refused: the alerts are raised again by the next forecast, with the same ids. */
export class AlertPublishError extends Error {
  override readonly name = 'AlertPublishError';
  constructor(
    readonly topicArn: string,
    readonly failed: readonly { id: string; code?: string; message?: string }[],
  ) {
    super(
      `SNS refused ${failed.length} alert${failed.length === 1 ? '' : 's'} for ${topicArn}: ` +
        failed.map((f) => `${f.id} (${f.code ?? 'error'}${f.message ? `: ${f.message}` : ''})`).join(', '),
    );
  }
}

export class SnsAlertSink implements AlertSink {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(alerts: readonly Alert[]): Promise<void> {
    const failed: { id: string; code?: string; message?: string }[] = [];
    for (let i = 0; i < alerts.length; i += BATCH) {
      const batch = alerts.slice(i, i + BATCH);
      const result = await this.client.send(
        new PublishBatchCommand({
          TopicArn: this.topicArn,
          // Entry ids name the entry within the batch only (SNS allows letters, digits, - and _).
          PublishBatchRequestEntries: batch.map((alert, k) => ({ Id: `a${k}`, ...snsMessageOf(alert) })),
        }),
      );
      for (const f of result.Failed ?? []) {
        const alert = batch[Number(f.Id?.slice(1))];
        failed.push({
          id: alert?.id ?? String(f.Id),
          ...(f.Code !== undefined && { code: f.Code }),
          ...(f.Message !== undefined && { message: f.Message }),
        });
      }
    }
    if (failed.length > 0) throw new AlertPublishError(this.topicArn, failed);
  }
}
