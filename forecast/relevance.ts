// Which order-state changes can move a forecast: a change to an active order's times, steps,
// product, status, due date or priority, or an order becoming inactive; any change of a station's
// state or of a maintenance planned (or one no longer planned). Anything else (a delivered
// order's late event, a change of quantity, the ingest's bookkeeping) triggers no forecast.
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { ORDER_STATE_FIELDS } from '../contracts/orderState.ts';
import { DEFAULT_PLANT, plantOfKey } from '../contracts/plants.ts';
import { isPlantKey } from '../state/plantState.ts';
import { isStepStateAttribute } from '../state/stepAttributes.ts';

/**
 * Order state fields that cannot move a forecast: the key, the quantity, the supplier, when the order last
 * changed, and when it left (leaving removes `activeShard`, which does). `steps` lie in the item as
 * attributes of their own (state/stepAttributes.ts), compared apart.
 */
const NOT_READ: ReadonlySet<string> = new Set<(typeof ORDER_STATE_FIELDS)[number]>([
  'orderId',
  'quantity',
  // The forecast takes the ETA, not who gives it; recalibration reads the supplier from the stream.
  'supplier',
  'deliveredAt',
  'updatedAt',
  'steps',
]);

/**
 * Attributes of an order state item that the forecast reads, and the key of the active-orders
 * index; besides these, every step's times and station (`step:<step>:<field>`).
 */
export const FORECAST_FIELDS = [...ORDER_STATE_FIELDS.filter((f) => !NOT_READ.has(f)), 'activeShard'];

type Image = Record<string, AttributeValue> | undefined;

const isActive = (image: Image): boolean => image?.activeShard !== undefined;
const isPlantItem = (image: Image): boolean => image?.orderId?.S !== undefined && isPlantKey(image.orderId.S);
const same = (a: AttributeValue | undefined, b: AttributeValue | undefined): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/** The step attributes (times and station) of either image. */
const stepAttributesOf = (...images: Image[]): Set<string> =>
  new Set(images.flatMap((image) => Object.keys(image ?? {}).filter(isStepStateAttribute)));

/** The plant whose item this stream record changed (contracts/plants.ts). */
export function plantOfRecord(record: DynamoDBRecord): string {
  const key =
    record.dynamodb?.Keys?.orderId?.S ??
    record.dynamodb?.NewImage?.orderId?.S ??
    record.dynamodb?.OldImage?.orderId?.S;
  return key === undefined ? DEFAULT_PLANT : plantOfKey(key).plantId;
}

/** True if this stream record's change can change the forecast. */
export function canMoveForecast(record: DynamoDBRecord): boolean {
  const before = record.dynamodb?.OldImage as Image;
  const after = record.dynamodb?.NewImage as Image;
  if (!isActive(before) && !isActive(after)) return false;
  if (record.eventName === 'INSERT' || record.eventName === 'REMOVE') return true;
  // A station's or a maintenance's item changes only when what it says does.
  if (isPlantItem(before) || isPlantItem(after)) return true;
  if (FORECAST_FIELDS.some((field) => !same(before?.[field], after?.[field]))) return true;
  return [...stepAttributesOf(before, after)].some((name) => !same(before?.[name], after?.[name]));
}
