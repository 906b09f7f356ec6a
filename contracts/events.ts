// The events: one per Kinesis record. Order events have the partition key `orderId`; the plant's
// station events the station, a maintenance cancellation its maintenanceId. Times are ISO-8601
// strings with an offset, from 1970 to 9999 (contracts/time.ts). Unknown extra fields are dropped,
// not an error. A step of a plant's process is named by its events (`StepStarted`/`StepFinished`);
// the first version's `ProductionStarted`/`ProductionFinished` stay valid and mean the step `production`.
import * as z from 'zod';
import { NAME_MAX_LENGTH, V1_PRODUCTION_STEP } from './orderState.ts';
import { DEFAULT_PLANT, PLANT_ID_PATTERN, PLANT_ID_RULE, PLANT_SCOPE_PREFIX } from './plants.ts';
import { OrderStateTable } from './resources.ts';
import { DEFAULT_MAX_FUTURE_MS, ISO_TIME_RANGE, ISO_TIME_RULE, isIsoTimeInRange } from './time.ts';
import { isWellFormed, WELL_FORMED_RULE } from './wellFormed.ts';

export const isoTime = z.iso
  .datetime({
    offset: true,
    error: 'expected an ISO-8601 time with offset, e.g. 2026-11-23T08:00:00Z',
  })
  .refine(isIsoTimeInRange, ISO_TIME_RULE)
  .meta({ description: `ISO-8601 time with offset, ${ISO_TIME_RANGE}` });

/** An id: well-formed Unicode, so that it is the same key on DynamoDB as in memory (contracts/wellFormed.ts). */
const id = (what: string) =>
  z
    .string()
    .min(1)
    .max(200)
    .refine(isWellFormed, WELL_FORMED_RULE)
    .meta({ description: `${what}: 1 to 200 characters of well-formed Unicode (no lone surrogate)` });

/** A step or station name: what the plant model calls it. */
const name = (what: string) =>
  z
    .string()
    .min(1)
    .max(NAME_MAX_LENGTH)
    .refine(isWellFormed, WELL_FORMED_RULE)
    .meta({
      description: `${what}: 1 to ${NAME_MAX_LENGTH} characters of well-formed Unicode (no lone surrogate)`,
    });

const PLANT_KEY_PREFIX = OrderStateTable.plantItems.keyPrefix;

/** The fields every event has. */
const common = {
  /** Unique per event: the idempotency key. */
  eventId: id('unique per event: the idempotency key'),
  /** The plant it happened in (contracts/plants.ts); none: the default plant. */
  plantId: z
    .string()
    .regex(PLANT_ID_PATTERN, PLANT_ID_RULE)
    .optional()
    .meta({ description: `the plant it happened in; none: "${DEFAULT_PLANT}". ${PLANT_ID_RULE}` }),
  /** When it happened in the plant. */
  occurredAt: isoTime,
  /** Schema version; absent means 1. */
  version: z.literal(1).optional(),
};

const base = {
  ...common,
  // The plant's own items share the order state table, under keys with this prefix.
  orderId: id(`the order; not starting with "${PLANT_KEY_PREFIX}" or "${PLANT_SCOPE_PREFIX}"`)
    .regex(
      new RegExp(`^(?!${PLANT_KEY_PREFIX})`),
      `must not start with "${PLANT_KEY_PREFIX}" (the twin keeps the plant's own items under such keys)`,
    )
    .regex(
      new RegExp(`^(?!${PLANT_SCOPE_PREFIX})`),
      `must not start with "${PLANT_SCOPE_PREFIX}" (the twin keeps other plants' items under such keys)`,
    ),
};

export const OrderAccepted = z.object({
  ...base,
  type: z.literal('OrderAccepted'),
  dueAt: isoTime.optional(),
  priority: z.number().int().optional(),
  quantity: z.number().positive().optional(),
  /** The product, as the plant model names it; none: the model's default product. */
  product: name("the product, as the plant model names it; none: the model's default product").optional(),
});
export const MaterialOrdered = z.object({
  ...base,
  type: z.literal('MaterialOrdered'),
  eta: isoTime,
  /** Who supplies the material: its slips are learnt per supplier (recalibration). */
  supplier: name('the supplier the material is ordered from; none: not known').optional(),
});
export const EtaUpdated = z.object({ ...base, type: z.literal('EtaUpdated'), eta: isoTime });
export const MaterialArrived = z.object({ ...base, type: z.literal('MaterialArrived') });
export const StepStarted = z.object({
  ...base,
  type: z.literal('StepStarted'),
  step: name("the step of the order's routing, as the plant model names it"),
  station: name('the station it runs at, as the plant model names it').optional(),
});
export const StepFinished = z.object({
  ...base,
  type: z.literal('StepFinished'),
  step: name("the step of the order's routing, as the plant model names it"),
});
/** v1: `StepStarted { step: "production" }`. */
export const ProductionStarted = z.object({ ...base, type: z.literal('ProductionStarted') });
/** v1: `StepFinished { step: "production" }`. */
export const ProductionFinished = z.object({ ...base, type: z.literal('ProductionFinished') });
export const OrderDelivered = z.object({ ...base, type: z.literal('OrderDelivered') });

