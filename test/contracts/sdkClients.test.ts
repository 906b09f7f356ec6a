// Every AWS SDK client of the twin runs without the SDK's per-call log step (it copies each call's
// whole input and output to redact it, even when nothing is logged), and every low-level client
// resolves a command's middleware once, not on every call.
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { CACHED_MIDDLEWARE, withoutCallLog } from '../../contracts/sdkClients.ts';
import { createClients, destroyClients } from '../../local/clients.ts';

/** A DynamoDB client that answers every call with an empty item, and logs through `info`. */
function clientLoggingTo(info: (entry: unknown) => void, config: { cacheMiddleware?: boolean } = {}) {
  return new DynamoDBClient({
    ...config,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    logger: { debug() {}, info, warn() {}, error() {} },
    requestHandler: {
      handle: async () => ({
        response: { statusCode: 200, headers: {}, body: Readable.from([Buffer.from('{"Item":{}}')]) },
      }),
    },
  });
}

/** A DynamoDB document client that answers every call with an empty item, and logs through `info`. */
function documentClientLoggingTo(info: (entry: unknown) => void, drop: boolean) {
  const base = clientLoggingTo(info);
  return DynamoDBDocumentClient.from(drop ? withoutCallLog(base) : base);
}

const hasCallLog = (client: { middlewareStack: { identify(): string[] } }) =>
  client.middlewareStack.identify().some((entry) => entry.startsWith('loggerMiddleware'));

describe('withoutCallLog', () => {
  it('takes the per-call log step out of a client and of the document client made from it', async () => {
    const logged = vi.fn();
    await documentClientLoggingTo(logged, false).send(new GetCommand({ TableName: 't', Key: { k: '1' } }));
    expect(logged).toHaveBeenCalledTimes(1); // the SDK's own behaviour, without the rule

    const notLogged = vi.fn();
    const client = documentClientLoggingTo(notLogged, true);
    const { Item } = await client.send(new GetCommand({ TableName: 't', Key: { k: '1' } }));
    expect(Item).toEqual({});
    expect(notLogged).not.toHaveBeenCalled();
    expect(hasCallLog(client)).toBe(false);
  });

  it('is applied to every client of the local runtime', () => {
    const clients = createClients({ kinesis: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:1' });
    try {
      for (const [name, client] of Object.entries(clients)) expect(hasCallLog(client), name).toBe(false);
    } finally {
      destroyClients(clients);
    }
    expect(hasCallLog(new DynamoDBClient({ region: 'us-east-1' }))).toBe(true);
  });

  it('is applied to every client a Lambda handler makes', () => {
    const folder = new URL('../../lambdas/', import.meta.url);
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(new URL(file, folder), 'utf8');
      const made = source.match(/new \w+Client\(/g) ?? [];
      const wrapped = source.match(/withoutCallLog\(new \w+Client\(/g) ?? [];
      expect(wrapped.length, file).toBe(made.length);
    }
  });
});

describe('CACHED_MIDDLEWARE', () => {
  /** How many times a client resolved the middleware of GetItem in three calls. */
  async function resolutionsInThreeCalls(config: { cacheMiddleware?: boolean }): Promise<number> {
    const resolve = vi.spyOn(GetItemCommand.prototype, 'resolveMiddleware');
    try {
      const client = withoutCallLog(clientLoggingTo(() => {}, config));
      for (let i = 0; i < 3; i++) {
        const { Item } = await client.send(
          new GetItemCommand({ TableName: 't', Key: { k: { S: String(i) } } }),
        );
        expect(Item).toEqual({});
      }
      return resolve.mock.calls.length;
    } finally {
      resolve.mockRestore();
    }
  }

  it('has a client resolve a command’s middleware once, not on every call', async () => {
    expect(await resolutionsInThreeCalls({})).toBe(3); // the SDK's own behaviour, without the rule
    expect(await resolutionsInThreeCalls(CACHED_MIDDLEWARE)).toBe(1);
  });

  it('is given to every low-level client of the local runtime; the document client wraps a client without it', () => {
    const clients = createClients({ kinesis: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:1' });
    try {
      expect(clients.kinesis.config.cacheMiddleware).toBe(true);
      expect(clients.dynamodb.config.cacheMiddleware).toBe(true);
      expect(clients.dynamodbStreams.config.cacheMiddleware).toBe(true);
      expect(clients.documentClient.config.cacheMiddleware).toBeFalsy();
    } finally {
      destroyClients(clients);
    }
    // Why: the document client refuses a client that caches.
    expect(() =>
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', ...CACHED_MIDDLEWARE })),
    ).toThrow(/cacheMiddleware/);
  });

  it('is given to every low-level client a Lambda handler makes, but the one a document client wraps', () => {
    const folder = new URL('../../lambdas/', import.meta.url);
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(new URL(file, folder), 'utf8');
      const made = source.match(/new \w+Client\(/g) ?? [];
      const cached = source.match(/new \w+Client\(CACHED_MIDDLEWARE\)/g) ?? [];
      const wrapped =
        source.match(/DynamoDBDocumentClient\.from\(withoutCallLog\(new DynamoDBClient\(\{\}\)\)/g) ?? [];
      expect(cached.length + wrapped.length, file).toBe(made.length);
    }
  });
});
