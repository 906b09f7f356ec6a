// Template assertions on the twin's stack (esbuild skipped): event source mappings, encryption, tables,
// alarms, outputs, the functions' defaults and environment, and each function's exact IAM grants.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  FailureQueue as FailureQueueSettings,
  FORECAST_NODE_OPTIONS,
  ForecastsTable,
  OrderEventsStream,
  OrderStateTable,
} from '../../contracts/resources.ts';
import {
  DASHBOARD_PAGE_DIR,
  DASHBOARD_RESERVED_CONCURRENCY,
  DASHBOARD_TOKEN_MAX_AGE_SECONDS,
} from '../../lib/Dashboard.ts';
import {
  BUNDLED_MODEL_NAME,
  bundleModelFile,
  DEMO_MODEL_FILE,
  FORECAST_FILTER_PATTERNS,
  FORECAST_MODEL_FILE,
} from '../../lib/ForecastPipeline.ts';
import { CONTEXT_KEYS, ContextError } from '../../lib/stackContext.ts';
import { LAMBDA_RUNTIME, type TwinFunction } from '../../lib/TwinFunction.ts';
import { type TwinApp, twinApp } from './twinApp.ts';

const aws = twinApp();
const { template, stack } = aws;

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** Every Allow of the policies attached to `fn`'s role, as "action on resource" lines. */
function grantsOf(twin: TwinApp, fn: TwinFunction): string[] {
  const role = twin.logicalId(fn.role.node.defaultChild as CfnElement);
  const policies = Object.values(twin.template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: role })),
  );
  return policies.flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) => {
      expect(s.Effect).toBe('Allow');
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      return actions.flatMap((a) => resources.map((r) => `${a} on ${JSON.stringify(r)}`));
    }),
  );
}

function on(twin: TwinApp, actions: string[], resource: unknown): string[] {
  const resolved = resource === '*' ? '*' : twin.resolve(resource);
  return actions.map((a) => `${a} on ${JSON.stringify(resolved)}`);
}

const fnRef = (twin: TwinApp, fn: TwinFunction) => twin.resolve(fn.function.functionName);

describe('the ingest event source mapping (Kinesis → ingest)', () => {
  it('reads the order events stream from the oldest record, with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: aws.resolve(stack.stream.streamArn),
      FunctionName: fnRef(aws, stack.ingest.handler),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('bisects a failing batch, retries a bounded number of times and drops records older than 6 h to SQS', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: aws.resolve(stack.stream.streamArn),
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: aws.resolve(stack.failures.queue.queueArn) } },
      ParallelizationFactor: Match.absent(),
    });
    // The record age bound is well inside the stream's retention: a failed batch can be re-read.
    expect(6).toBeLessThan(OrderEventsStream.retentionHours);
  });

  it('sets the parallelisation factor only when the context asks for one', () => {
    const parallel = twinApp({ [CONTEXT_KEYS.ingestParallelizationFactor]: '4' });
    parallel.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: parallel.resolve(parallel.stack.stream.streamArn),
      ParallelizationFactor: 4,
    });
  });

  it("sets the forecast mapping's parallelisation factor when the context asks for one, not on LocalStack", () => {
    const parallel = twinApp({ [CONTEXT_KEYS.forecastParallelizationFactor]: '5' });
    parallel.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: parallel.resolve(parallel.stack.orderState.tableStreamArn!),
      FunctionName: parallel.resolve(parallel.stack.forecast.handler.function.functionName),
      ParallelizationFactor: 5,
    });
    for (const context of [
      {},
      { [CONTEXT_KEYS.localstack]: 'true', [CONTEXT_KEYS.forecastParallelizationFactor]: '5' },
    ]) {
      const app = twinApp(context);
      app.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: app.resolve(app.stack.forecast.handler.function.functionName),
        ParallelizationFactor: Match.absent(),
      });
    }
    expect(() => twinApp({ [CONTEXT_KEYS.forecastParallelizationFactor]: '11' })).toThrow(
      /twin:forecast-parallelization-factor/,
    );
  });

  it('on LocalStack leaves out bisect and the parallelisation factor, and keeps everything else', () => {
    const local = twinApp({
      [CONTEXT_KEYS.localstack]: 'true',
      [CONTEXT_KEYS.ingestParallelizationFactor]: '4',
    });
    local.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: local.resolve(local.stack.stream.streamArn),
      BisectBatchOnFunctionError: Match.absent(),
      ParallelizationFactor: Match.absent(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: local.resolve(local.stack.failures.queue.queueArn) } },
    });
  });
});

