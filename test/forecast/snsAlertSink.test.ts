// Alerts to SNS: ten to a PublishBatch, each the message snsMessageOf makes, a burst as one digest; an
// entry SNS refuses fails the publication, naming the alert, so that the next forecast raises it again.
import {
  PublishBatchCommand,
  type PublishBatchCommandOutput,
  PublishCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import type { LatenessAlert } from '../../contracts/alerts.ts';
import { snsMessageOf } from '../../forecast/alertSinks.ts';
import { AlertPublishError, MAX_ALERT_MESSAGES, SnsAlertSink } from '../../forecast/SnsAlertSink.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:000000000000:twin-alerts';
const alert = (i: number): LatenessAlert => ({
  kind: 'lateness',
  id: `lateness-order-${i}`,
  asOf: 1_000 + i,
  raisedAt: 2_000 + i,
  orderId: `order-${i}`,
  change: 'late',
  was: 'on-time',
  latenessMs: 60_000,
  text: `order-${i} will be 1 min late`,
});

/** An SNS client that records each command it is sent and answers as `answer` says. */
function recordingClient(
  answer: (input: PublishBatchCommand['input']) => Partial<PublishBatchCommandOutput>,
) {
  const sent: PublishBatchCommand[] = [];
  const client = {
    send: async (command: PublishBatchCommand) => {
      sent.push(command);
      return answer(command.input);
    },
  } as unknown as SNSClient;
  return { client, sent };
}

describe('SnsAlertSink', () => {
  it('publishes up to ten alerts as one batch, each as its SNS message, to the topic', async () => {
    const { client, sent } = recordingClient(() => ({ Successful: [], Failed: [] }));
    const alerts = Array.from({ length: MAX_ALERT_MESSAGES }, (_, i) => alert(i));
    await new SnsAlertSink(client, TOPIC).publish(alerts);
    expect(sent.map((c) => c.input.PublishBatchRequestEntries!.length)).toEqual([10]);
    expect(sent.every((c) => c instanceof PublishBatchCommand && c.input.TopicArn === TOPIC)).toBe(true);
    const entries = sent.flatMap((c) => c.input.PublishBatchRequestEntries!);
    expect(entries.map(({ Id, ...message }) => message)).toEqual(alerts.map(snsMessageOf));
    // Ids are unique within the batch, as SNS requires.
    expect(new Set(entries.map((e) => e.Id)).size).toBe(entries.length);
  });

  it('sends nothing for no alerts', async () => {
    const { client, sent } = recordingClient(() => ({}));
    await new SnsAlertSink(client, TOPIC).publish([]);
    expect(sent).toEqual([]);
  });

  it('fails, naming the alerts SNS refused', async () => {
    const { client, sent } = recordingClient((input) => ({
      Failed: [{ Id: input.PublishBatchRequestEntries![4]!.Id, Code: 'InternalError', SenderFault: false }],
    }));
    const publish = new SnsAlertSink(client, TOPIC).publish(Array.from({ length: 6 }, (_, i) => alert(i)));
    await expect(publish).rejects.toThrow(AlertPublishError);
    await expect(publish).rejects.toThrow(
      `SNS refused 1 alert for ${TOPIC}: lateness-order-4 (InternalError)`,
    );
    expect(sent).toHaveLength(1);
  });

  it('publishes a burst of alerts as one digest: counts by change, the first lines', async () => {
    const { client, sent } = recordingClient(() => ({}));
    const alerts = Array.from({ length: 57 }, (_, i) => ({
      ...alert(i),
      ...(i % 3 === 0 && { change: 'at-risk' as const }),
    }));
    await new SnsAlertSink(client, TOPIC).publish(alerts);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PublishCommand);
    const input = sent[0]!.input as unknown as PublishCommand['input'];
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject).toBe('Twin: 57 alerts (19 at-risk, 38 late)');
    const body = JSON.parse(input.Message!);
    expect(body).toMatchObject({ kind: 'digest', count: 57, counts: { late: 38, 'at-risk': 19 }, more: 7 });
    expect(body.alerts).toHaveLength(50);
    expect(body.alerts[1]).toEqual({
      id: 'lateness-order-1',
      kind: 'lateness',
      text: 'order-1 will be 1 min late',
    });
    expect(input.MessageAttributes).toEqual({ kind: { DataType: 'String', StringValue: 'digest' } });
  });
});
