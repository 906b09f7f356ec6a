// What AWS runs is what is tested: `npx cdk synth` (the CLI, the local esbuild) bundles the four
// functions; each bundle is then run as Lambda's Node.js runtime runs it, in a process of its own
// (test/support/lambdaRuntime.mjs): the module and export the template's Handler names, the
// environment the template sets, with each reference to a resource mapped to this test's stand-in for
// it, a Lambda-shaped event and context. Ingest, forecast, observer and the dashboard API each do their job
// against DynamoDB Local (and Kinesis records read from kinesalite), one after the other. The stack
// is synthesised with a plant model file of its own (`twin:model`, the flow shop): the forecast
// bundle carries it and forecasts with it.
//
// Node.js here is the machine's, which may be older than the template's Runtime.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  DynamoDBBatchResponse,
  KinesisStreamBatchResponse,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAccuracyItem } from '../../contracts/accuracyItem.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { TWIN_STACK_NAME } from '../../lib/TwinStack.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/clients.ts';
import { readStreamRecords, toDynamoDbStreamEvent } from '../../local/dynamodbStreamEvent.ts';
import { readAllRecords, toKinesisStreamEvent } from '../../local/kinesisEvent.ts';
import { parsePlantModel } from '../../orderflow/index.ts';
import { modelHash } from '../../orderflow/model/modelHash.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { useEmulators } from '../support/emulators.ts';
import { passesFilters } from '../support/eventFilter.ts';
import { lifecycle } from '../support/events.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const runtime = fileURLToPath(new URL('../support/lambdaRuntime.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'twin-bundles-'));
const outDir = join(work, 'cdk.out');
const ACCOUNT = '000000000000';
/** Lambda's task root, where the function's code is unpacked. */
const TASK_ROOT = '/var/task';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** One function as the template deploys it. */
interface DeployedFunction {
  logicalId: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, unknown>;
  /** The folder of its code asset (what Lambda would unpack into /var/task). */
  assetDir: string;
}

// ---------------------------------------------------------------------------------------------------
// Stand-ins for the two AWS services that have no local emulator here. They answer only the one call
// each function makes (Secrets Manager's GetSecretValue for the dashboard token, SQS's SendMessage for
// the ingest's failure queue), for one resource each, and only in this test: they let the bundles run
// with the environment the template gives them. Both speak the AWS JSON protocol the SDK clients use.

