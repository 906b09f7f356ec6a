// The forecast mapping's event filter against forecast/relevance.ts: the filter may let through
// changes the handler then skips, but must never drop a change that can move the forecast.
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canMoveForecast, FORECAST_FIELDS } from '../../forecast/relevance.ts';
import { FORECAST_FILTER_PATTERNS } from '../../lib/ForecastPipeline.ts';
import { passesFilters } from '../support/eventFilter.ts';

const passesFilter = (record: DynamoDBRecord) =>
  passesFilters(
    FORECAST_FILTER_PATTERNS.map((pattern) => JSON.parse(JSON.stringify(pattern))),
    record,
  );

const attribute = fc.oneof(
  fc.string({ maxLength: 3 }).map((s): AttributeValue => ({ S: s })),
  fc.integer({ min: 0, max: 5 }).map((n): AttributeValue => ({ N: String(n) })),
);
const image = fc.option(
  fc.record(
    {
      orderId: fc.constant<AttributeValue>({ S: 'o-1' }),
      activeShard: fc.constant<AttributeValue>({ S: '0' }),
      quantity: attribute,
      ...Object.fromEntries(FORECAST_FIELDS.filter((f) => f !== 'activeShard').map((f) => [f, attribute])),
      // Steps lie in attributes of their own; their event keys are bookkeeping.
      'step:cut:startedAt': attribute,
      'step:cut:station': attribute,
      'step:cut:startedEvent': attribute,
      'step:weld.2 #1:finishedAt': attribute,
    },
    { requiredKeys: ['orderId'] },
  ),
  { nil: undefined },
);
const record = fc
  .record({ eventName: fc.constantFrom('INSERT', 'MODIFY', 'REMOVE'), OldImage: image, NewImage: image })
  .map(
    ({ eventName, OldImage, NewImage }): DynamoDBRecord => ({
      eventName: eventName as DynamoDBRecord['eventName'],
      dynamodb: {
        ...(OldImage && { OldImage: OldImage as Record<string, AttributeValue> }),
        ...(NewImage && { NewImage: NewImage as Record<string, AttributeValue> }),
      },
    }),
  );

describe('the forecast event filter', () => {
  it('never drops a change that can move the forecast', () => {
    fc.assert(
      fc.property(record, (r) => !canMoveForecast(r) || passesFilter(r)),
      { numRuns: 2000 },
    );
  });

  it('drops every change of an order that is inactive before and after it', () => {
    fc.assert(
      fc.property(record, (r) => {
        const active = (i?: Record<string, AttributeValue>) => i?.activeShard !== undefined;
        return active(r.dynamodb?.OldImage) || active(r.dynamodb?.NewImage) || !passesFilter(r);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts a change of a step or of the product of an active order, not of their event keys alone', () => {
    const image = { orderId: { S: 'o-1' }, activeShard: { S: '0' }, 'step:cut:startedAt': { N: '1' } };
    const modify = (NewImage: Record<string, AttributeValue>): DynamoDBRecord => ({
      eventName: 'MODIFY',
      dynamodb: { OldImage: image, NewImage },
    });

    expect(canMoveForecast(modify({ ...image, 'step:cut:finishedAt': { N: '2' } }))).toBe(true);
    expect(canMoveForecast(modify({ ...image, 'step:cut:startedAt': { N: '3' } }))).toBe(true);
    expect(canMoveForecast(modify({ ...image, 'step:paint:station': { S: 'booth' } }))).toBe(true);
    expect(canMoveForecast(modify({ ...image, product: { S: 'frame' } }))).toBe(true);
    expect(canMoveForecast(modify({ ...image, 'step:cut:startedEvent': { S: 'k' } }))).toBe(false);
    expect(passesFilter(modify({ ...image, 'step:cut:finishedAt': { N: '2' } }))).toBe(true);
  });

  it('lets through a newly accepted order, and drops a delivered order’s late ETA update', () => {
    const accepted: DynamoDBRecord = {
      eventName: 'INSERT',
      dynamodb: { NewImage: { orderId: { S: 'o-1' }, activeShard: { S: '0' }, status: { S: 'accepted' } } },
    };
    const lateEta: DynamoDBRecord = {
      eventName: 'MODIFY',
      dynamodb: {
        OldImage: { orderId: { S: 'o-1' }, status: { S: 'delivered' }, eta: { N: '1' } },
        NewImage: { orderId: { S: 'o-1' }, status: { S: 'delivered' }, eta: { N: '2' } },
      },
    };
    expect(passesFilter(accepted)).toBe(true);
    expect(passesFilter(lateEta)).toBe(false);
  });
});