describe('the forecast event source mapping (order-state stream → forecast)', () => {
  const streamArn = aws.resolve(stack.orderState.tableStreamArn);

  it('reads the order-state table stream, which makes CloudFormation create it after the stream', () => {
    expect(streamArn).toEqual({
      'Fn::GetAtt': [aws.logicalId(stack.orderState.node.defaultChild as CfnElement), 'StreamArn'],
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: streamArn,
      FunctionName: fnRef(aws, stack.forecast.handler),
      StartingPosition: 'TRIM_HORIZON',
    });
  });

  it('coalesces a burst within a 1 s batching window, reports partial failures and sends failures to SQS', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: streamArn,
      MaximumBatchingWindowInSeconds: 1,
      BatchSize: 1000,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: Match.absent(),
      DestinationConfig: { OnFailure: { Destination: aws.resolve(stack.failures.queue.queueArn) } },
    });
  });

  it('takes another batching window from the context', () => {
    const slow = twinApp({ [CONTEXT_KEYS.forecastBatchingWindowSeconds]: '5' });
    slow.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: slow.resolve(slow.stack.orderState.tableStreamArn),
      MaximumBatchingWindowInSeconds: 5,
    });
  });

  it('makes Monte Carlo forecasts, of a model with uncertain times, when the context asks for them', () => {
    const parameters = { productionTime: { dist: 'triangular', min: 480_000, mode: 540_000, max: 780_000 } };
    const uncertain = twinApp({
      [CONTEXT_KEYS.forecastReplications]: '200',
      [CONTEXT_KEYS.forecastModelParameters]: JSON.stringify(parameters),
      [CONTEXT_KEYS.forecastRecommendBudgetMs]: '1500',
    });
    uncertain.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          FORECAST_REPLICATIONS: '200',
          FORECAST_RECOMMEND_BUDGET_MS: '1500',
          MODEL_PARAMETERS: JSON.stringify(parameters),
        }),
      },
    });
  });

  it("sizes the forecast function's memory from the context, and runs one thread per vCPU it buys", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Environment: { Variables: Match.objectLike({ FORECAST_THREADS: '1', FORECAST_CLOCK: 'wall' }) },
    });
    const large = twinApp({ [CONTEXT_KEYS.forecastMemoryMb]: '10240' });
    large.template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 10_240,
      Environment: { Variables: Match.objectLike({ FORECAST_THREADS: '6', FORECAST_CLOCK: 'wall' }) },
    });
    expect(() => twinApp({ [CONTEXT_KEYS.forecastMemoryMb]: '512' })).toThrow(
      /twin:forecast-memory-mb: must be a whole number from 1024 to 10240/,
    );
  });

  it('lets through only changes of orders that are active before or after the change', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: streamArn,
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ dynamodb: { NewImage: { activeShard: { S: [{ exists: true }] } } } }) },
          { Pattern: JSON.stringify({ dynamodb: { OldImage: { activeShard: { S: [{ exists: true }] } } } }) },
        ],
      },
    });
    expect(FORECAST_FILTER_PATTERNS).toHaveLength(2);
  });

  it('creates each mapping only after its function may read the source (the role policy)', () => {
    for (const fn of [stack.ingest.handler, stack.forecast.handler]) {
      const policy = aws.logicalId(fn.role.node.findChild('DefaultPolicy').node.defaultChild as CfnElement);
      const functionId = aws.logicalId(fn.function.node.defaultChild as CfnElement);
      expect(template.toJSON().Resources[functionId].DependsOn).toContain(policy);
    }
  });
});

describe('the observer event source mapping (order-state stream → observer)', () => {
  it('reads the order-state table stream with a mapping of its own, unfiltered, failures to SQS', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (m) =>
        JSON.stringify(m.Properties.EventSourceArn) ===
        JSON.stringify(aws.resolve(stack.orderState.tableStreamArn)),
    );
    // The forecast's and the observer's: each reads every change, at its own pace.
    expect(mappings).toHaveLength(2);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: aws.resolve(stack.orderState.tableStreamArn),
      FunctionName: fnRef(aws, stack.observer.handler),
      StartingPosition: 'TRIM_HORIZON',
      MaximumBatchingWindowInSeconds: 1,
      BatchSize: 1000,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      // Every finished step counts, whether or not the order is still active.
      FilterCriteria: Match.absent(),
      DestinationConfig: { OnFailure: { Destination: aws.resolve(stack.failures.queue.queueArn) } },
    });
  });
});

