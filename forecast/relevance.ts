// Which order-state changes can move a forecast: a change to an active order's times, status,
// due date or priority, or an order becoming inactive. Anything else (a delivered order's late
// event, a change of quantity) triggers no forecast.
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

/** Attributes of an order state item that the forecast reads. */
export const FORECAST_FIELDS = [
  'status',
  'activeShard',
  'acceptedAt',
  'dueAt',
  'priority',
  'materialOrderedAt',
  'initialEta',
  'eta',
  'materialArrivedAt',
  'productionStartedAt',
  'productionFinishedAt',
] as const;

type Image = Record<string, AttributeValue> | undefined;

const isActive = (image: Image): boolean => image?.activeShard !== undefined;
const same = (a: AttributeValue | undefined, b: AttributeValue | undefined): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/** True if this stream record's change can change the forecast. */
export function canMoveForecast(record: DynamoDBRecord): boolean {
  const before = record.dynamodb?.OldImage as Image;
  const after = record.dynamodb?.NewImage as Image;
  if (!isActive(before) && !isActive(after)) return false;
  if (record.eventName === 'INSERT' || record.eventName === 'REMOVE') return true;
  return FORECAST_FIELDS.some((field) => !same(before?.[field], after?.[field]));
}
