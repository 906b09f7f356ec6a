// The pollers' clients decode a successful GetRecords as the service sent it, and everything else as
// the SDK always does: other operations into the SDK's types, errors into the SDK's exceptions. On a
// stand-in for the HTTP connection (against the real emulators: test/integration/emulators.test.ts).
import { Readable } from 'node:stream';
import {
  DescribeStreamCommand as DescribeTableStreamCommand,
  GetRecordsCommand as GetStreamRecordsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeStreamSummaryCommand, GetRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { createPollerClients, destroyClients } from '../../local/clients.ts';

/** Answers every request with `status` and `body` (JSON), and keeps the requests' targets. */
function answering(status: number, body: unknown) {
  const targets: string[] = [];
  const handler = {
    handle: async (request: { headers: Record<string, string> }) => {
      targets.push(request.headers['x-amz-target'] ?? '');
      return {
        response: {
          statusCode: status,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: Readable.from([Buffer.from(JSON.stringify(body))]),
        },
      };
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
    destroy: () => {},
  };
  return { handler, targets };
}

/** The pollers' clients, talking to `handler`, with no retries. */
function pollersWith(handler: ReturnType<typeof answering>['handler']) {
  const clients = createPollerClients({ kinesis: 'http://127.0.0.1:9', dynamodb: 'http://127.0.0.1:9' });
  for (const client of [clients.kinesis, clients.dynamodbStreams]) {
    client.config.requestHandler = handler as never;
    client.config.maxAttempts = async () => 1;
  }
  return clients;
}

describe("the pollers' clients", () => {
  it('give a Kinesis GetRecords page as sent: data in base64, arrival in epoch seconds', async () => {
    const page = {
      Records: [
        {
          SequenceNumber: '49',
          PartitionKey: 'o-1',
          Data: '/wCA',
          ApproximateArrivalTimestamp: 1_700_000_000.5,
        },
      ],
      NextShardIterator: 'next',
      MillisBehindLatest: 0,
    };
    const { handler, targets } = answering(200, page);
    const clients = pollersWith(handler);
    try {
      const output = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: 'it', Limit: 10 }));
      expect(output).toMatchObject(page);
      expect(output.$metadata.httpStatusCode).toBe(200);
      expect(targets).toEqual(['Kinesis_20131202.GetRecords']);
    } finally {
      destroyClients(clients);
    }
  });

  it('give a DynamoDB stream GetRecords page as sent: attribute values as JSON, binary in base64', async () => {
    const record = {
      eventID: 'e-1',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1_700_000_000,
        Keys: { orderId: { S: 'o-1' } },
        NewImage: { orderId: { S: 'o-1' }, blob: { B: 'AQL/' }, n: { N: '1.50' } },
        SequenceNumber: '100',
        SizeBytes: 40,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
    const clients = pollersWith(answering(200, { Records: [record], NextShardIterator: 'next' }).handler);
    try {
      const output = await clients.dynamodbStreams.send(new GetStreamRecordsCommand({ ShardIterator: 'it' }));
      expect(output.Records).toEqual([record]);
    } finally {
      destroyClients(clients);
    }
  });

  it('decode every other operation into the SDK’s types', async () => {
    const created = 1_700_000_000;
    const kinesis = pollersWith(
      answering(200, {
        StreamDescriptionSummary: {
          StreamName: 's',
          StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
          StreamStatus: 'ACTIVE',
          RetentionPeriodHours: 24,
          StreamCreationTimestamp: created,
          EnhancedMonitoring: [],
          OpenShardCount: 1,
        },
      }).handler,
    );
    const streams = pollersWith(
      answering(200, {
        StreamDescription: { StreamArn: 'arn:s', CreationRequestDateTime: created, Shards: [] },
      }).handler,
    );
    try {
      const summary = await kinesis.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 's' }));
      expect(summary.StreamDescriptionSummary?.StreamCreationTimestamp).toEqual(new Date(created * 1000));
      const description = await streams.dynamodbStreams.send(
        new DescribeTableStreamCommand({ StreamArn: 'arn:s' }),
      );
      expect(description.StreamDescription?.CreationRequestDateTime).toEqual(new Date(created * 1000));
    } finally {
      destroyClients(kinesis);
      destroyClients(streams);
    }
  });

  it('raise a failed GetRecords as the SDK’s exception, by its name', async () => {
    const kinesis = pollersWith(
      answering(400, { __type: 'ExpiredIteratorException', message: 'Iterator expired' }).handler,
    );
    const streams = pollersWith(
      answering(400, {
        __type: 'com.amazonaws.dynamodb.v20120810#TrimmedDataAccessException',
        message: 'trimmed',
      }).handler,
    );
    try {
      await expect(
        kinesis.kinesis.send(new GetRecordsCommand({ ShardIterator: 'it' })),
      ).rejects.toMatchObject({
        name: 'ExpiredIteratorException',
        message: 'Iterator expired',
        $metadata: { httpStatusCode: 400 },
      });
      await expect(
        streams.dynamodbStreams.send(new GetStreamRecordsCommand({ ShardIterator: 'it' })),
      ).rejects.toMatchObject({ name: 'TrimmedDataAccessException' });
    } finally {
      destroyClients(kinesis);
      destroyClients(streams);
    }
  });
});