describe('encryption, tables and queues', () => {
  it('encrypts the order events stream with the AWS managed Kinesis key', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: OrderEventsStream.name,
      ShardCount: OrderEventsStream.shards,
      RetentionPeriodHours: OrderEventsStream.retentionHours,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });

  it('keeps both tables on demand with point-in-time recovery, retained when the stack goes', () => {
    for (const name of [OrderStateTable.name, ForecastsTable.name]) {
      template.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
  });

  it('lets the tables go with the stack when twin:retain-data is false', () => {
    const disposable = twinApp({ [CONTEXT_KEYS.retainData]: 'false' });
    disposable.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ TableName: OrderStateTable.name }),
      DeletionPolicy: 'Delete',
    });
  });

  it('gives order-state its stream of new and old images and the active-orders index', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: OrderStateTable.name,
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: OrderStateTable.activeIndex.name,
          KeySchema: [
            { AttributeName: OrderStateTable.activeIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: OrderStateTable.activeIndex.sortKey, KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });

  it('expires forecast history through the time to live on expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: ForecastsTable.name,
      TimeToLiveSpecification: { AttributeName: ForecastsTable.ttlAttribute, Enabled: true },
    });
  });

  it('encrypts the failure queue and its dead-letter queue, and refuses plain HTTP on both', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(2);
    for (const queue of Object.values(queues)) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      // Both take the largest message the ingest sends (SQS's limit, 1 MiB).
      expect(queue.Properties.MaximumMessageSize).toBe(1_048_576);
    }
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'order-events-failures',
      RedrivePolicy: {
        deadLetterTargetArn: aws.resolve(stack.failures.deadLetterQueue.queueArn),
        maxReceiveCount: 5,
      },
    });
    for (const queue of [stack.failures.queue, stack.failures.deadLetterQueue]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [aws.resolve(queue.queueUrl)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('keeps oversized failed records in a private, encrypted, TLS-only bucket that forgets them after 14 days', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toEqual([
      aws.logicalId(stack.failures.dataBucket.node.defaultChild as CfnElement),
    ]);
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: [{ Id: 'ExpireWithTheFailureMessages', Status: 'Enabled', ExpirationInDays: 14 }],
        },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: aws.resolve(stack.failures.dataBucket.bucketName),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    // The objects live as long as the messages that point to them.
    expect(FailureQueueSettings.retentionDays).toBe(14);
  });

  it('lets the failed-records bucket go with the stack when twin:retain-data is false', () => {
    const disposable = twinApp({ [CONTEXT_KEYS.retainData]: 'false' });
    disposable.template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });

  it('prefixes every resource name with twin:name-prefix', () => {
    const prefixed = twinApp({ [CONTEXT_KEYS.namePrefix]: 'test-' });
    prefixed.template.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'test-order-events' });
    prefixed.template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'test-order-state' });
    prefixed.template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'test-forecasts' });
    prefixed.template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'test-order-events-failures' });
  });
});

describe('alarms', () => {
  const alarmOn = (metricName: string, namespace: string, dimension: { Name: string; Value: unknown }) =>
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricName,
      Namespace: namespace,
      Dimensions: [dimension],
    });

  it('watches the iterator age of both mappings', () => {
    for (const fn of [stack.ingest.handler, stack.forecast.handler, stack.observer.handler]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'IteratorAge',
        Namespace: 'AWS/Lambda',
        Statistic: 'Maximum',
        Threshold: 60_000,
        Dimensions: [{ Name: 'FunctionName', Value: fnRef(aws, fn) }],
      });
    }
  });

  it('watches the failure queue depth', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: aws.resolve(stack.failures.queue.queueName) }],
    });
  });

  it('watches the errors of every function', () => {
    for (const fn of [
      stack.ingest.handler,
      stack.forecast.handler,
      stack.observer.handler,
      stack.dashboard.handler,
      stack.recalibration.handler,
    ]) {
      alarmOn('Errors', 'AWS/Lambda', { Name: 'FunctionName', Value: fnRef(aws, fn) });
    }
    template.resourceCountIs('AWS::CloudWatch::Alarm', 9);
  });
});

