// The v1 order events: one per Kinesis record, partition key `orderId`. Times are ISO-8601 strings
// with an offset, from 1970 to 9999 (contracts/time.ts). Unknown extra fields are dropped, not an error.
import { z } from 'zod';
import { DEFAULT_MAX_FUTURE_MS, ISO_TIME_RANGE, ISO_TIME_RULE, isIsoTimeInRange } from './time.ts';
import { isWellFormed, WELL_FORMED_RULE } from './wellFormed.ts';

const isoTime = z.iso
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

const base = {
  /** Unique per event: the idempotency key. */
  eventId: id('unique per event: the idempotency key'),
  orderId: id('the order'),
  /** When it happened in the plant. */
  occurredAt: isoTime,
  /** Schema version; absent means 1. */
  version: z.literal(1).optional(),
};

export const OrderAccepted = z.object({
  ...base,
  type: z.literal('OrderAccepted'),
  dueAt: isoTime.optional(),
  priority: z.number().int().optional(),
  quantity: z.number().positive().optional(),
});
export const MaterialOrdered = z.object({ ...base, type: z.literal('MaterialOrdered'), eta: isoTime });
export const EtaUpdated = z.object({ ...base, type: z.literal('EtaUpdated'), eta: isoTime });
export const MaterialArrived = z.object({ ...base, type: z.literal('MaterialArrived') });
export const ProductionStarted = z.object({ ...base, type: z.literal('ProductionStarted') });
export const ProductionFinished = z.object({ ...base, type: z.literal('ProductionFinished') });
export const OrderDelivered = z.object({ ...base, type: z.literal('OrderDelivered') });

/** Any v1 order event. */
export const OrderEventSchema = z.discriminatedUnion('type', [
  OrderAccepted,
  MaterialOrdered,
  EtaUpdated,
  MaterialArrived,
  ProductionStarted,
  ProductionFinished,
  OrderDelivered,
]);

export type OrderEvent = z.output<typeof OrderEventSchema>;
export type OrderEventType = OrderEvent['type'];
export const ORDER_EVENT_TYPES: readonly OrderEventType[] = OrderEventSchema.options.map(
  (o) => o.shape.type.value,
);

/** The JSON Schema of a v1 order event, for producers. */
export function orderEventJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://order-flow-twin/schemas/order-event-v1.json',
    title: 'Order event (v1)',
    description:
      'One event per Kinesis record of the order-events stream, partition key orderId. Times are ISO-8601 with offset, ' +
      `${ISO_TIME_RANGE}; the ingest refuses an occurredAt too far ahead of its clock (by default more than ${DEFAULT_MAX_FUTURE_MS / 3_600_000} h). ` +
      'eventId is the idempotency key; ids are well-formed Unicode. Unknown extra fields are ignored.',
    ...z.toJSONSchema(OrderEventSchema, { target: 'draft-2020-12', io: 'input' }),
  };
}
