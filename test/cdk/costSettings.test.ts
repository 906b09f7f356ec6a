// The cost model reads the stack's own settings: each value it uses is the one in the synthesized
// template (memory, processor, shards, batching windows, alarms, secrets, backups).
import type { CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { stackCostSettings } from '../../lib/costSettings.ts';
import type { TwinFunction } from '../../lib/TwinFunction.ts';
import { twinApp } from './twinApp.ts';

const aws = twinApp();
const { template, stack } = aws;
const settings = stackCostSettings();

type Resource = { Properties: Record<string, unknown> };
const resources = (type: string) => Object.values(template.findResources(type)) as Resource[];
const functionOf = (fn: TwinFunction) =>
  template.toJSON().Resources[aws.logicalId(fn.function.node.defaultChild as CfnElement)] as Resource;

/** The DynamoDB stream mapping of `fn`. */
function mappingOf(fn: TwinFunction): Resource {
  const name = JSON.stringify(aws.resolve(fn.function.functionName));
  const found = resources('AWS::Lambda::EventSourceMapping').filter(
    (m) => JSON.stringify(m.Properties.FunctionName) === name,
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('the cost model reads the stack it prices', () => {
  it("uses the forecast, ingest and observer functions' memory sizes of the template", () => {
    expect(functionOf(stack.forecast.handler).Properties.MemorySize).toBe(settings.forecastMemoryMb);
    expect(functionOf(stack.ingest.handler).Properties.MemorySize).toBe(settings.ingestMemoryMb);
    expect(functionOf(stack.observer.handler).Properties.MemorySize).toBe(settings.observerMemoryMb);
  });

  it("prices the GB-second of the functions' processor", () => {
    const functions = resources('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect(fn.Properties.Architectures).toEqual([settings.architecture]);
  });

  it("counts the stream's shards and the stream mappings' batching windows of the template", () => {
    const [stream] = resources('AWS::Kinesis::Stream');
    expect(stream!.Properties.ShardCount).toBe(settings.streamShards);
    expect(stream!.Properties.StreamModeDetails).toEqual({ StreamMode: 'PROVISIONED' });
    expect(mappingOf(stack.forecast.handler).Properties.MaximumBatchingWindowInSeconds).toBe(
      settings.forecastWindowSeconds,
    );
    expect(mappingOf(stack.observer.handler).Properties.MaximumBatchingWindowInSeconds).toBe(
      settings.observerWindowSeconds,
    );
  });

  it('counts every alarm and secret of the template, and its tables on demand with backups', () => {
    expect(resources('AWS::CloudWatch::Alarm')).toHaveLength(settings.alarms);
    expect(resources('AWS::SecretsManager::Secret')).toHaveLength(settings.secrets);
    const tables = resources('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(2);
    for (const table of tables) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: settings.pointInTimeRecovery,
      });
    }
  });
});