describe('the functions', () => {
  const functions = {
    ingest: stack.ingest.handler,
    forecast: stack.forecast.handler,
    observer: stack.observer.handler,
    dashboard: stack.dashboard.handler,
    calibrate: stack.recalibration.handler,
  };

  it('run on the newest Node.js runtime that aws-cdk-lib knows, on ARM64, traced, with source maps', () => {
    const majors = Object.values(Runtime)
      .filter((r): r is Runtime => r instanceof Runtime)
      .map((r) => /^nodejs(\d+)\.x$/.exec(r.name)?.[1])
      .filter((m) => m !== undefined)
      .map(Number);
    expect(LAMBDA_RUNTIME.name).toBe(`nodejs${Math.max(...majors)}.x`);
    for (const fn of Object.values(functions)) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        Handler: 'index.handler',
        Runtime: LAMBDA_RUNTIME.name,
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: aws.resolve(fn.logGroup.logGroupName) },
        Environment: {
          Variables: Match.objectLike({
            NODE_OPTIONS:
              fn === stack.forecast.handler
                ? `--enable-source-maps ${FORECAST_NODE_OPTIONS}`
                : '--enable-source-maps',
          }),
        },
        Role: aws.resolve(fn.role.roleArn),
      });
    }
    template.resourceCountIs('AWS::Lambda::Function', 5);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('set only environment variables that their handler reads', () => {
    const sources = Object.fromEntries(
      Object.entries({
        ingest: 'ingest',
        forecast: 'forecast',
        observer: 'observer',
        dashboard: 'dashboard-api',
        calibrate: 'calibrate',
      }).map(([k, file]) => [k, readFileSync(new URL(`../../lambdas/${file}.ts`, import.meta.url), 'utf8')]),
    );
    // A handler that makes its alert sink with lambdas/alerts.ts reads what that file reads.
    const alertsSource = readFileSync(new URL('../../lambdas/alerts.ts', import.meta.url), 'utf8');
    for (const [k, source] of Object.entries(sources)) {
      if (source.includes("from './alerts.ts'")) sources[k] = `${source}\n${alertsSource}`;
    }
    const expected = {
      ingest: ['FAILURE_BUCKET', 'FAILURE_QUEUE_URL', 'NODE_OPTIONS', 'ORDER_STATE_TABLE'],
      forecast: [
        'ALERT_TOPIC_ARN',
        'FORECASTS_TABLE',
        'FORECAST_CLOCK',
        'FORECAST_THREADS',
        'MODEL_FILE',
        'NODE_OPTIONS',
        'ORDER_STATE_TABLE',
      ],
      observer: ['ALERT_TOPIC_ARN', 'FORECASTS_TABLE', 'MODEL_FILE', 'NODE_OPTIONS'],
      dashboard: [
        'DASHBOARD_PAGE_DIR',
        'DASHBOARD_TOKEN_MAX_AGE',
        'DASHBOARD_TOKEN_SECRET',
        'FORECASTS_TABLE',
        'FORECAST_CLOCK',
        'MODEL_FILE',
        'NODE_OPTIONS',
        'ORDER_STATE_TABLE',
      ],
      calibrate: ['ALERT_TOPIC_ARN', 'FORECASTS_TABLE', 'MODEL_FILE', 'NODE_OPTIONS'],
    };
    for (const [name, fn] of Object.entries(functions)) {
      const id = aws.logicalId(fn.function.node.defaultChild as CfnElement);
      const variables = Object.keys(template.toJSON().Resources[id].Properties.Environment.Variables).sort();
      expect(variables, name).toEqual(expected[name as keyof typeof expected]);
      for (const variable of variables.filter((v) => v !== 'NODE_OPTIONS')) {
        expect(sources[name], `${name} reads ${variable}`).toMatch(
          new RegExp(`process\\.env\\.${variable}\\b|'${variable}'`),
        );
      }
    }
  });

  it('hand the table and queue names to the functions by reference', () => {
    const variables = (fn: TwinFunction) =>
      template.toJSON().Resources[aws.logicalId(fn.function.node.defaultChild as CfnElement)].Properties
        .Environment.Variables;
    expect(variables(stack.ingest.handler)).toMatchObject({
      ORDER_STATE_TABLE: aws.resolve(stack.orderState.tableName),
      FAILURE_QUEUE_URL: aws.resolve(stack.failures.queue.queueUrl),
      FAILURE_BUCKET: aws.resolve(stack.failures.dataBucket.bucketName),
    });
    expect(variables(stack.forecast.handler)).toMatchObject({
      ORDER_STATE_TABLE: aws.resolve(stack.orderState.tableName),
      FORECASTS_TABLE: aws.resolve(stack.forecasts.tableName),
      ALERT_TOPIC_ARN: aws.resolve(stack.alerts.topic.topicArn),
    });
    expect(variables(stack.dashboard.handler)).toMatchObject({
      FORECASTS_TABLE: aws.resolve(stack.forecasts.tableName),
      ORDER_STATE_TABLE: aws.resolve(stack.orderState.tableName),
      DASHBOARD_PAGE_DIR,
      DASHBOARD_TOKEN_SECRET: aws.resolve(stack.dashboard.token.secretArn),
    });
  });
});

