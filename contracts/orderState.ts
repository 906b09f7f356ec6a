// The order state (table `order-state`, and each order of a snapshot): one item per order, all times
// in epoch milliseconds within the contracts' range (contracts/time.ts). It knows no plant model:
// an order's steps are whatever step names its events carried.
import * as z from 'zod';
import { EPOCH_MS_RULE, isEpochMs } from './time.ts';
import { isWellFormed, WELL_FORMED_RULE } from './wellFormed.ts';

/** Where an order stands, roughly: a hint for people and the active-orders index, derived from its times. */
export const OrderStatus = {
  accepted: 'accepted',
  awaitingMaterial: 'awaiting-material',
  ready: 'ready',
  inProduction: 'in-production',
  finished: 'finished',
  delivered: 'delivered',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];
export const ORDER_STATUSES: readonly OrderStatus[] = Object.values(OrderStatus);

/**
 * The times the twin keeps of an order besides its steps', in epoch ms, each set by one kind of
 * event; `updatedAt` is the latest event applied. Every list of order fields (state item schema,
 * what can move a forecast) derives from these lists: a field is named here once.
 */
export const ORDER_TIME_FIELDS = [
  'acceptedAt',
  'dueAt',
  'materialOrderedAt',
  'initialEta',
  'eta',
  'materialArrivedAt',
  'deliveredAt',
  'updatedAt',
] as const;
export type OrderTimeField = (typeof ORDER_TIME_FIELDS)[number];

/** The other numbers the twin keeps of an order, set when it is accepted. */
export const ORDER_NUMBER_FIELDS = ['priority', 'quantity'] as const;
export type OrderNumberField = (typeof ORDER_NUMBER_FIELDS)[number];

/** The times of one step of an order, and the station its start named. */
export interface StepState {
  startedAt?: number;
  finishedAt?: number;
  station?: string;
}

/** The times a step keeps. */
export const STEP_TIME_FIELDS = ['startedAt', 'finishedAt'] as const satisfies readonly (keyof StepState)[];

/** The state of one order as the twin knows it; all times in epoch milliseconds. */
export type OrderState = {
  orderId: string;
  /** Optional in a snapshot (derived from the times, `orderStatusOf`); the ingest always keeps it. */
  status?: OrderStatus;
  /** The product its acceptance named; none: the model's default product. */
  product?: string;
  /** The supplier its material order named, if any. */
  supplier?: string;
  /** Per step name, as its events said; the plant model gives them their order. */
  steps?: Readonly<Record<string, StepState>>;
} & { [F in OrderNumberField | OrderTimeField]?: number };

/** Every field of an order's state: its key, its status, product and supplier, its numbers, its times and its steps. */
export const ORDER_STATE_FIELDS = [
  'orderId',
  'status',
  'product',
  'supplier',
  ...ORDER_NUMBER_FIELDS,
  ...ORDER_TIME_FIELDS,
  'steps',
] as const satisfies readonly (keyof OrderState)[];
export type OrderStateField = (typeof ORDER_STATE_FIELDS)[number];

/** What a step or station name must be: 1 to 100 characters of well-formed Unicode. */
export const NAME_MAX_LENGTH = 100;

/** Whether `name` is a step or station name the contracts accept. */
export function isStepName(name: unknown): name is string {
  return typeof name === 'string' && name.length >= 1 && name.length <= NAME_MAX_LENGTH && isWellFormed(name);
}

/** `steps[step]` if the order has that step (an own entry: a step may be named `constructor`). */
export function stepOf(order: Pick<OrderState, 'steps'>, step: string): StepState | undefined {
  return order.steps !== undefined && Object.hasOwn(order.steps, step) ? order.steps[step] : undefined;
}

/**
 * The coarse status of an order, from its times alone (no model needed): delivered if delivered;
 * in production if a step has started and not finished; finished if a step has finished and none
 * is running; ready if its material arrived; awaiting material if an ETA is known; else accepted.
 */
export function orderStatusOf(order: OrderState): OrderStatus {
  if (order.deliveredAt !== undefined) return OrderStatus.delivered;
  // Read in place (no array of the steps): the snapshot's parse calls this for every order.
  const steps = order.steps;
  let finished = false;
  if (steps !== undefined) {
    for (const step of Object.keys(steps)) {
      const s = steps[step]!;
      if (s.startedAt !== undefined && s.finishedAt === undefined) return OrderStatus.inProduction;
      if (s.finishedAt !== undefined) finished = true;
    }
  }
  if (finished) return OrderStatus.finished;
  if (order.materialArrivedAt !== undefined) return OrderStatus.ready;
  if (order.eta !== undefined || order.initialEta !== undefined) return OrderStatus.awaitingMaterial;
  return OrderStatus.accepted;
}

