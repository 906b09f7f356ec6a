// The CDK stack's tables against the embedded runtime's CreateTable inputs (local/provision.ts): keys,
// index, stream and time to live must be the same, or the two would drift apart.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { CfnElement } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import { resourceNames } from '../../contracts/resources.ts';
import { CONTEXT_KEYS } from '../../lib/stackContext.ts';
import { createTableInputs, forecastsTimeToLive } from '../../local/provision.ts';
import { type TwinApp, twinApp } from './twinApp.ts';

type Properties = Record<string, unknown> & {
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
  GlobalSecondaryIndexes?: Record<string, unknown>[];
  StreamSpecification?: { StreamViewType: string };
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
};

function tableProperties(twin: TwinApp, table: Table): Properties {
  return twin.template.toJSON().Resources[twin.logicalId(table.node.defaultChild as CfnElement)].Properties;
}

const byName = <T extends { AttributeName?: string }>(items: readonly T[] = []) =>
  [...items].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));

/** What the embedded runtime creates, in the shape of a CloudFormation table. */
function asCloudFormation(input: CreateTableCommandInput) {
  return {
    TableName: input.TableName,
    BillingMode: input.BillingMode,
    KeySchema: input.KeySchema,
    AttributeDefinitions: byName(input.AttributeDefinitions),
    GlobalSecondaryIndexes: (input.GlobalSecondaryIndexes ?? []).map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
    })),
    StreamViewType: input.StreamSpecification?.StreamEnabled
      ? input.StreamSpecification.StreamViewType
      : undefined,
  };
}

function fromTemplate(properties: Properties) {
  return {
    TableName: properties.TableName,
    BillingMode: properties.BillingMode,
    KeySchema: properties.KeySchema,
    AttributeDefinitions: byName(properties.AttributeDefinitions),
    GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes ?? [],
    StreamViewType: properties.StreamSpecification?.StreamViewType,
  };
}

describe.each([
  ['without a prefix', ''],
  ['with a name prefix', 'test-'],
])('the stack tables %s', (_, prefix) => {
  const twin = twinApp(prefix ? { [CONTEXT_KEYS.namePrefix]: prefix } : {});
  const inputs = createTableInputs(resourceNames(prefix));

  it('create order-state exactly as the embedded runtime provisions it', () => {
    expect(fromTemplate(tableProperties(twin, twin.stack.orderState))).toEqual(
      asCloudFormation(inputs.orderState),
    );
  });

  it('create forecasts exactly as the embedded runtime provisions it', () => {
    expect(fromTemplate(tableProperties(twin, twin.stack.forecasts))).toEqual(
      asCloudFormation(inputs.forecasts),
    );
  });

  it('expire forecast history on the same attribute as the embedded runtime', () => {
    const ttl = forecastsTimeToLive(resourceNames(prefix));
    expect(tableProperties(twin, twin.stack.forecasts).TimeToLiveSpecification).toEqual(
      ttl.TimeToLiveSpecification,
    );
    expect(tableProperties(twin, twin.stack.orderState).TimeToLiveSpecification).toBeUndefined();
  });
});