describe('the forecast clock', () => {
  const forecastVariables = (twin: TwinApp) =>
    twin.template.toJSON().Resources[
      twin.logicalId(twin.stack.forecast.handler.function.node.defaultChild as CfnElement)
    ].Properties.Environment.Variables;

  it('takes "now" from the wall clock by default', () => {
    expect(forecastVariables(aws).FORECAST_CLOCK).toBe('wall');
  });

  it('takes "now" from the latest event when twin:forecast-clock says so (a sped-up plant)', () => {
    const sped = twinApp({ [CONTEXT_KEYS.forecastClock]: 'latest-event' });
    expect(forecastVariables(sped).FORECAST_CLOCK).toBe('latest-event');
    // The forecast Lambda knows exactly this value.
    const source = readFileSync(new URL('../../lambdas/forecast.ts', import.meta.url), 'utf8');
    expect(source).toContain("process.env.FORECAST_CLOCK === 'latest-event'");
  });

  it('lets the ingest refuse events far ahead of the wall clock only while the plant runs on it', () => {
    const ingestVariables = (twin: TwinApp) =>
      twin.template.toJSON().Resources[
        twin.logicalId(twin.stack.ingest.handler.function.node.defaultChild as CfnElement)
      ].Properties.Environment.Variables;
    const sped = twinApp({ [CONTEXT_KEYS.forecastClock]: 'latest-event' });

    expect(ingestVariables(aws).INGEST_MAX_FUTURE_MINUTES).toBeUndefined();
    expect(ingestVariables(sped).INGEST_MAX_FUTURE_MINUTES).toBe('none');
  });
});

describe('the forecast model', () => {
  const forecastVariables = (twin: TwinApp) =>
    twin.template.toJSON().Resources[
      twin.logicalId(twin.stack.forecast.handler.function.node.defaultChild as CfnElement)
    ].Properties.Environment.Variables;
  const flowShopFile = 'examples/models/flow-shop.json';

  it('bundles the demo plant by default, and the file twin:model names otherwise, where MODEL_FILE points', () => {
    const flowShop = twinApp({ [CONTEXT_KEYS.model]: flowShopFile });

    expect(aws.stack.forecast.modelFile).toBe(DEMO_MODEL_FILE);
    expect(flowShop.stack.forecast.modelFile).toBe(resolve(flowShopFile));
    for (const twin of [aws, flowShop]) {
      expect(forecastVariables(twin).MODEL_FILE).toBe(FORECAST_MODEL_FILE);
      expect(forecastVariables(twin).MODEL_FILE).toBe(`/var/task/${BUNDLED_MODEL_NAME}`);
    }
    // The file goes with the code, not into the environment (Lambda's limit: 4 KB).
    expect(JSON.stringify(forecastVariables(flowShop))).not.toContain('welder');
  });

  it('copies the model file into the bundle after esbuild, as the local bundling runs it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-model-hook-'));
    const file = join(dir, "it's a model.json");
    writeFileSync(file, readFileSync(flowShopFile));
    const out = join(dir, 'asset');
    execFileSync('mkdir', [out]);

    const commands = bundleModelFile(file).afterBundling(join(dir, 'in'), out);
    for (const command of commands) execFileSync('sh', ['-c', command]);

    expect(readFileSync(join(out, BUNDLED_MODEL_NAME), 'utf8')).toBe(readFileSync(flowShopFile, 'utf8'));
  });

  it('checks MODEL_PARAMETERS against the model that twin:model names', () => {
    const slowWelds = twinApp({
      [CONTEXT_KEYS.model]: flowShopFile,
      [CONTEXT_KEYS.forecastModelParameters]: '{"weldTime": 12}',
    });

    expect(forecastVariables(slowWelds).MODEL_PARAMETERS).toBe('{"weldTime":12}');
    expect(() =>
      twinApp({
        [CONTEXT_KEYS.model]: flowShopFile,
        [CONTEXT_KEYS.forecastModelParameters]: '{"productionTime": 1}',
      }),
    ).toThrow(
      /^context twin:forecast-model-parameters: model "flow-shop" has no parameter "productionTime"$/,
    );
  });

  it('stops the synth at a model file that does not load, naming the key, the file and the JSON path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-bad-model-'));
    const bad = join(dir, 'bad.json');
    const model = JSON.parse(readFileSync(flowShopFile, 'utf8'));
    model.stations[1].capacity = 0;
    writeFileSync(bad, JSON.stringify(model));
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"name": ');

    expect(() => twinApp({ [CONTEXT_KEYS.model]: bad })).toThrow(ContextError);
    expect(() => twinApp({ [CONTEXT_KEYS.model]: bad })).toThrow(
      `context twin:model: ${bad}: model.stations[1].capacity: Too small: expected number to be >=1`,
    );
    expect(() => twinApp({ [CONTEXT_KEYS.model]: join(dir, 'missing.json') })).toThrow(
      `context twin:model: ${join(dir, 'missing.json')}: cannot read: no such file`,
    );
    expect(() => twinApp({ [CONTEXT_KEYS.model]: notJson })).toThrow(
      new RegExp(`^context twin:model: ${notJson.replaceAll('.', '\\.')}: not valid JSON`),
    );
    expect(() => twinApp({ [CONTEXT_KEYS.model]: 'sim-core/models/casymda-benchmark.json' })).toThrow(
      /^context twin:model: sim-core\/models\/casymda-benchmark\.json: model: a block model/,
    );
    expect(() => twinApp({ [CONTEXT_KEYS.model]: true })).toThrow(
      'context twin:model: must be the path of a plant model file, got true',
    );
  });
});

