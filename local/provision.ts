// Creates the twin's Kinesis stream and DynamoDB tables (from contracts/resources.ts) on the emulators, idempotently.
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
  ResourceInUseException as TableInUseException,
  UpdateTimeToLiveCommand,
  type UpdateTimeToLiveCommandInput,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  ResourceInUseException as StreamInUseException,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { ForecastsTable, OrderEventsStream, OrderStateTable, resourceNames } from '../contracts/resources.ts';

export type ResourceNames = ReturnType<typeof resourceNames>;

/** The clients provisioning needs. */
export interface ProvisionClients {
  kinesis: KinesisClient;
  dynamodb: DynamoDBClient;
}

/** What provisioning made (or found). */
export interface Provisioned {
  names: ResourceNames;
  streamArn: string;
  orderStateTableArn: string;
  /** The order-state table's change stream, which the forecast pipeline reads. */
  orderStateStreamArn: string;
  forecastsTableArn: string;
}

/** A resource exists but is not what the contracts describe, or never became ACTIVE. */
export class ProvisionError extends Error {
  override name = 'ProvisionError';
  readonly resource: string;
  constructor(resource: string, message: string, options?: { cause?: unknown }) {
    super(`${resource}: ${message}`, options);
    this.resource = resource;
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The SDK waiters' timing, in seconds. Their service defaults (a first wait of 10–20 s) suit AWS;
 * the emulators make a stream or table ACTIVE within about a second.
 */
function waiterTimes(timeoutMs: number) {
  return { maxWaitTime: Math.max(1, timeoutMs / 1000), minDelay: 0.1, maxDelay: 2 };
}

/** Waits for `resource` with an SDK waiter; running out of time is a `ProvisionError`. */
async function waitUntilActive(
  resource: string,
  timeoutMs: number,
  wait: () => Promise<unknown>,
): Promise<void> {
  try {
    await wait();
  } catch (error) {
    if ((error as Error).name !== 'TimeoutError') throw error;
    throw new ProvisionError(resource, `not ACTIVE within ${Math.round(timeoutMs / 1000)} s`, {
      cause: error,
    });
  }
}

/** The CreateTable inputs of both tables, exactly as provisioned (for comparison with the CDK stack). */
export function createTableInputs(names: ResourceNames = resourceNames()): {
  orderState: CreateTableCommandInput;
  forecasts: CreateTableCommandInput;
} {
  const active = OrderStateTable.activeIndex;
  return {
    orderState: {
      TableName: names.orderStateTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: OrderStateTable.partitionKey, AttributeType: 'S' },
        { AttributeName: active.partitionKey, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: OrderStateTable.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: active.name,
          KeySchema: [
            { AttributeName: active.partitionKey, KeyType: 'HASH' },
            { AttributeName: active.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: OrderStateTable.stream },
    },
    forecasts: {
      TableName: names.forecastsTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: ForecastsTable.partitionKey, AttributeType: 'S' },
        { AttributeName: ForecastsTable.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: ForecastsTable.partitionKey, KeyType: 'HASH' },
        { AttributeName: ForecastsTable.sortKey, KeyType: 'RANGE' },
      ],
    },
  };
}

/** The forecasts table's time-to-live setting (history items expire). */
export function forecastsTimeToLive(names: ResourceNames = resourceNames()): UpdateTimeToLiveCommandInput {
  return {
    TableName: names.forecastsTable,
    TimeToLiveSpecification: { AttributeName: ForecastsTable.ttlAttribute, Enabled: true },
  };
}

/**
 * Creates the stream and both tables unless they exist, and waits until all are ACTIVE. With
 * `create: false` (AWS, where the CDK stack owns them) it only finds them, and changes nothing.
 */
export async function provision(
  clients: ProvisionClients,
  names: ResourceNames = resourceNames(),
  options: { timeoutMs?: number; create?: boolean } = {},
): Promise<Provisioned> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const create = options.create ?? true;
  const inputs = createTableInputs(names);
  const [streamArn, orderState, forecasts] = await Promise.all([
    provisionStream(clients.kinesis, names.stream, timeoutMs, create),
    provisionTable(clients.dynamodb, inputs.orderState, timeoutMs, create),
    provisionTable(clients.dynamodb, inputs.forecasts, timeoutMs, create),
  ]).catch((error: Error) => {
    if (!create && error.name === 'ResourceNotFoundException') {
      throw new ProvisionError(
        `${names.stream}, ${names.orderStateTable} or ${names.forecastsTable}`,
        `not found (${error.message}): deploy the stack first (npx cdk deploy)`,
        { cause: error },
      );
    }
    throw error;
  });
  if (create) await enableTimeToLive(clients.dynamodb, forecastsTimeToLive(names));
  if (!orderState.LatestStreamArn) {
    throw new ProvisionError(names.orderStateTable, 'has no stream (LatestStreamArn missing)');
  }
  return {
    names,
    streamArn,
    orderStateTableArn: orderState.TableArn!,
    orderStateStreamArn: orderState.LatestStreamArn,
    forecastsTableArn: forecasts.TableArn!,
  };
}

