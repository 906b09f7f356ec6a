// Alerts to an SNS topic (on AWS): ten to a PublishBatch, each the message `snsMessageOf` makes, so
// that e-mail and other subscribers get one message per alert, and filter policies can pick by kind.
// A burst (a first forecast of a large plant, a breakdown that makes hundreds late at once) is one
// digest message instead, so that no subscriber's inbox is flooded; every alert is still kept in the
// forecasts table and shown by the dashboard.
import { PublishBatchCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert, AlertSink } from '../contracts/alerts.ts';
import { snsMessageOf } from './alertSinks.ts';

/** SNS's most entries in one PublishBatch. */
const BATCH = 10;

/** More alerts than this at once are published as one digest. */
export const MAX_ALERT_MESSAGES = 10;

/** Alerts a digest lists by their line (the rest are counted). */
const DIGEST_LINES = 50;

/** One message for many alerts: how many of each kind and change, and the first ones' lines. */
export function digestMessageOf(alerts: readonly Alert[]): {
  Subject: string;
  Message: string;
  MessageAttributes: Record<string, { DataType: 'String'; StringValue: string }>;
} {
  const counts = new Map<string, number>();
  for (const a of alerts) {
    const what = a.kind === 'lateness' ? a.change : a.kind;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  const summary = [...counts].map(([what, n]) => `${n} ${what}`).join(', ');
  return {
    Subject: `Twin: ${alerts.length} alerts (${summary})`.slice(0, 100),
    Message: JSON.stringify({
      kind: 'digest',
      count: alerts.length,
      counts: Object.fromEntries(counts),
      alerts: alerts.slice(0, DIGEST_LINES).map((a) => ({ id: a.id, kind: a.kind, text: a.text })),
      ...(alerts.length > DIGEST_LINES && { more: alerts.length - DIGEST_LINES }),
    }),
    MessageAttributes: { kind: { DataType: 'String', StringValue: 'digest' } },
  };
}

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
    if (alerts.length > MAX_ALERT_MESSAGES) {
      await this.client.send(new PublishCommand({ TopicArn: this.topicArn, ...digestMessageOf(alerts) }));
      return;
    }
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