describe('least-privilege IAM', () => {
  const basics = (fn: TwinFunction) => [
    ...on(aws, ['logs:CreateLogStream', 'logs:PutLogEvents'], fn.logGroup.logGroupArn),
    ...on(aws, ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*'),
  ];
  const sendToFailureQueue = on(
    aws,
    ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
    stack.failures.queue.queueArn,
  );

  it('lets the ingest write order state, send failures, put oversized ones in S3, and read the stream: nothing else', () => {
    const fn = stack.ingest.handler;
    expect(grantsOf(aws, fn).sort()).toEqual(
      [
        ...basics(fn),
        ...on(aws, ['dynamodb:PutItem', 'dynamodb:UpdateItem'], stack.orderState.tableArn),
        ...sendToFailureQueue,
        ...on(aws, ['s3:PutObject'], stack.failures.dataBucket.arnForObjects('*')),
        ...on(
          aws,
          [
            'kinesis:DescribeStream',
            'kinesis:DescribeStreamConsumer',
            'kinesis:DescribeStreamSummary',
            'kinesis:GetRecords',
            'kinesis:GetShardIterator',
            'kinesis:ListShards',
            'kinesis:ListStreams',
            'kinesis:SubscribeToShard',
          ],
          stack.stream.streamArn,
        ),
      ].sort(),
    );
  });

  it('lets the forecast query the active-orders index, put forecasts and alerts, get the latest calibration, publish alerts and read the table stream: nothing else', () => {
    const fn = stack.forecast.handler;
    expect(grantsOf(aws, fn).sort()).toEqual(
      [
        ...basics(fn),
        ...on(
          aws,
          ['dynamodb:Query'],
          `${stack.orderState.tableArn}/index/${OrderStateTable.activeIndex.name}`,
        ),
        // Forecasts (PutItem), the latest calibration and the lateness alerts' state (GetItem, PutItem),
        // recent alerts (BatchWriteItem).
        ...on(
          aws,
          ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:BatchWriteItem'],
          stack.forecasts.tableArn,
        ),
        ...on(aws, ['sns:Publish'], stack.alerts.topic.topicArn),
        ...on(aws, ['kms:Decrypt', 'kms:GenerateDataKey'], stack.alerts.key.keyArn),
        ...sendToFailureQueue,
        ...on(aws, ['dynamodb:ListStreams'], '*'),
        ...on(
          aws,
          ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          stack.orderState.tableStreamArn,
        ),
      ].sort(),
    );
  });

  it('lets the observer read forecast history, replace its record, keep samples and calibrations, publish alerts and read the table stream: nothing else', () => {
    const fn = stack.observer.handler;
    expect(grantsOf(aws, fn).sort()).toEqual(
      [
        ...basics(fn),
        ...on(
          aws,
          ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
          stack.forecasts.tableArn,
        ),
        ...on(aws, ['sns:Publish'], stack.alerts.topic.topicArn),
        ...on(aws, ['kms:Decrypt', 'kms:GenerateDataKey'], stack.alerts.key.keyArn),
        ...sendToFailureQueue,
        ...on(aws, ['dynamodb:ListStreams'], '*'),
        ...on(
          aws,
          ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          stack.orderState.tableStreamArn,
        ),
      ].sort(),
    );
  });

  it('lets the dashboard read forecasts, the active orders for what-if, and its token secret: nothing else', () => {
    const fn = stack.dashboard.handler;
    expect(grantsOf(aws, fn).sort()).toEqual(
      [
        ...basics(fn),
        ...on(aws, ['dynamodb:GetItem', 'dynamodb:Query'], stack.forecasts.tableArn),
        // What-if reads the live work in process as the forecast does: a Query of the active-orders
        // index; nothing on the order-state table itself, no write, no stream.
        ...on(
          aws,
          ['dynamodb:Query'],
          `${stack.orderState.tableArn}/index/${OrderStateTable.activeIndex.name}`,
        ),
        ...on(
          aws,
          ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          stack.dashboard.token.secretArn,
        ),
      ].sort(),
    );
  });

  it('grants no wildcard action, and Resource * only for actions that take no resource', () => {
    const resourceless = new Set([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'dynamodb:ListStreams',
    ]);
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const s of policy.Properties.PolicyDocument.Statement as Statement[]) {
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        for (const action of actions) expect(action).not.toContain('*');
        if (JSON.stringify(s.Resource).includes('"*"')) {
          for (const action of actions) expect(resourceless, action).toContain(action);
        }
      }
    }
    // No AWS managed policy on any role (cdk-nag IAM4), and no inline policy besides the grants.
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
    }
  });
});

