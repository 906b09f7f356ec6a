// Alerts to SNS: ten to a PublishBatch, each the message snsMessageOf makes; an entry SNS refuses
// fails the publication, naming the alert, so that the next forecast raises it again.
import { PublishBatchCommand, type PublishBatchCommandOutput, type SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import type { LatenessAlert } from '../../contracts/alerts.ts';
import { snsMessageOf } from '../../forecast/alertSinks.ts';
import { AlertPublishError, SnsAlertSink } from '../../forecast/SnsAlertSink.ts';

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
  it('publishes alerts ten to a batch, each as its SNS message, to the topic', async () => {
    const { client, sent } = recordingClient(() => ({ Successful: [], Failed: [] }));
    const alerts = Array.from({ length: 23 }, (_, i) => alert(i));
    await new SnsAlertSink(client, TOPIC).publish(alerts);
    expect(sent.map((c) => c.input.PublishBatchRequestEntries!.length)).toEqual([10, 10, 3]);
    expect(sent.every((c) => c instanceof PublishBatchCommand && c.input.TopicArn === TOPIC)).toBe(true);
    const entries = sent.flatMap((c) => c.input.PublishBatchRequestEntries!);
    expect(entries.map(({ Id, ...message }) => message)).toEqual(alerts.map(snsMessageOf));
    // Ids are unique within each batch, as SNS requires.
    for (const c of sent) {
      const ids = c.input.PublishBatchRequestEntries!.map((e) => e.Id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('sends nothing for no alerts', async () => {
    const { client, sent } = recordingClient(() => ({}));
    await new SnsAlertSink(client, TOPIC).publish([]);
    expect(sent).toEqual([]);
  });

  it('fails, naming the alerts SNS refused, after trying every batch', async () => {
    const { client, sent } = recordingClient((input) => ({
      Failed:
        input.PublishBatchRequestEntries!.length === 10
          ? [{ Id: input.PublishBatchRequestEntries![4]!.Id, Code: 'InternalError', SenderFault: false }]
          : [],
    }));
    const publish = new SnsAlertSink(client, TOPIC).publish(Array.from({ length: 12 }, (_, i) => alert(i)));
    await expect(publish).rejects.toThrow(AlertPublishError);
    await expect(publish).rejects.toThrow(
      `SNS refused 1 alert for ${TOPIC}: lateness-order-4 (InternalError)`,
    );
    expect(sent).toHaveLength(2);
  });
});