// Infinity (`1e999` in JSON) is a number, but no time: it gets the range's message.
const epochMs = z
  .number({
    error: (issue) => (typeof issue.input === 'number' ? EPOCH_MS_RULE : 'expected a number (epoch ms)'),
  })
  .refine(isEpochMs, EPOCH_MS_RULE);

const NAME_RULE = `must be 1 to ${NAME_MAX_LENGTH} characters of well-formed Unicode`;

const name = z.string({ error: `expected a string: ${NAME_RULE}` }).refine(isStepName, NAME_RULE);

/** An epoch time in whole ms within the contracts' range, and a step or station name, for the snapshot's other parts. */
export { epochMs as EpochMsSchema, name as NameSchema };

/** A step of a snapshot's order: its times (and station); nothing else, so that a misspelt time is no silent gap. */
const StepStateSchema = z.strictObject({
  startedAt: epochMs.optional(),
  finishedAt: epochMs.optional(),
  station: name.optional(),
});

/**
 * An order's steps: step name → its times. Checked entry by entry rather than as a zod record, which
 * would drop a step named `__proto__` (a name the events accept).
 */
const StepsSchema = z.custom<Record<string, StepState>>().superRefine((steps, ctx) => {
  if (typeof steps !== 'object' || steps === null || Array.isArray(steps)) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected an object: step name → { startedAt, finishedAt, station }',
    });
    return;
  }
  for (const [step, value] of Object.entries(steps)) {
    if (!isStepName(step)) {
      ctx.addIssue({ code: 'custom', path: [step], message: `a step name ${NAME_RULE}` });
      continue;
    }
    const result = StepStateSchema.safeParse(value);
    if (result.success) continue;
    for (const issue of result.error.issues) {
      ctx.addIssue({
        code: 'custom',
        path: [step, ...(issue.code === 'unrecognized_keys' ? [issue.keys[0]!] : issue.path)],
        message:
          issue.code === 'unrecognized_keys'
            ? 'unknown step field (expected startedAt, finishedAt, station)'
            : issue.code === 'invalid_type' && issue.path.length === 0
              ? 'expected an object { startedAt, finishedAt, station }'
              : issue.message,
      });
    }
  }
});

/** The step that v1's ProductionStarted / ProductionFinished events and production times mean. */
export const V1_PRODUCTION_STEP = 'production';

/** The v1 production times a snapshot may still carry: they are the step `production`. */
export const V1_PRODUCTION_FIELDS = {
  productionStartedAt: 'startedAt',
  productionFinishedAt: 'finishedAt',
} as const satisfies Record<string, keyof StepState>;

/**
 * Schema of an order state item of a snapshot. Fields beyond these (the ingest's bookkeeping) are
 * allowed and ignored by the forecast; v1's `productionStartedAt`/`productionFinishedAt` are checked
 * as times (contracts/snapshot.ts makes them the step `production`).
 */
export const OrderStateItemSchema = z.looseObject({
  orderId: z
    .string({ error: 'required: a non-empty string' })
    .min(1, 'required: a non-empty string')
    .refine(isWellFormed, WELL_FORMED_RULE),
  status: z
    .enum(ORDER_STATUSES as [OrderStatus, ...OrderStatus[]], {
      error: (issue) =>
        `unknown status ${JSON.stringify(issue.input)} (expected one of ${ORDER_STATUSES.join(', ')})`,
    })
    .optional(),
  product: name.optional(),
  supplier: name.optional(),
  ...Object.fromEntries(
    ORDER_NUMBER_FIELDS.map((f) => [f, z.number({ error: 'expected a number' }).optional()]),
  ),
  ...Object.fromEntries(ORDER_TIME_FIELDS.map((f) => [f, epochMs.optional()])),
  ...Object.fromEntries(Object.keys(V1_PRODUCTION_FIELDS).map((f) => [f, epochMs.optional()])),
  steps: StepsSchema.optional(),
});

export type OrderStateItem = OrderState & Record<string, unknown>;

