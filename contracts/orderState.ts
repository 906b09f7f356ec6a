// The order state item (table `order-state`): one per order, all times in epoch milliseconds within
// the contracts' range (contracts/time.ts).
import { z } from 'zod';
import {
  ORDER_NUMBER_FIELDS,
  ORDER_STATUSES,
  ORDER_TIME_FIELDS,
  type OrderState,
  type OrderStatus,
  type OrderTimeField,
} from '../orderflow/types.ts';
import { EPOCH_MS_RULE, isEpochMs } from './time.ts';
import { isWellFormed, WELL_FORMED_RULE } from './wellFormed.ts';

// The order's fields are named once, in the order domain's types: the order state is its forecast's input.
export { ORDER_STATE_FIELDS } from '../orderflow/types.ts';

// Infinity (`1e999` in JSON) is a number, but no time: it gets the range's message.
const epochMs = z
  .number({
    error: (issue) => (typeof issue.input === 'number' ? EPOCH_MS_RULE : 'expected a number (epoch ms)'),
  })
  .refine(isEpochMs, EPOCH_MS_RULE);

/**
 * Schema of an order state item. Fields beyond these (the per-field event times the ingest keeps)
 * are allowed and ignored by the forecast.
 */
export const OrderStateItemSchema = z.looseObject({
  orderId: z
    .string({ error: 'required: a non-empty string' })
    .min(1, 'required: a non-empty string')
    .refine(isWellFormed, WELL_FORMED_RULE),
  status: z.enum(ORDER_STATUSES as [OrderStatus, ...OrderStatus[]], {
    error: (issue) =>
      issue.input === undefined
        ? 'required'
        : `unknown status ${JSON.stringify(issue.input)} (expected one of ${ORDER_STATUSES.join(', ')})`,
  }),
  ...Object.fromEntries(
    ORDER_NUMBER_FIELDS.map((f) => [f, z.number({ error: 'expected a number' }).optional()]),
  ),
  ...Object.fromEntries(ORDER_TIME_FIELDS.map((f) => [f, epochMs.optional()])),
});

export type OrderStateItem = OrderState & Record<string, unknown>;

/** Which time field each status needs: an order in production must say when production started. */
export const REQUIRED_FOR_STATUS: Readonly<Partial<Record<OrderStatus, OrderTimeField>>> = {
  'awaiting-material': 'eta',
  ready: 'materialArrivedAt',
  'in-production': 'productionStartedAt',
  finished: 'productionFinishedAt',
};