describe('the dashboard', () => {
  it('is a public function URL whose handler demands the generated token', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: aws.resolve(stack.dashboard.handler.function.functionArn),
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 40, ExcludePunctuation: true, IncludeSpace: false },
    });
  });

  it('reads its token from Secrets Manager at run time: no function configuration holds it', () => {
    const dashboard = aws.logicalId(stack.dashboard.handler.function.node.defaultChild as CfnElement);
    const variables = template.toJSON().Resources[dashboard].Properties.Environment.Variables;
    expect(variables.DASHBOARD_TOKEN).toBeUndefined();
    expect(variables.DASHBOARD_TOKEN_MAX_AGE).toBe(String(DASHBOARD_TOKEN_MAX_AGE_SECONDS));
    expect(DASHBOARD_TOKEN_MAX_AGE_SECONDS).toBeLessThanOrEqual(300);
    // Neither the value nor a dynamic reference that CloudFormation would resolve into it.
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(JSON.stringify(fn.Properties)).not.toContain('{{resolve:secretsmanager');
    }
    expect(JSON.stringify(template.toJSON())).not.toContain('{{resolve:');
  });

  it('reserves 10 concurrent executions, so a flood of requests cannot starve the pipeline', () => {
    expect(DASHBOARD_RESERVED_CONCURRENCY).toBe(10);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: aws.resolve(stack.dashboard.handler.role.roleArn),
      ReservedConcurrentExecutions: DASHBOARD_RESERVED_CONCURRENCY,
    });
    // The pipeline's functions share the account's pool, and are never capped by a reservation.
    for (const fn of [stack.ingest.handler, stack.forecast.handler]) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: aws.resolve(fn.role.roleArn),
        ReservedConcurrentExecutions: Match.absent(),
      });
    }
  });

  it('takes another reservation, or none, from twin:dashboard-reserved-concurrency', () => {
    const wider = twinApp({ [CONTEXT_KEYS.dashboardReservedConcurrency]: '50' });
    wider.template.hasResourceProperties('AWS::Lambda::Function', {
      Role: wider.resolve(wider.stack.dashboard.handler.role.roleArn),
      ReservedConcurrentExecutions: 50,
    });
    // For accounts whose concurrency limit leaves nothing to reserve.
    const unreserved = twinApp({ [CONTEXT_KEYS.dashboardReservedConcurrency]: 'none' });
    unreserved.template.hasResourceProperties('AWS::Lambda::Function', {
      Role: unreserved.resolve(unreserved.stack.dashboard.handler.role.roleArn),
      ReservedConcurrentExecutions: Match.absent(),
    });
  });
});

