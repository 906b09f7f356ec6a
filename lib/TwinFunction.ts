// One Lambda function of the twin, with the defaults fixed once: newest Node.js runtime, ARM64,
// esbuild bundling (local esbuild, never Docker) with source maps, a log group with retention,
// X-Ray tracing, and an execution role with nothing but its logs, tracing, its event source and what
// `useTable`/`useQueue` grant.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable, type IPrincipal, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The repository's root: entries, package-lock.json and tsconfig.json are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The newest Node.js runtime this aws-cdk-lib knows (cdk-nag's AwsSolutions-L1 flags older ones). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/** DynamoDB data-plane actions a function may be granted on a table (never a wildcard). */
export type TableAction =
  | 'GetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  | 'BatchGetItem'
  | 'BatchWriteItem';

/** What a function may do on a table and on its indexes. */
export interface TableGrants {
  table?: readonly TableAction[];
  /** Index name → actions on that index. */
  indexes?: Readonly<Record<string, readonly TableAction[]>>;
}

export interface TwinFunctionProps {
  /** The handler file relative to the repository root, e.g. `lambdas/ingest.ts`; it exports `handler`. */
  entry: string;
  description: string;
  timeout: Duration;
  memorySize: number;
  /** Environment besides the table and queue names that `useTable`/`useQueue` set. */
  environment?: Record<string, string>;
  /** Node.js options besides source maps (NODE_OPTIONS), e.g. V8 heap settings. */
  nodeOptions?: string[];
  /** Extra steps around esbuild (e.g. building the dashboard page into the bundle). */
  commandHooks?: ICommandHooks;
  /** How long the function's logs are kept (default one month). */
  logRetention?: RetentionDays;
  /** Concurrent executions set aside for this function, and its ceiling (default: none, the account's pool). */
  reservedConcurrency?: number | undefined;
}

/** Where Lambda unpacks a function's code (LAMBDA_TASK_ROOT): files bundled with it are found from here. */
export const LAMBDA_TASK_ROOT = '/var/task';

/** Shell-quotes `value` for POSIX sh (the shell that runs local bundling's command hooks). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

// The bundle is ESM (as the sources are); some bundled CommonJS dependencies still call require().
const ESM_REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** A Lambda function of the twin (see the file comment for what it fixes). */
export class TwinFunction extends Construct implements IGrantable {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: TwinFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of the AWS managed AWSLambdaBasicExecutionRole: it may write to its
    // own log group only (cdk-nag AwsSolutions-IAM4).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of: ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ...(props.reservedConcurrency !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrency,
      }),
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      environment: {
        // Stack traces in the logs point at the TypeScript sources.
        NODE_OPTIONS: ['--enable-source-maps', ...(props.nodeOptions ?? [])].join(' '),
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_SHIM,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too: the versions the tests ran with, not whatever the runtime ships.
        externalModules: [],
        forceDockerBundling: false,
        ...(props.commandHooks && { commandHooks: props.commandHooks }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, ' +
        "so IAM takes only Resource '*' for them. Data actions are granted on named ARNs only (checked by test/cdk).",
    });
  }

  get grantPrincipal(): IPrincipal {
    return this.role;
  }

  /**
   * Gives the function a table: its name in `envName`, and exactly the listed actions, on the table
   * itself and on the named indexes (an index's Query needs no right on the table).
   */
  useTable(envName: string, table: ITable, grants: TableGrants): void {
    this.function.addEnvironment(envName, table.tableName);
    const targets = [
      ...(grants.table ? [{ arn: table.tableArn, actions: grants.table }] : []),
      ...Object.entries(grants.indexes ?? {}).map(([index, actions]) => ({
        arn: `${table.tableArn}/index/${index}`,
        actions,
      })),
    ];
    for (const { arn, actions } of targets) {
      Grant.addToPrincipal({
        grantee: this.role,
        actions: actions.map((action) => `dynamodb:${action}`),
        resourceArns: [arn],
      });
    }
  }

  /** Gives the function a queue to send to: its URL in `envName`, and the right to send messages. */
  /**
   * For a function that reads a DynamoDB table's stream through an event source: cdk-nag's finding
   * on its dynamodb:ListStreams grant is acknowledged, as IAM grants that action on '*' only.
   */
  acknowledgeStreamListing(): void {
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "The DynamoDB event source needs dynamodb:ListStreams, which IAM grants on Resource '*' only; reading " +
        'the stream (DescribeStream, GetShardIterator, GetRecords) is granted on the table stream ARN.',
    });
  }

  useQueue(envName: string, queue: IQueue): void {
    this.function.addEnvironment(envName, queue.queueUrl);
    queue.grantSendMessages(this.role);
  }

  /**
   * An alarm in `scope` (construct id `ErrorsAlarm`) when the function fails at all within five
   * minutes: a failed batch is retried, then lands in the failure queue.
   */
  errorsAlarm(scope: Construct, description: string): Alarm {
    return new Alarm(scope, 'ErrorsAlarm', {
      alarmDescription: description,
      metric: this.function.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * An alarm in `scope` (construct id `IteratorAgeAlarm`) when the function's stream falls behind:
   * the oldest record read is older than `thresholdMs` in three of five minutes.
   */
  iteratorAgeAlarm(scope: Construct, description: string, thresholdMs: number): Alarm {
    return new Alarm(scope, 'IteratorAgeAlarm', {
      alarmDescription: description,
      metric: this.function.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: thresholdMs,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