async function provisionStream(
  kinesis: KinesisClient,
  streamName: string,
  timeoutMs: number,
  create: boolean,
): Promise<string> {
  try {
    if (create)
      await kinesis.send(
        new CreateStreamCommand({ StreamName: streamName, ShardCount: OrderEventsStream.shards }),
      );
    // The waiter retries on any error: a stream that is not there is reported now, not at its timeout.
    else await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  } catch (error) {
    if (!(error instanceof StreamInUseException)) throw error;
  }
  await waitUntilActive(streamName, timeoutMs, () =>
    waitUntilStreamExists({ client: kinesis, ...waiterTimes(timeoutMs) }, { StreamName: streamName }),
  );
  const { StreamDescriptionSummary: summary } = await kinesis.send(
    new DescribeStreamSummaryCommand({ StreamName: streamName }),
  );
  const hours = summary?.RetentionPeriodHours;
  if (create && hours !== undefined && hours !== OrderEventsStream.retentionHours) {
    const input = { StreamName: streamName, RetentionPeriodHours: OrderEventsStream.retentionHours };
    await kinesis.send(
      hours < OrderEventsStream.retentionHours
        ? new IncreaseStreamRetentionPeriodCommand(input)
        : new DecreaseStreamRetentionPeriodCommand(input),
    );
  }
  return summary!.StreamARN!;
}

async function provisionTable(
  dynamodb: DynamoDBClient,
  input: CreateTableCommandInput,
  timeoutMs: number,
  create: boolean,
): Promise<TableDescription> {
  const tableName = input.TableName!;
  let created = create;
  try {
    if (create) await dynamodb.send(new CreateTableCommand(input));
    // The waiter retries on any error: a table that is not there is reported now, not at its timeout.
    else await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof TableInUseException)) throw error;
    created = false;
  }
  await waitUntilActive(tableName, timeoutMs, () =>
    waitUntilTableExists({ client: dynamodb, ...waiterTimes(timeoutMs) }, { TableName: tableName }),
  );
  const { Table: table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  if (!created) checkExistingTable(table!, input);
  // The waiter waits for the table only; an index added later may still be building, and the
  // forecast cannot query it until it is ACTIVE.
  const building = (table!.GlobalSecondaryIndexes ?? []).filter((i) => i.IndexStatus !== 'ACTIVE');
  if (building.length > 0) {
    const which = building.map((i) => `${i.IndexName} ${i.IndexStatus}`).join(', ');
    throw new ProvisionError(tableName, `index not ACTIVE yet (${which}): try again once it is`);
  }
  return table!;
}

/** A table found in place must match the contracts where the pipeline depends on it; otherwise say so now. */
function checkExistingTable(table: TableDescription, input: CreateTableCommandInput): void {
  const keys = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) =>
    (schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
  const problems: string[] = [];
  if (keys(table.KeySchema) !== keys(input.KeySchema)) {
    problems.push(`key ${keys(table.KeySchema)} instead of ${keys(input.KeySchema)}`);
  }
  for (const wanted of input.GlobalSecondaryIndexes ?? []) {
    const found = table.GlobalSecondaryIndexes?.find((i) => i.IndexName === wanted.IndexName);
    if (!found || keys(found.KeySchema) !== keys(wanted.KeySchema)) {
      problems.push(`index ${wanted.IndexName} missing or keyed differently`);
    }
  }
  const wantedStream = input.StreamSpecification;
  if (
    wantedStream?.StreamEnabled &&
    (!table.StreamSpecification?.StreamEnabled ||
      table.StreamSpecification.StreamViewType !== wantedStream.StreamViewType)
  ) {
    problems.push(`stream is not ${wantedStream.StreamViewType}`);
  }
  if (problems.length > 0) {
    throw new ProvisionError(
      input.TableName!,
      `exists but differs from contracts/resources.ts: ${problems.join('; ')} (delete it or use a fresh data directory)`,
    );
  }
}

async function enableTimeToLive(
  dynamodb: DynamoDBClient,
  input: UpdateTimeToLiveCommandInput,
): Promise<void> {
  const { TimeToLiveDescription: ttl } = await dynamodb.send(
    new DescribeTimeToLiveCommand({ TableName: input.TableName }),
  );
  const wanted = input.TimeToLiveSpecification!.AttributeName;
  const status = ttl?.TimeToLiveStatus;
  if ((status === 'ENABLED' || status === 'ENABLING') && ttl?.AttributeName === wanted) return;
  // AWS rejects UpdateTimeToLive when TTL is already on, hence the check above.
  await dynamodb.send(new UpdateTimeToLiveCommand(input));
}
