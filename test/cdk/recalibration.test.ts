// The stack's recalibration: the calibrate function on an EventBridge schedule (daily by default,
// another from twin:calibrate-schedule, none with off), with the model the forecast runs and the
// least grants: read the samples, write calibrations.
import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FORECAST_MODEL_FILE } from '../../lib/ForecastPipeline.ts';
import { DEFAULT_CALIBRATE_SCHEDULE } from '../../lib/Recalibration.ts';
import { CONTEXT_KEYS, ContextError } from '../../lib/stackContext.ts';
import type { TwinFunction } from '../../lib/TwinFunction.ts';
import { type TwinApp, twinApp } from './twinApp.ts';

const aws = twinApp();
const { template, stack } = aws;
const calibrate = stack.recalibration.handler;

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** Every Allow of the policies attached to `fn`'s role, as "action on resource" lines. */
function grantsOf(twin: TwinApp, fn: TwinFunction): string[] {
  const role = twin.logicalId(fn.role.node.defaultChild as CfnElement);
  return Object.values(twin.template.findResources('AWS::IAM::Policy'))
    .filter((p) =>
      (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: role })),
    )
    .flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) => {
        expect(s.Effect).toBe('Allow');
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
        return actions.flatMap((a) => resources.map((r) => `${a} on ${JSON.stringify(r)}`));
      }),
    );
}

const on = (twin: TwinApp, actions: string[], resource: unknown) =>
  actions.map((a) => `${a} on ${JSON.stringify(resource === '*' ? '*' : twin.resolve(resource))}`);

describe('recalibration on schedule', () => {
  it('invokes the calibrate function daily by default, retrying a failed invocation twice', () => {
    expect(DEFAULT_CALIBRATE_SCHEDULE).toBe('rate(1 day)');
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: aws.resolve(calibrate.function.functionArn),
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: aws.resolve(calibrate.function.functionArn),
    });
  });

  it('takes another schedule from twin:calibrate-schedule, and none with off', () => {
    const sixHourly = twinApp({ [CONTEXT_KEYS.calibrateSchedule]: 'rate(6 hours)' });
    sixHourly.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)' });
    const nightly = twinApp({ [CONTEXT_KEYS.calibrateSchedule]: 'cron(0 2 * * ? *)' });
    nightly.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 2 * * ? *)' });

    const off = twinApp({ [CONTEXT_KEYS.calibrateSchedule]: 'off' });
    off.template.resourceCountIs('AWS::Events::Rule', 0);
    // The function stays: a drift alert may still invoke it.
    expect(off.stack.recalibration.handler).toBeDefined();
  });

  it('refuses a malformed schedule at synth, naming the key and what it takes', () => {
    for (const bad of ['daily', 'rate(1 days)', 'rate(2 day)', 'rate(0 hours)', 'cron(0 2 * *)', 7]) {
      expect(() => twinApp({ [CONTEXT_KEYS.calibrateSchedule]: bad }), String(bad)).toThrow(ContextError);
    }
    expect(() => twinApp({ [CONTEXT_KEYS.calibrateSchedule]: 'weekly' })).toThrow(
      /twin:calibrate-schedule: must be off, rate\(1 day\), .* got "weekly"/,
    );
  });

  it('bundles the model file the forecast runs, where MODEL_FILE points', () => {
    const id = aws.logicalId(calibrate.function.node.defaultChild as CfnElement);
    expect(template.toJSON().Resources[id].Properties.Environment.Variables).toMatchObject({
      MODEL_FILE: FORECAST_MODEL_FILE,
      FORECASTS_TABLE: aws.resolve(stack.forecasts.tableName),
    });
  });

  it('lets the calibrate function query the samples, put calibrations and publish their alerts: nothing else', () => {
    expect(grantsOf(aws, calibrate).sort()).toEqual(
      [
        ...on(aws, ['logs:CreateLogStream', 'logs:PutLogEvents'], calibrate.logGroup.logGroupArn),
        ...on(aws, ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*'),
        ...on(
          aws,
          ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:Query'],
          stack.forecasts.tableArn,
        ),
        ...on(aws, ['sns:Publish'], stack.alerts.topic.topicArn),
        ...on(aws, ['kms:Decrypt', 'kms:GenerateDataKey'], stack.alerts.key.keyArn),
      ].sort(),
    );
  });
});
