// Which order-state changes can move a forecast: a change to an active order's times, status,
// due date or priority, or an order becoming inactive. Anything else (a delivered order's late
// event, a change of quantity) triggers no forecast.
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { ORDER_STATE_FIELDS } from '../contracts/orderState.ts';

/**
 * Order state fields that cannot move a forecast: the key, the quantity, when the order last
 * changed, and when it left (leaving removes `activeShard`, which does).
 */
const NOT_READ: ReadonlySet<string> = new Set<(typeof ORDER_STATE_FIELDS)[number]>([
  'orderId',
  'quantity',
  'deliveredAt',
  'updatedAt',
]);

/** Attributes of an order state item that the forecast reads, and the key of the active-orders index. */
export const FORECAST_FIELDS = [...ORDER_STATE_FIELDS.filter((f) => !NOT_READ.has(f)), 'activeShard'];

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