describe('the alert topic', () => {
  it('is encrypted with a key of its own, rotated yearly, and refuses publishers without TLS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'twin-alerts',
      KmsMasterKeyId: aws.resolve(stack.alerts.key.keyArn),
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [aws.resolve(stack.alerts.topic.topicArn)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('has no subscription unless twin:alert-email names an address, then an e-mail one', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const subscribed = twinApp({ [CONTEXT_KEYS.alertEmail]: 'planner@example.com' });

    subscribed.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'planner@example.com',
      TopicArn: subscribed.resolve(subscribed.stack.alerts.topic.topicArn),
    });
    expect(() => twinApp({ [CONTEXT_KEYS.alertEmail]: 'planner at example' })).toThrow(
      'context twin:alert-email: must be an e-mail address, got "planner at example"',
    );
  });

  it('is named in the outputs, to subscribe to', () => {
    template.hasOutput('AlertTopicArn', { Value: aws.resolve(stack.alerts.topic.topicArn) });
  });
});

describe('outputs', () => {
  it('name the stream, the dashboard URL and how to get the dashboard token', () => {
    template.hasOutput('StreamName', { Value: aws.resolve(stack.stream.streamName) });
    template.hasOutput('DashboardUrl', { Value: aws.resolve(stack.dashboard.url.url) });
    template.hasOutput('DashboardTokenCommand', {
      Value: {
        'Fn::Join': [
          '',
          [
            'aws secretsmanager get-secret-value --secret-id ',
            aws.resolve(stack.dashboard.token.secretArn),
            ' --query SecretString --output text',
          ],
        ],
      },
    });
    template.hasOutput('FailureQueueUrl', { Value: aws.resolve(stack.failures.queue.queueUrl) });
  });
});

describe('context', () => {
  it('rejects a malformed value with the key in the message', () => {
    expect(() => twinApp({ [CONTEXT_KEYS.localstack]: 'yes' })).toThrow(ContextError);
    expect(() => twinApp({ [CONTEXT_KEYS.ingestParallelizationFactor]: '11' })).toThrow(
      /twin:ingest-parallelization-factor/,
    );
    expect(() => twinApp({ [CONTEXT_KEYS.namePrefix]: 'a b' })).toThrow(/twin:name-prefix/);
    expect(() => twinApp({ [CONTEXT_KEYS.forecastRecommendBudgetMs]: '-1' })).toThrow(
      /twin:forecast-recommend-budget-ms/,
    );
    expect(() => twinApp({ [CONTEXT_KEYS.forecastReplications]: '0' })).toThrow(
      /twin:forecast-replications: must be a whole number from 1 to 10000/,
    );
    expect(() => twinApp({ [CONTEXT_KEYS.forecastModelParameters]: '{"lines": ' })).toThrow(
      /twin:forecast-model-parameters: not JSON: \{"lines": $/,
    );
    expect(() => twinApp({ [CONTEXT_KEYS.forecastModelParameters]: [1, 2] })).toThrow(
      /twin:forecast-model-parameters: must be a JSON object of parameters, got \[1,2\]$/,
    );
    // Checked as the forecast will use them: a parameter the model lacks, a malformed distribution.
    expect(() => twinApp({ [CONTEXT_KEYS.forecastModelParameters]: '{"speed": 2}' })).toThrow(
      /twin:forecast-model-parameters: model "order-flow" has no parameter "speed"/,
    );
    expect(() =>
      twinApp({ [CONTEXT_KEYS.forecastModelParameters]: { productionTime: { dist: 'uniform', min: 1 } } }),
    ).toThrow(/twin:forecast-model-parameters: parameter "productionTime" must be a number >= 0/);
    expect(() => twinApp({ [CONTEXT_KEYS.forecastClock]: 'latest' })).toThrow(
      /twin:forecast-clock: must be one of wall, latest-event, got "latest"/,
    );
    expect(() => twinApp({ [CONTEXT_KEYS.dashboardReservedConcurrency]: '1001' })).toThrow(
      /twin:dashboard-reserved-concurrency: must be a whole number from 1 to 1000, or none, got "1001"/,
    );
    expect(() => twinApp({ [CONTEXT_KEYS.dashboardReservedConcurrency]: 'lots' })).toThrow(
      /twin:dashboard-reserved-concurrency: must be a whole number from 1 to 1000, or none/,
    );
    // Lambda's 0 throttles every request: refused, with the way to ask for no reservation.
    expect(() => twinApp({ [CONTEXT_KEYS.dashboardReservedConcurrency]: 0 })).toThrow(
      /twin:dashboard-reserved-concurrency: must not be 0, .*use none/,
    );
  });
});
