// Alert sinks besides the table and the file: several at once, and an alert as an SNS message
// (subject, JSON body, the kind as a message attribute for subscription filters).
import type { Alert, AlertSink } from '../contracts/alerts.ts';

/**
 * Publishes to every sink; fails (after all have been tried) when any failed, so that the alerts are
 * raised again and reach the one that missed them (the others see them twice, with the same ids).
 */
export function fanOut(...sinks: readonly AlertSink[]): AlertSink {
  return {
    async publish(alerts) {
      if (alerts.length === 0) return;
      const results = await Promise.allSettled(sinks.map((sink) => sink.publish(alerts)));
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (failed.length === 1) throw failed[0];
      if (failed.length > 1) throw new AggregateError(failed, `${failed.length} alert sinks failed`);
    },
  };
}

/** SNS's longest subject (characters). */
const MAX_SUBJECT = 100;

/** One SNS message, in the field names of SNS's Publish and PublishBatch. */
export interface SnsAlertMessage {
  Subject: string;
  /** The alert as JSON. */
  Message: string;
  MessageAttributes: Record<string, { DataType: 'String'; StringValue: string }>;
}

/**
 * An alert as an SNS message: the subject is its one line (SNS takes printable ASCII without line
 * breaks, at most 100 characters), the body the alert as JSON, and its kind (and order) attributes
 * that a subscription's filter policy can select on.
 */
export function snsMessageOf(alert: Alert): SnsAlertMessage {
  const line = `Twin: ${alert.text}`.replace(/[^\x20-\x7e]/g, '?');
  return {
    Subject: line.length > MAX_SUBJECT ? `${line.slice(0, MAX_SUBJECT - 3)}...` : line,
    Message: JSON.stringify(alert),
    MessageAttributes: {
      kind: { DataType: 'String', StringValue: alert.kind },
      ...(alert.kind === 'lateness' && {
        orderId: { DataType: 'String', StringValue: alert.orderId },
        change: { DataType: 'String', StringValue: alert.change },
      }),
    },
  };
}
