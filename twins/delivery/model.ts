// The product-delivery model file: manufacturing centers, distributors, costs and control policies,
// checked with zod; every error names the JSON path of what is wrong (a ScenarioError).
import * as z from 'zod';
import { ScenarioError } from '../scenarios/ScenarioTwin.ts';

/** The days of the week, in the order of a model's week (its first day is a Monday). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The most a center's machines make in an hour, whatever a policy asks. */
export const MAX_RATE = 200;

const name = z.string().min(1, 'must not be empty').max(80, 'must be 80 characters at most');
const nonNegative = z.number().finite().min(0, 'must be 0 or more');
const positive = z.number().finite().positive('must be more than 0');
const rate = z.number().finite().min(0, 'must be 0 or more').max(MAX_RATE, `must be ${MAX_RATE} or less`);
const share = z.number().finite().min(0, 'must be 0 or more').max(1, 'must be 1 or less');

const weekdayProbabilities = z.union([
  z.array(share).length(7, 'must list 7 probabilities, Monday to Sunday'),
  z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, share])) as Record<Weekday, typeof share>),
]);

/** How a center's production rate is chosen, checked at every review. */
export const PolicySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('static'), rate }),
  z.strictObject({
    type: z.literal('linear'),
    /** Below this inventory (units on hand minus units owed to waiting orders) the rate rises. */
    threshold: positive,
    minRate: rate.default(0),
    maxRate: rate.default(MAX_RATE),
  }),
  z.strictObject({
    type: z.literal('demand'),
    /** The window of recent orders whose mean rate the policy follows. */
    windowHours: positive.default(168),
    /** The rate is this many times the recent demand. */
    factor: positive.default(1),
    /** Inventory the policy steers towards, over `correctionHours`; none: demand alone. */
    targetInventory: nonNegative.optional(),
    correctionHours: positive.default(24),
  }),
  z.strictObject({ type: z.literal('manual') }),
]);
export type Policy = z.infer<typeof PolicySchema>;

const CenterSchema = z.strictObject({
  name,
  lat: z.number().min(-90, 'must be a latitude, -90 to 90').max(90, 'must be a latitude, -90 to 90'),
  lon: z.number().min(-180, 'must be a longitude, -180 to 180').max(180, 'must be a longitude, -180 to 180'),
  /** Units the store holds at most. */
  capacity: positive,
  initialInventory: nonNegative,
  /** The rate the machines run at when the run starts. */
  initialRate: rate,
  /** This center's policy; without it, the model's `policy`. */
  policy: PolicySchema.optional(),
});

const OrderSizeSchema = z.strictObject({
  mean: positive,
  sd: nonNegative,
  min: positive.default(1),
});

const DistributorSchema = z.strictObject({
  name,
  lat: CenterSchema.shape.lat,
  lon: CenterSchema.shape.lon,
  /** The chance of an order at each of the day's order checks, per weekday. */
  orderProbability: weekdayProbabilities,
  orderSize: OrderSizeSchema.optional(),
});

export const DeliveryModelSchema = z.strictObject({
  kind: z.literal('product-delivery', { error: 'must be "product-delivery"' }),
  name: name.optional(),
  description: z.string().optional(),
  /** The horizon, in weeks; the run starts on a Monday at 00:00. */
  weeks: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(104, 'must be 104 or less'),
  /** Mean of the exponential delay before a requested rate takes effect. */
  rateChangeDelayHours: positive,
  /** Hours of the day (0–23) at which every distributor decides whether to order. */
  orderCheckHours: z
    .array(z.number().int('must be a whole hour').min(0, 'must be 0 to 23').max(23, 'must be 0 to 23'))
    .min(1, 'must list at least one hour'),
  orderSize: OrderSizeSchema,
  /** How often the policies look at their centers. */
  reviewHours: positive,
  /** A policy asks for a new rate only when it differs from the current target by at least this. */
  deadband: nonNegative.default(10),
  targets: z.strictObject({ withinHours: positive, limitHours: positive }),
  costs: z.strictObject({
    holdingPerUnitHour: nonNegative,
    machinePerHour: nonNegative,
    perRateChange: nonNegative,
  }),
  /** The policy of every center that names none. */
  policy: PolicySchema,
  centers: z.array(CenterSchema).min(1, 'must list at least one center'),
  distributors: z.array(DistributorSchema).min(1, 'must list at least one distributor'),
});

type Parsed = z.infer<typeof DeliveryModelSchema>;
export type Center = Parsed['centers'][number];
export type OrderSize = z.infer<typeof OrderSizeSchema>;

/** A distributor with its probabilities as seven numbers, Monday first. */
export interface Distributor extends Omit<Parsed['distributors'][number], 'orderProbability'> {
  orderProbability: readonly number[];
}

/** A checked product-delivery model. */
export interface DeliveryModel extends Omit<Parsed, 'distributors'> {
  distributors: Distributor[];
}

/** `model.centers[1].capacity`: where in the file a problem is. */
export const jsonPath = (root: string, path: readonly PropertyKey[]): string =>
  `${root}${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;

/** zod's messages, but "is required" for a field that is missing. */
export const requiredFields = {
  error: (issue: { code: string; input?: unknown }) =>
    issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined,
};

/** The first of zod's issues as one line naming its field. */
export function describeZodError(root: string, error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${jsonPath(root, issue.path)}: ${issue.message}`;
}

/** Checks raw JSON as a product-delivery model; a ScenarioError names the field that is wrong. */
export function parseDeliveryModel(json: unknown): DeliveryModel {
  const result = DeliveryModelSchema.safeParse(json, requiredFields);
  if (!result.success) throw new ScenarioError(describeZodError('model', result.error));
  const parsed = result.data;
  unique(
    parsed.centers.map((c) => c.name),
    'centers',
  );
  unique(
    parsed.distributors.map((d) => d.name),
    'distributors',
  );
  parsed.centers.forEach((c, i) => {
    if (c.initialInventory > c.capacity) {
      throw new ScenarioError(
        `model.centers[${i}].initialInventory: ${c.initialInventory} is more than its capacity (${c.capacity})`,
      );
    }
    checkPolicy(c.policy, `model.centers[${i}].policy`);
  });
  checkPolicy(parsed.policy, 'model.policy');
  if (parsed.targets.limitHours < parsed.targets.withinHours) {
    throw new ScenarioError('model.targets.limitHours: must not be less than targets.withinHours');
  }
  return {
    ...parsed,
    distributors: parsed.distributors.map((d) => ({
      ...d,
      orderProbability: Array.isArray(d.orderProbability)
        ? d.orderProbability
        : WEEKDAYS.map((w) => (d.orderProbability as Record<Weekday, number>)[w]),
    })),
  };
}

/** What a schema cannot say of a policy. */
export function checkPolicy(policy: Policy | undefined, path: string): void {
  if (policy?.type === 'linear' && policy.minRate > policy.maxRate) {
    throw new ScenarioError(`${path}.minRate: must not be more than maxRate (${policy.maxRate})`);
  }
}

function unique(names: string[], field: string): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) throw new ScenarioError(`model.${field}[${i}].name: "${n}" is named twice`);
    seen.add(n);
  });
}