/**
 * What a stated status needs of the times, when they lack it: the field, and what it must hold. An
 * order said to be in production must say which step runs since when: the forecast places an order
 * from its times, so a status without them would be silently ignored.
 */
export function missingForStatus(order: OrderState): { field: string; needs?: string } | undefined {
  switch (order.status) {
    case 'awaiting-material':
      return order.eta === undefined && order.initialEta === undefined ? { field: 'eta' } : undefined;
    case 'ready':
      return order.materialArrivedAt === undefined ? { field: 'materialArrivedAt' } : undefined;
    case 'in-production':
      return someStep(order, (s) => s.startedAt !== undefined && s.finishedAt === undefined)
        ? undefined
        : { field: 'steps', needs: 'a step with startedAt and no finishedAt' };
    case 'finished':
      return someStep(order, (s) => s.finishedAt !== undefined)
        ? undefined
        : { field: 'steps', needs: 'a step with finishedAt' };
    default:
      return undefined;
  }
}

/** Whether a step of `order` satisfies `test`. */
function someStep(order: OrderState, test: (step: StepState) => boolean): boolean {
  const steps = order.steps;
  if (steps === undefined) return false;
  for (const step of Object.keys(steps)) if (test(steps[step]!)) return true;
  return false;
}

// What `plainOrderStateItem` checks of each field the schema names, in the schema's order.
const ITEM_KEYS: readonly string[] = Object.keys(OrderStateItemSchema.shape);
const ITEM_KEY_SET: ReadonlySet<string> = new Set(ITEM_KEYS);
const STATUS_SET: ReadonlySet<unknown> = new Set(ORDER_STATUSES);
const NUMBER_SET: ReadonlySet<string> = new Set(ORDER_NUMBER_FIELDS);
const Field = { id: 0, status: 1, name: 2, number: 3, time: 4, steps: 5 } as const;
const ITEM_FIELDS: readonly number[] = ITEM_KEYS.map((key) =>
  key === 'orderId'
    ? Field.id
    : key === 'status'
      ? Field.status
      : key === 'product' || key === 'supplier'
        ? Field.name
        : key === 'steps'
          ? Field.steps
          : NUMBER_SET.has(key)
            ? Field.number
            : Field.time,
);

/**
 * `order` as `OrderStateItemSchema` parses it, when it plainly is an item the schema accepts, read
 * without the schema (a snapshot has thousands of orders); undefined otherwise, and then the schema
 * says what is wrong. The same value the schema gives: a new object with the schema's fields in
 * its order, then every other field as given, `steps` the same object.
 */
export function plainOrderStateItem(order: object): OrderStateItem | undefined {
  const input = order as Record<string, unknown>;
  if (!('orderId' in input)) return undefined;
  const item: Record<string, unknown> = {};
  for (let i = 0; i < ITEM_KEYS.length; i++) {
    const key = ITEM_KEYS[i]!;
    if (!(key in input)) continue;
    const value = input[key];
    switch (ITEM_FIELDS[i]!) {
      case Field.id:
        if (typeof value !== 'string' || value.length === 0 || !isWellFormed(value)) return undefined;
        break;
      case Field.status:
        if (!STATUS_SET.has(value)) return undefined;
        break;
      case Field.name:
        if (!isStepName(value)) return undefined;
        break;
      case Field.number:
        if (!Number.isFinite(value)) return undefined;
        break;
      case Field.time:
        if (!isEpochMs(value)) return undefined;
        break;
      case Field.steps:
        if (!plainSteps(value)) return undefined;
        break;
    }
    item[key] = value;
  }
  for (const key in input) {
    if (ITEM_KEY_SET.has(key) || key === '__proto__') continue;
    item[key] = input[key];
  }
  return item as OrderStateItem;
}

/** Whether `steps` plainly is what StepsSchema accepts: each a step name → only known times and a station. */
function plainSteps(steps: unknown): boolean {
  if (typeof steps !== 'object' || steps === null || Array.isArray(steps)) return false;
  const byName = steps as Record<string, unknown>;
  for (const step of Object.keys(byName)) {
    if (!isStepName(step)) return false;
    const times = byName[step];
    if (typeof times !== 'object' || times === null || Array.isArray(times)) return false;
    for (const field in times) {
      const value = (times as Record<string, unknown>)[field];
      if (field === 'startedAt' || field === 'finishedAt') {
        if (!isEpochMs(value)) return false;
      } else if (field !== 'station' || !isStepName(value)) return false;
    }
  }
  return true;
}
