// The order state item (table `order-state`): one per order, all times in epoch milliseconds.
import { z } from 'zod';
import { ORDER_STATUSES, type OrderState, type OrderStatus } from '../sim-core/index.ts';

const epochMs = z
  .number({ error: 'expected a number (epoch ms)' })
  .refine(Number.isFinite, 'expected a finite number (epoch ms)');

/** Time fields of the order state item, each set by one kind of event. */
export const ORDER_TIME_FIELDS = [
  'acceptedAt',
  'dueAt',
  'materialOrderedAt',
  'initialEta',
  'eta',
  'materialArrivedAt',
  'productionStartedAt',
  'productionFinishedAt',
  'deliveredAt',
  'updatedAt',
] as const;

/**
 * Schema of an order state item. Fields beyond these (the per-field event times the ingest keeps)
 * are allowed and ignored by the forecast.
 */
export const OrderStateItemSchema = z.looseObject({
  orderId: z.string({ error: 'required: a non-empty string' }).min(1, 'required: a non-empty string'),
  status: z.enum(ORDER_STATUSES as [OrderStatus, ...OrderStatus[]], {
    error: (issue) =>
      issue.input === undefined
        ? 'required'
        : `unknown status ${JSON.stringify(issue.input)} (expected one of ${ORDER_STATUSES.join(', ')})`,
  }),
  priority: z.number({ error: 'expected a number' }).optional(),
  quantity: z.number({ error: 'expected a number' }).optional(),
  ...Object.fromEntries(ORDER_TIME_FIELDS.map((f) => [f, epochMs.optional()])),
});

export type OrderStateItem = OrderState & Record<string, unknown>;

/** Which time field each status needs: an order in production must say when production started. */
export const REQUIRED_FOR_STATUS: Readonly<Partial<Record<OrderStatus, (typeof ORDER_TIME_FIELDS)[number]>>> =
  {
    'awaiting-material': 'eta',
    ready: 'materialArrivedAt',
    'in-production': 'productionStartedAt',
    finished: 'productionFinishedAt',
  };
