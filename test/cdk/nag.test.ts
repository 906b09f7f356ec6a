// cdk-nag's AwsSolutions checks on the twin's stack: any finding not acknowledged with a reason fails,
// and every acknowledgment is one we reviewed.
import { type App, type CfnElement, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS } from '../../lib/stackContext.ts';
import { twinApp } from './twinApp.ts';

/** The unacknowledged findings, as "rule at path" lines (empty: the stack passes). */
function findings(app: App): string[] {
  const report = new AwsSolutionsChecks(app).validateScope(app);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`),
  );
}

/** Every acknowledgment in the tree: construct path, rule id and reason. */
function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the stack for AWS', () => {
    expect(findings(twinApp().app)).toEqual([]);
  });

  it('finds nothing unacknowledged in the stack for LocalStack', () => {
    expect(findings(twinApp({ [CONTEXT_KEYS.localstack]: 'true' }).app)).toEqual([]);
  });

  it('acknowledges only the reviewed findings, each with its reason', () => {
    const twin = twinApp();
    const acks = acknowledgments(twin.app);
    const bucketId = twin.logicalId(twin.stack.failures.dataBucket.node.defaultChild as CfnElement);
    expect(acks.map((a) => `${a.id} at ${a.path}`).sort()).toEqual(
      [
        'AwsSolutions-IAM5[Resource::*] at OrderFlowTwin/Dashboard/Handler/Role',
        // X-Ray (every function), and the forecast's dynamodb:ListStreams: each with its own reason.
        'AwsSolutions-IAM5[Resource::*] at OrderFlowTwin/Forecast/Handler/Role',
        'AwsSolutions-IAM5[Resource::*] at OrderFlowTwin/Forecast/Handler/Role',
        'AwsSolutions-IAM5[Resource::*] at OrderFlowTwin/Ingest/Handler/Role',
        // The observer, too: X-Ray, and dynamodb:ListStreams for its mapping on the order-state stream.
        'AwsSolutions-IAM5[Resource::*] at OrderFlowTwin/Observer/Handler/Role',
        'AwsSolutions-IAM5[Resource::*] at OrderFlowTwin/Observer/Handler/Role',
        'AwsSolutions-IAM5[Resource::*] at OrderFlowTwin/Recalibration/Handler/Role',
        // The ingest puts the raw data of oversized rejected records as new objects; the bucket has
        // no access logs of its own.
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*] at OrderFlowTwin/Ingest/Handler/Role`,
        'AwsSolutions-S1 at OrderFlowTwin/Failures/RecordData',
        'AwsSolutions-SMG4 at OrderFlowTwin/Dashboard/Token',
      ].sort(),
    );
    for (const ack of acks) expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThan(60);
    const reasons = acks.filter((a) => a.path.includes('/Forecast/')).map((a) => a.reason);
    expect(reasons.some((r) => r.includes('dynamodb:ListStreams'))).toBe(true);
    expect(reasons.some((r) => r.includes('xray:PutTraceSegments'))).toBe(true);
    const ingestReasons = acks.filter((a) => a.path.includes('/Ingest/')).map((a) => a.reason);
    expect(ingestReasons.some((r) => r.includes('s3:PutObject'))).toBe(true);
  });

  it('fails on a finding nobody acknowledged', () => {
    const { app, stack } = twinApp();
    new Queue(stack, 'Careless');
    expect(findings(app)).toEqual(
      expect.arrayContaining([
        'AwsSolutions-SQS3 at OrderFlowTwin/Careless/Resource',
        'AwsSolutions-SQS4 at OrderFlowTwin/Careless/Resource',
      ]),
    );
  });
});
