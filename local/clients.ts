// AWS SDK v3 client factories: local emulators get dummy credentials and HTTP/1.1, AWS gets the default
// chain; no client runs the SDK's per-call log step (see contracts/sdkClients.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CACHED_MIDDLEWARE, withoutCallLog } from '../contracts/sdkClients.ts';
import {
  DynamoDbStreamsRecordsAsSent,
  KinesisRecordsAsSent,
  type RecordsAsSent,
} from './pollers/recordsAsSent.ts';

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

function baseConfig(options: ClientOptions) {
  return {
    ...(options.endpoint === undefined
      ? {}
      : { endpoint: options.endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
}

function httpHandler(options: ClientOptions): NodeHttpHandler {
  return new NodeHttpHandler({
    ...(options.connectionTimeoutMs === undefined ? {} : { connectionTimeout: options.connectionTimeoutMs }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeout: options.requestTimeoutMs }),
  });
}

/** The request handler a client gets: its own when it has timeouts (or `always`), else the SDK's default. */
function handlerConfig(options: ClientOptions, always = false): { requestHandler?: NodeHttpHandler } {
  const needed =
    always || options.connectionTimeoutMs !== undefined || options.requestTimeoutMs !== undefined;
  return needed ? { requestHandler: httpHandler(options) } : {};
}

/** A Kinesis client, with the pollers' protocol if given (see `createPollerClients`). */
function kinesisClient(options: ClientOptions, protocol?: typeof KinesisRecordsAsSent): KinesisClient {
  const local = options.endpoint !== undefined;
  return withoutCallLog(
    new KinesisClient({
      ...CACHED_MIDDLEWARE,
      ...baseConfig(options),
      ...handlerConfig(options, local),
      ...(protocol && { protocol }),
    }),
  );
}

/** A Kinesis client; against an endpoint it speaks HTTP/1.1 (the SDK's HTTP/2 default fails on kinesis-mock). */
export function createKinesisClient(options: ClientOptions = {}): KinesisClient {
  return kinesisClient(options);
}

/** A DynamoDB client; `cached`: with `CACHED_MIDDLEWARE` (which a document client refuses). */
function dynamoDbClient(options: ClientOptions, cached: boolean): DynamoDBClient {
  return withoutCallLog(
    new DynamoDBClient({
      ...(cached ? CACHED_MIDDLEWARE : {}),
      ...baseConfig(options),
      ...handlerConfig(options),
    }),
  );
}

/** A DynamoDB client (low-level: attribute values as DynamoDB has them). */
export function createDynamoDbClient(options: ClientOptions = {}): DynamoDBClient {
  return dynamoDbClient(options, true);
}

/** A DynamoDB Streams client, with the pollers' protocol if given (see `createPollerClients`). */
function dynamoDbStreamsClient(
  options: ClientOptions,
  protocol?: typeof DynamoDbStreamsRecordsAsSent,
): DynamoDBStreamsClient {
  return withoutCallLog(
    new DynamoDBStreamsClient({
      ...CACHED_MIDDLEWARE,
      ...baseConfig(options),
      ...handlerConfig(options),
      ...(protocol && { protocol }),
    }),
  );
}

/** A DynamoDB Streams client (same endpoint as DynamoDB: DynamoDB Local serves both). */
export function createDynamoDbStreamsClient(options: ClientOptions = {}): DynamoDBStreamsClient {
  return dynamoDbStreamsClient(options);
}

/**
 * A document client that drops `undefined` attributes instead of failing on them, over a DynamoDB
 * client of its own (the document client refuses `CACHED_MIDDLEWARE`).
 */
export function createDocumentClient(options: ClientOptions = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamoDbClient(options, false), {
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

/** The clients the local pollers read the streams with: their GetRecords answers with the records as sent. */
export interface PollerClients {
  kinesis: RecordsAsSent<KinesisClient>;
  dynamodbStreams: RecordsAsSent<DynamoDBStreamsClient>;
}

/** The pollers' clients for one set of endpoints (see pollers/recordsAsSent.ts). */
export function createPollerClients(
  endpoints: Endpoints = {},
  options: Omit<ClientOptions, 'endpoint'> = {},
): PollerClients {
  // The one place a client gets the pollers' protocol, and so the type that says it has it.
  return {
    kinesis: kinesisClient(
      { ...options, endpoint: endpoints.kinesis },
      KinesisRecordsAsSent,
    ) as RecordsAsSent<KinesisClient>,
    dynamodbStreams: dynamoDbStreamsClient(
      { ...options, endpoint: endpoints.dynamodb },
      DynamoDbStreamsRecordsAsSent,
    ) as RecordsAsSent<DynamoDBStreamsClient>,
  };
}

/** Closes the clients' sockets, so that a process (or a test file) can end promptly. */
export function destroyClients(clients: AwsClients | PollerClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