/** Any order event. */
export const OrderEventSchema = z.discriminatedUnion('type', [
  OrderAccepted,
  MaterialOrdered,
  EtaUpdated,
  MaterialArrived,
  StepStarted,
  StepFinished,
  ProductionStarted,
  ProductionFinished,
  OrderDelivered,
]);

export type OrderEvent = z.output<typeof OrderEventSchema>;
export type OrderEventType = OrderEvent['type'];
export const ORDER_EVENT_TYPES: readonly OrderEventType[] = OrderEventSchema.options.map(
  (o) => o.shape.type.value,
);

/** A unit of a station: units are numbered 1 to the station's capacity. */
const unit = z
  .number({ error: "expected a whole number from 1 (a unit of the station, 1 to the station's capacity)" })
  .int("expected a whole number from 1 (a unit of the station, 1 to the station's capacity)")
  .min(1, "expected a whole number from 1 (a unit of the station, 1 to the station's capacity)")
  .meta({ description: "a unit of the station, 1 to the station's capacity; none: the whole station" });

const station = name('the station, as the plant model names it');

/** A station (or one unit) stopped working; `expectedUpAt`: when it is expected back. */
export const StationDown = z.object({
  ...common,
  type: z.literal('StationDown'),
  station,
  unit: unit.optional(),
  expectedUpAt: isoTime.optional(),
});
/** A station (or one unit) works again. */
export const StationUp = z.object({
  ...common,
  type: z.literal('StationUp'),
  station,
  unit: unit.optional(),
});
/** A maintenance window planned (or planned again) for a station or one unit: out of work from `from` to `to`. */
export const MaintenancePlanned = z
  .object({
    ...common,
    type: z.literal('MaintenancePlanned'),
    maintenanceId: id('the maintenance: the same id plans it again or cancels it'),
    station,
    unit: unit.optional(),
    from: isoTime,
    to: isoTime.meta({ description: 'ISO-8601 time with offset, after from' }),
  })
  .refine((e) => Date.parse(e.to) > Date.parse(e.from), {
    path: ['to'],
    message: 'must be after from',
  });
/** A planned maintenance window is off. */
export const MaintenanceCancelled = z.object({
  ...common,
  type: z.literal('MaintenanceCancelled'),
  maintenanceId: id('the maintenance that is off'),
});

/** Any event of the plant's stations. */
export const PlantEventSchema = z.discriminatedUnion('type', [
  StationDown,
  StationUp,
  MaintenancePlanned,
  MaintenanceCancelled,
]);

export type PlantEvent = z.output<typeof PlantEventSchema>;
export type PlantEventType = PlantEvent['type'];
export const PLANT_EVENT_TYPES: readonly PlantEventType[] = PlantEventSchema.options.map(
  (o) => o.shape.type.value,
);

/** Any event of the stream: an order's or the plant's. */
export const EventSchema = z.discriminatedUnion('type', [
  ...OrderEventSchema.options,
  ...PlantEventSchema.options,
]);

/** The JSON Schema of an event, for producers. */
export function eventJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://order-flow-twin/schemas/order-event-v1.json',
    title: 'Order or station event',
    description:
      'One event per Kinesis record of the order-events stream: partition key orderId for an order event, the ' +
      'station for a station event (StationDown, StationUp, MaintenancePlanned), the maintenanceId for ' +
      'MaintenanceCancelled. Times are ISO-8601 with offset, ' +
      `${ISO_TIME_RANGE}; the ingest refuses an occurredAt too far ahead of its clock (by default more than ${DEFAULT_MAX_FUTURE_MS / 3_600_000} h). ` +
      'eventId is the idempotency key; ids are well-formed Unicode. StepStarted/StepFinished name a step of the ' +
      `plant model's routing; ProductionStarted/ProductionFinished mean the step "${V1_PRODUCTION_STEP}". ` +
      "A unit is numbered 1 to its station's capacity; a maintenance's to lies after its from. " +
      'Unknown extra fields are ignored.',
    ...z.toJSONSchema(EventSchema, { target: 'draft-2020-12', io: 'input' }),
  };
}
