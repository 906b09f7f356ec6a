// AWS SDK v3 client factories: local emulators get dummy credentials, a local region and HTTP/1.1;
// AWS gets the SDK's default credential chain and region.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Region every local client uses: the emulators namespace their resources by region. */
export const LOCAL_REGION = 'us-east-1';

/** Dummy static credentials for the local emulators (they check the signature's shape, not its secret). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface ClientOptions {
  /** Where the service answers (a local emulator or LocalStack); omit for AWS itself. */
  endpoint?: string;
  /** Attempts per call, retries included (the SDK's default is 3). */
  maxAttempts?: number;
  /** Socket connect timeout, ms. */
  connectionTimeoutMs?: number;
  /** Time allowed for one request to answer, ms. */
  requestTimeoutMs?: number;
}

/** The endpoints of one DynamoDB (with Streams) and one Kinesis; omit both for AWS. */
export interface Endpoints {
  kinesis?: string;
  dynamodb?: string;
}

/** Every client the twin needs, pointed at one set of endpoints. */
export interface AwsClients {
  kinesis: KinesisClient;
  dynamodb: DynamoDBClient;
  dynamodbStreams: DynamoDBStreamsClient;
  documentClient: DynamoDBDocumentClient;
}

/** The configuration every client shares; `http1`: always with the HTTP/1.1 handler against an endpoint. */
function config(options: ClientOptions, http1 = false) {
  const local = options.endpoint !== undefined;
  const timeouts = options.connectionTimeoutMs !== undefined || options.requestTimeoutMs !== undefined;
  return {
    ...(local && { endpoint: options.endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } }),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    ...((timeouts || (http1 && local)) && {
      requestHandler: new NodeHttpHandler({
        ...(options.connectionTimeoutMs !== undefined && { connectionTimeout: options.connectionTimeoutMs }),
        ...(options.requestTimeoutMs !== undefined && { requestTimeout: options.requestTimeoutMs }),
      }),
    }),
  };
}

/** A Kinesis client; against an endpoint it speaks HTTP/1.1 (the SDK's HTTP/2 default fails on kinesis-mock). */
export function createKinesisClient(options: ClientOptions = {}): KinesisClient {
  return new KinesisClient(config(options, true));
}

/** A DynamoDB client (low-level: attribute values as DynamoDB has them). */
export function createDynamoDbClient(options: ClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient(config(options));
}

/** A DynamoDB Streams client (same endpoint as DynamoDB: DynamoDB Local serves both). */
export function createDynamoDbStreamsClient(options: ClientOptions = {}): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient(config(options));
}

/** A document client that drops `undefined` attributes instead of failing on them. */
export function createDocumentClient(options: ClientOptions = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoDbClient(options), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** All of the twin's clients for one set of endpoints (none given: AWS, default credentials and region). */
export function createClients(
  endpoints: Endpoints = {},
  options: Omit<ClientOptions, 'endpoint'> = {},
): AwsClients {
  return {
    kinesis: createKinesisClient({ ...options, endpoint: endpoints.kinesis }),
    dynamodb: createDynamoDbClient({ ...options, endpoint: endpoints.dynamodb }),
    dynamodbStreams: createDynamoDbStreamsClient({ ...options, endpoint: endpoints.dynamodb }),
    documentClient: createDocumentClient({ ...options, endpoint: endpoints.dynamodb }),
  };
}

/** The clients the local pollers read the streams with. */
export interface PollerClients {
  kinesis: KinesisClient;
  dynamodbStreams: DynamoDBStreamsClient;
}

/** The pollers' clients for one set of endpoints, apart from `createClients`' and closed with the pollers. */
export function createPollerClients(
  endpoints: Endpoints = {},
  options: Omit<ClientOptions, 'endpoint'> = {},
): PollerClients {
  return {
    kinesis: createKinesisClient({ ...options, endpoint: endpoints.kinesis }),
    dynamodbStreams: createDynamoDbStreamsClient({ ...options, endpoint: endpoints.dynamodb }),
  };
}

/** Closes the clients' sockets, so that a process (or a test file) can end promptly. */
export function destroyClients(clients: AwsClients | PollerClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