interface StandIn {
  url: string;
  token: string;
  secretArn: string;
  queueUrl: string;
  calls: { target: string; service: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

async function startStandIn(secretLogicalId: string, queueName: string): Promise<StandIn> {
  const token = randomBytes(20).toString('hex');
  const calls: StandIn['calls'] = [];
  const answer = (status: number, contentType: string, body: unknown) => ({ status, contentType, body });
  let secretArn = '';
  let queueUrl = '';
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(
        request.headers.authorization ?? '',
      )?.[1];
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      calls.push({ target, service: service ?? '', body });
      const result =
        target === 'secretsmanager.GetSecretValue'
          ? body.SecretId === secretArn
            ? answer(200, 'application/x-amz-json-1.1', {
                ARN: secretArn,
                Name: secretLogicalId,
                SecretString: token,
                VersionId: randomUUID(),
                VersionStages: ['AWSCURRENT'],
                CreatedDate: Date.now() / 1000,
              })
            : answer(400, 'application/x-amz-json-1.1', {
                __type: 'ResourceNotFoundException',
                message: "Secrets Manager can't find the specified secret.",
              })
          : target === 'AmazonSQS.SendMessage'
            ? body.QueueUrl === queueUrl
              ? answer(200, 'application/x-amz-json-1.0', {
                  MessageId: randomUUID(),
                  MD5OfMessageBody: createHash('md5')
                    .update(String(body.MessageBody ?? ''))
                    .digest('hex'),
                })
              : answer(400, 'application/x-amz-json-1.0', {
                  __type: 'com.amazonaws.sqs#QueueDoesNotExist',
                  message: 'The specified queue does not exist.',
                })
            : answer(400, 'application/x-amz-json-1.1', {
                __type: 'UnknownOperationException',
                message: `not answered in this test: ${target}`,
              });
      response.writeHead(result.status, { 'content-type': result.contentType });
      response.end(JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  secretArn = `arn:aws:secretsmanager:${LOCAL_REGION}:${ACCOUNT}:secret:${secretLogicalId}-Ab12Cd`;
  queueUrl = `${url}/${ACCOUNT}/${queueName}`;
  return {
    url,
    token,
    secretArn,
    queueUrl,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------------

/** Runs `npx cdk synth` as a user would (no AWS credentials, no Docker), into `outDir`. */
async function synth(): Promise<void> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')),
  );
  await promisify(execFile)(
    'npx',
    ['cdk', 'synth', '--quiet', '--output', outDir, '-c', `twin:model=${MODEL}`],
    {
      cwd: root,
      env: { ...env, AWS_EC2_METADATA_DISABLED: 'true', CI: 'true' },
      timeout: 150_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

const readJson = (file: string) => JSON.parse(readFileSync(join(outDir, file), 'utf8'));

/** The plant model file the stack is synthesised with (relative to the folder cdk runs in). */
const MODEL = 'examples/models/flow-shop.json';

/** The logical id a `Ref` or `Fn::GetAtt` names (undefined for anything else). */
function referenced(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return v.Ref ?? v['Fn::GetAtt']?.[0];
}

describe('the bundles cdk synth makes, run as Lambda runs them', () => {
  const env = useEmulators('kinesalite');
  let resources: Record<string, Resource>;
  let functions: {
    ingest: DeployedFunction;
    forecast: DeployedFunction;
    observer: DeployedFunction;
    dashboard: DeployedFunction;
  };
  let forecastFilters: string[];
  let standIn: StandIn;

  beforeAll(async () => {
    await synth();
    const manifest = readJson('manifest.json');
    const stack = manifest.artifacts[TWIN_STACK_NAME];
    resources = readJson(stack.properties.templateFile).Resources;
    const assetsFile = Object.values(
      manifest.artifacts as Record<string, { type: string; properties: { file: string } }>,
    ).find((a) => a.type === 'cdk:asset-manifest')!.properties.file;
    const assets = Object.values(
      readJson(assetsFile).files as Record<
        string,
        { source: { path: string; packaging: string }; destinations: Record<string, { objectKey: string }> }
      >,
    );

    /** The function a resource of `type` whose properties satisfy `test` points at. */
    const functionOf = (type: string, property: string, test: (p: Record<string, unknown>) => boolean) => {
      const matches = Object.values(resources).filter((r) => r.Type === type && test(r.Properties));
      expect(matches, `${type} for ${property}`).toHaveLength(1);
      const logicalId = referenced(matches[0]!.Properties[property])!;
      const { Properties: p } = resources[logicalId]!;
      const code = p.Code as { S3Key: string };
      // The asset the template deploys: the one whose upload has the function's S3 key.
      const asset = assets.find((a) =>
        Object.values(a.destinations).some((d) => d.objectKey === code.S3Key),
      )!;
      expect(asset.source.packaging).toBe('zip');
      return {
        logicalId,
        handler: p.Handler as string,
        runtime: p.Runtime as string,
        timeoutSeconds: p.Timeout as number,
        memorySize: p.MemorySize as number,
        environment: (p.Environment as { Variables: Record<string, unknown> }).Variables,
        assetDir: join(outDir, asset.source.path),
      };
    };
    const typeOfRef = (value: unknown, type: string) => resources[referenced(value) ?? '']?.Type === type;
    // Each function by what it does: the one Kinesis feeds, the one the table's stream feeds, the one
    // behind the function URL.
    functions = {
      ingest: functionOf('AWS::Lambda::EventSourceMapping', 'FunctionName', (p) =>
        typeOfRef(p.EventSourceArn, 'AWS::Kinesis::Stream'),
      ),
      // Two read the table's stream: the forecast, through its filter, and the observer, unfiltered.
      forecast: functionOf(
        'AWS::Lambda::EventSourceMapping',
        'FunctionName',
        (p) => typeOfRef(p.EventSourceArn, 'AWS::DynamoDB::Table') && p.FilterCriteria !== undefined,
      ),
      observer: functionOf(
        'AWS::Lambda::EventSourceMapping',
        'FunctionName',
        (p) => typeOfRef(p.EventSourceArn, 'AWS::DynamoDB::Table') && p.FilterCriteria === undefined,
      ),
      dashboard: functionOf('AWS::Lambda::Url', 'TargetFunctionArn', () => true),
    };
    const forecastMapping = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::EventSourceMapping' &&
        typeOfRef(r.Properties.EventSourceArn, 'AWS::DynamoDB::Table') &&
        r.Properties.FilterCriteria !== undefined,
    )!;
    forecastFilters = (
      (forecastMapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] } | undefined)
        ?.Filters ?? []
    ).map((f) => f.Pattern);

    const [secretId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::SecretsManager::Secret')!;
    standIn = await startStandIn(secretId, resourceNames('').failureQueue);
  }, 180_000);

  afterAll(async () => {
    await standIn?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** A template value in this test's world: each reference to a resource mapped to the test's stand-in for it. */
  function localValue(name: string, value: unknown, fn: DeployedFunction): string {
    if (typeof value === 'string') {
      // Lambda unpacks the code asset into /var/task; here it stays in its asset folder.
      return value === TASK_ROOT || value.startsWith(`${TASK_ROOT}/`)
        ? fn.assetDir + value.slice(TASK_ROOT.length)
        : value;
    }
    // Only a Ref: a table's Ref is its name, a queue's its URL, a secret's its ARN.
    const id = (value as { Ref?: string }).Ref;
    const resource = id === undefined ? undefined : resources[id];
    if (resource?.Type === 'AWS::DynamoDB::Table') {
      // A table by its name in the stack: the test's table of the same kind.
      const defaults = resourceNames('');
      const kind = (Object.keys(defaults) as (keyof typeof defaults)[]).find(
        (k) => defaults[k] === resource.Properties.TableName,
      );
      if (kind) return env.names[kind];
    }
    if (
      resource?.Type === 'AWS::SQS::Queue' &&
      resource.Properties.QueueName === resourceNames('').failureQueue
    ) {
      return standIn.queueUrl;
    }
    if (resource?.Type === 'AWS::SecretsManager::Secret') return standIn.secretArn;
    // The alert topic: its ARN only (the forecast keeps its alerts in the table; see lambdas/forecast.ts).
    if (resource?.Type === 'AWS::SNS::Topic') {
      return `arn:aws:sns:${LOCAL_REGION}:${ACCOUNT}:${resource.Properties.TopicName}`;
    }
    // Only records too large for a queue message reach the bucket: none here, and S3's endpoint is
    // the stand-in, which answers nothing but its two calls, so a stray upload fails the test.
    if (resource?.Type === 'AWS::S3::Bucket') return 'failed-records';
    throw new Error(`${fn.logicalId}: no local stand-in for ${name}=${JSON.stringify(value)}`);
  }

  /** Cold-starts `fn`'s bundle in a process of its own and invokes it with each event in turn. */
  async function invoke<R>(fn: DeployedFunction, events: unknown[]): Promise<{ results: R[]; logs: string }> {
    const name = `${TWIN_STACK_NAME}-${fn.logicalId}-${randomBytes(6).toString('hex').toUpperCase()}`;
    const dir = mkdtempSync(join(work, 'invoke-'));
    const input = join(dir, 'invocations.json');
    const output = join(dir, 'results.json');
    writeFileSync(
      input,
      JSON.stringify({
        timeoutSeconds: fn.timeoutSeconds,
        invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${ACCOUNT}:function:${name}`,
        invocations: events.map((event) => ({ requestId: randomUUID(), event })),
      }),
    );
    const templateEnv = Object.fromEntries(
      Object.entries(fn.environment).map(([k, v]) => [k, localValue(k, v, fn)]),
    );
    const childEnv = {
      // What Lambda's Node.js runtime sets (docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html)…
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      _HANDLER: fn.handler,
      LAMBDA_TASK_ROOT: fn.assetDir,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `2026/01/05/[$LATEST]${randomBytes(16).toString('hex')}`,
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: 'local-session',
      // …no shared config or credentials files (Lambda has none)…
      AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
      // …the endpoints of this test's services (the SDK's service-specific endpoint variables)…
      AWS_ENDPOINT_URL_DYNAMODB: env.running.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: standIn.url,
      AWS_ENDPOINT_URL_SQS: standIn.url,
      AWS_ENDPOINT_URL_S3: standIn.url,
      // …and the template's environment, NODE_OPTIONS included.
      ...templateEnv,
    };
    const child = spawn(process.execPath, [runtime, input, output], {
      cwd: fn.assetDir,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout.on('data', (chunk: Buffer) => {
      logs += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      logs += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, logs).toBe(0);
    const result = JSON.parse(readFileSync(output, 'utf8')) as {
      init: { ok: boolean; error?: unknown };
      results: { ok: boolean; value?: R; error?: unknown }[];
    };
    expect(result.init, logs).toEqual({ ok: true });
    for (const r of result.results) expect(r.ok, `${JSON.stringify(r.error)}\n${logs}`).toBe(true);
    return { results: result.results.map((r) => r.value as R), logs };
  }

  it('deploys four ES module bundles whose handler the runtime finds as the template names it', () => {
    for (const fn of Object.values(functions)) {
      expect(fn.handler).toBe('index.handler');
      expect(fn.runtime).toMatch(/^nodejs\d+\.x$/);
      expect(existsSync(join(fn.assetDir, 'index.mjs'))).toBe(true);
      // The runtime would load index.js first: there must be none.
      expect(existsSync(join(fn.assetDir, 'index.js'))).toBe(false);
    }
    expect(new Set(Object.values(functions).map((f) => f.assetDir)).size).toBe(4);
  });

  it('ingest applies a Kinesis batch of order events to order state, and sends the bad record to the failure queue', async () => {
    const orders = [
      lifecycle('order-1'),
      lifecycle('order-2', 4).slice(0, 5),
      lifecycle('order-3', 8).slice(0, 3),
    ];
    const records = [
      ...orders.flat().map((e) => ({ Data: Buffer.from(JSON.stringify(e)), PartitionKey: e.orderId })),
      { Data: Buffer.from('{"type": "OrderAccepted", "orderId": "order-4"'), PartitionKey: 'order-4' },
    ];
    const put = await env.clients.kinesis.send(
      new PutRecordsCommand({ StreamName: env.names.stream, Records: records }),
    );
    expect(put.FailedRecordCount).toBe(0);
    // One batch per shard, as the event source mapping delivers them.
    const events = (await readAllRecords(env.clients.kinesis, env.names.stream))
      .filter((s) => s.records.length > 0)
      .map((s) => toKinesisStreamEvent(s.records, env.provisioned.streamArn, s.shardId));
    const sentBefore = standIn.calls.length;

    const { results, logs } = await invoke<KinesisStreamBatchResponse>(functions.ingest, events);

    expect(results).toEqual(events.map(() => ({ batchItemFailures: [] })));
    const states = new DynamoDbStateStore(env.clients.dynamodb, env.names.orderStateTable);
    expect((await states.get('order-1'))?.status).toBe('delivered');
    expect((await states.get('order-2'))?.status).toBe('in-production');
    expect((await states.get('order-3'))?.status).toBe('awaiting-material');
    expect(await states.get('order-4')).toBeUndefined();
    const sent = standIn.calls.slice(sentBefore);
    expect(
      sent.map((c) => `${c.service} ${c.target}`),
      logs,
    ).toEqual(['sqs AmazonSQS.SendMessage']);
    expect(sent[0]!.body.QueueUrl).toBe(standIn.queueUrl);
    expect(JSON.parse(String(sent[0]!.body.MessageBody))).toMatchObject({ partitionKey: 'order-4' });
  }, 60_000);

  it('forecast forecasts the active orders from the order-state stream and stores the forecast', async () => {
    const streamArn = env.provisioned.orderStateStreamArn;
    const changes = await readStreamRecords(env.clients.dynamodbStreams, streamArn);
    // What the mapping lets through: the template's filter, applied as Lambda applies it.
    const event = toDynamoDbStreamEvent(changes, streamArn);
    event.Records = event.Records.filter((r) => passesFilters(forecastFilters, r));
    expect(forecastFilters.length).toBeGreaterThan(0);
    expect(event.Records.length).toBeGreaterThan(0);
    const before = Date.now();

    const { results } = await invoke<DynamoDBBatchResponse>(functions.forecast, [event]);

    const after = Date.now();
    expect(results).toEqual([{ batchItemFailures: [] }]);
    const stored = await new DynamoDbForecastStore(
      env.clients.documentClient,
      env.names.forecastsTable,
    ).latest();
    expect(stored?.orders.map((o) => o.orderId).sort()).toEqual(['order-2', 'order-3']);
    // The template's clock is the wall clock.
    expect(functions.forecast.environment.FORECAST_CLOCK).toBe('wall');
    // The model is the one the synth was given, bundled as a file where MODEL_FILE points.
    const flowShop = parsePlantModel(JSON.parse(readFileSync(join(root, MODEL), 'utf8')));
    expect(stored!.model).toMatchObject({ name: 'flow-shop', hash: modelHash(flowShop) });
    expect(stored!.model.stations.map((s) => s.id)).toEqual(['saw', 'welder', 'booth']);
    const bundled = localValue('MODEL_FILE', functions.forecast.environment.MODEL_FILE, functions.forecast);
    expect(bundled.startsWith(functions.forecast.assetDir)).toBe(true);
    expect(readFileSync(bundled, 'utf8')).toBe(readFileSync(join(root, MODEL), 'utf8'));
    expect(stored!.asOf).toBeGreaterThanOrEqual(before);
    expect(stored!.asOf).toBeLessThanOrEqual(after);
  }, 60_000);

  it('the observer reads the same stream and keeps the accuracy record, with the data latency of the stored forecast', async () => {
    const streamArn = env.provisioned.orderStateStreamArn;
    const event = toDynamoDbStreamEvent(
      await readStreamRecords(env.clients.dynamodbStreams, streamArn),
      streamArn,
    );

    const { results } = await invoke<DynamoDBBatchResponse>(functions.observer, [event]);

    expect(results).toEqual([{ batchItemFailures: [] }]);
    // The steps finished before any forecast was made: nothing to compare, but the latest forecast's
    // lag behind its latest event is sampled.
    const stored = await readAccuracyItem(env.clients.documentClient, env.names.forecastsTable);
    expect(stored?.record.latency.samples).toHaveLength(1);
    expect(stored?.record.buckets).toEqual([]);
  }, 60_000);

  it('the dashboard API serves the stored forecast to a function URL request with the token from Secrets Manager', async () => {
    const stored = await new DynamoDbForecastStore(
      env.clients.documentClient,
      env.names.forecastsTable,
    ).latest();
    expect(stored).toBeDefined();
    const request = (
      path: string,
      query = '',
      headers: Record<string, string> = {},
      method = 'GET',
      body?: string,
    ): APIGatewayProxyEventV2 => ({
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: query,
      cookies: [],
      headers: {
        host: 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws',
        'user-agent': 'bundles-test',
        'x-forwarded-proto': 'https',
        ...headers,
      },
      ...(query && { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) }),
      requestContext: {
        accountId: 'anonymous',
        apiId: 'abcdefghijklmnopqrstuvwxyz012345',
        domainName: 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws',
        domainPrefix: 'abcdefghijklmnopqrstuvwxyz012345',
        http: {
          method,
          path,
          protocol: 'HTTP/1.1',
          sourceIp: '203.0.113.7',
          userAgent: 'bundles-test',
        },
        requestId: randomUUID(),
        routeKey: '$default',
        stage: '$default',
        time: '05/Jan/2026:08:30:00 +0000',
        timeEpoch: Date.UTC(2026, 0, 5, 8, 30),
      },
      isBase64Encoded: false,
      ...(body !== undefined && { body }),
    });
    const readsBefore = standIn.calls.filter((c) => c.target === 'secretsmanager.GetSecretValue').length;

    const { results, logs } = await invoke<APIGatewayProxyStructuredResultV2>(functions.dashboard, [
      request('/api/forecast'),
      request('/api/forecast', '', { authorization: `Bearer ${standIn.token}` }),
      request('/api/forecast', 'token=wrong'),
      request('/api/forecast', `token=${standIn.token}`),
      request('/'),
      // What-if on the live state the ingest wrote: the bundled model file, a read of the order state.
      request(
        '/api/whatif',
        '',
        { authorization: `Bearer ${standIn.token}`, 'content-type': 'application/json' },
        'POST',
        JSON.stringify({ name: 'nothing', changes: [] }),
      ),
    ]);

    const [none, bearer, wrong, query, page, whatIf] = results;
    expect(whatIf!.statusCode, logs).toBe(200);
    const ranked = JSON.parse(whatIf!.body!) as {
      variants: { name: string; verdict: string }[];
      model: { name: string };
    };
    expect(ranked.variants.map((v) => [v.name, v.verdict]).sort()).toEqual([
      ['baseline', 'baseline'],
      ['nothing', 'same'],
    ]);
    expect(ranked.model.name).toBe(stored!.model.name);
    expect(none!.statusCode).toBe(401);
    expect(bearer!.statusCode, logs).toBe(200);
    expect(JSON.parse(bearer!.body!)).toEqual({ forecast: stored });
    expect(wrong!.statusCode).toBe(401);
    expect(query!.statusCode).toBe(200);
    expect(page!.statusCode).toBe(200);
    expect(page!.headers!['content-type']).toMatch(/^text\/html/);
    // Read once, from the secret the template names, and kept for the next requests.
    const reads = standIn.calls
      .filter((c) => c.target === 'secretsmanager.GetSecretValue')
      .slice(readsBefore);
    expect(reads).toEqual([
      {
        target: 'secretsmanager.GetSecretValue',
        service: 'secretsmanager',
        body: { SecretId: standIn.secretArn },
      },
    ]);
  }, 60_000);
});
