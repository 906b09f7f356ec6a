// Faults of the AWS services, injected into SDK clients through their public middleware stack (by the
// fault tests and `twin bench faults`; product code has no fault mode): DynamoDB writes answered with
// throttling, or timed out after the write went through; GetRecords on Kinesis and on DynamoDB
// Streams throttled. Each fault is a real answer or error as the SDK sees it below its retries, so the
// SDK, the handlers and the pollers meet it exactly as they would meet the service's own.
import { Readable } from 'node:stream';

/** The chance of each fault per attempt (0 to 1). */
export interface FaultRates {
  /** A DynamoDB write answered with ProvisionedThroughputExceededException (nothing written). */
  writeThrottled: number;
  /** A DynamoDB write that went through, whose answer never reached the client (a timeout). */
  writeTimedOutAfterWrite: number;
  /** Kinesis GetRecords answered with ProvisionedThroughputExceededException. */
  kinesisReadThrottled: number;
  /** DynamoDB Streams GetRecords answered with LimitExceededException. */
  streamReadThrottled: number;
}

/** The issue's faults: 10 % of writes throttled, 1 % timed out after the write, 10 % of reads throttled. */
export const ISSUE_FAULTS: FaultRates = {
  writeThrottled: 0.1,
  writeTimedOutAfterWrite: 0.01,
  kinesisReadThrottled: 0.1,
  streamReadThrottled: 0.1,
};

export type FaultKind = keyof FaultRates;

/** Per service: commands sent, attempts that reached the wire (the SDK's retries included). */
export interface Traffic {
  calls: number;
  attempts: number;
}

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

/** The part of an SDK client (or document client) the injector needs. */
interface WithMiddleware {
  middlewareStack: {
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's middleware types differ per client.
    add(middleware: any, options: Record<string, unknown>): void;
  };
}

type Service = 'dynamodb' | 'kinesis' | 'dynamodbStreams';
interface Context {
  clientName?: string;
  commandName?: string;
}
interface Response {
  response: unknown;
}

/** Mulberry32: a small seeded generator, so that a run's faults can be told again. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 400 answer of a JSON-protocol AWS service with the given error, as the service itself sends it. */
function errorAnswer(service: Service, type: string, message: string) {
  const namespace = service === 'kinesis' ? 'Kinesis_20131202' : 'com.amazonaws.dynamodb.v20120810';
  const body = Buffer.from(JSON.stringify({ __type: `${namespace}#${type}`, message }));
  return {
    statusCode: 400,
    headers: {
      'content-type': service === 'kinesis' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0',
      'content-length': String(body.length),
      'x-amzn-requestid': 'fault-injection',
    },
    body: Readable.from([body]),
  };
}

/** The error Node's HTTP handler throws when an answer does not come in time (the SDK retries it). */
function timeoutError(): Error {
  return Object.assign(
    new Error('Connection timed out after 2000 ms (injected after the write went through)'),
    {
      name: 'TimeoutError',
    },
  );
}

/**
 * Injects faults into the clients it is installed on, while `enabled`; counts the faults by kind and
 * every command and attempt per service (also while disabled).
 */
export class FaultInjector {
  enabled = true;
  readonly injected: Record<FaultKind, number> = {
    writeThrottled: 0,
    writeTimedOutAfterWrite: 0,
    kinesisReadThrottled: 0,
    streamReadThrottled: 0,
  };
  readonly traffic: Record<Service, Traffic> = {
    dynamodb: { calls: 0, attempts: 0 },
    kinesis: { calls: 0, attempts: 0 },
    dynamodbStreams: { calls: 0, attempts: 0 },
  };
  private readonly random: () => number;
  private readonly installed = new Set<unknown>();

  constructor(
    readonly rates: FaultRates = ISSUE_FAULTS,
    seed = 1,
  ) {
    this.random = seeded(seed);
  }

  /** Retries the SDK made (attempts beyond the first of each command), per service. */
  retries(service: Service): number {
    return this.traffic[service].attempts - this.traffic[service].calls;
  }

  /** Adds the injector to every client of `clients` (a document client shares its base client's stack). */
  install(clients: Record<string, WithMiddleware>): void {
    for (const client of Object.values(clients)) {
      if (this.installed.has(client.middlewareStack)) continue;
      this.installed.add(client.middlewareStack);
      client.middlewareStack.add(
        (next: (args: unknown) => Promise<unknown>, context: Context) => (args: unknown) => {
          const service = serviceOf(context);
          if (service) this.traffic[service].calls++;
          return next(args);
        },
        { step: 'initialize', priority: 'high', name: 'faultInjectionCalls' },
      );
      // Below the deserializer, and so below the retries: once per attempt, on the raw HTTP answer.
      client.middlewareStack.add(
        (next: (args: unknown) => Promise<Response>, context: Context) => (args: unknown) =>
          this.attempt(next, args, context),
        { step: 'deserialize', priority: 'low', name: 'faultInjection' },
      );
    }
  }

  private async attempt(
    next: (args: unknown) => Promise<Response>,
    args: unknown,
    context: Context,
  ): Promise<Response> {
    const service = serviceOf(context);
    if (service === undefined) return next(args);
    this.traffic[service].attempts++;
    if (!this.enabled) return next(args);
    const command = context.commandName ?? '';
    const draw = this.random();
    if (service === 'dynamodb' && WRITES.has(command)) {
      if (draw < this.rates.writeThrottled) {
        this.injected.writeThrottled++;
        return {
          response: errorAnswer(
            service,
            'ProvisionedThroughputExceededException',
            'The level of configured provisioned throughput for the table was exceeded (injected)',
          ),
        };
      }
      if (draw < this.rates.writeThrottled + this.rates.writeTimedOutAfterWrite) {
        const answered = await next(args);
        this.injected.writeTimedOutAfterWrite++;
        // The answer is dropped, as a timed-out request's is: its socket goes with it.
        (answered.response as { body?: { destroy?: () => void } }).body?.destroy?.();
        throw timeoutError();
      }
    }
    if (command === 'GetRecordsCommand') {
      if (service === 'kinesis' && draw < this.rates.kinesisReadThrottled) {
        this.injected.kinesisReadThrottled++;
        return {
          response: errorAnswer(
            service,
            'ProvisionedThroughputExceededException',
            'Rate exceeded for shard (injected)',
          ),
        };
      }
      if (service === 'dynamodbStreams' && draw < this.rates.streamReadThrottled) {
        this.injected.streamReadThrottled++;
        return {
          response: errorAnswer(service, 'LimitExceededException', 'Too many requests (injected)'),
        };
      }
    }
    return next(args);
  }
}

function serviceOf(context: Context): Service | undefined {
  switch (context.clientName) {
    case 'DynamoDBClient':
      return 'dynamodb';
    case 'KinesisClient':
      return 'kinesis';
    case 'DynamoDBStreamsClient':
      return 'dynamodbStreams';
    default:
      return undefined;
  }
}
