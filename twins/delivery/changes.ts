// A scenario's changes to a product-delivery model (policies, demand, rates, capacities, centers
// down), checked against the model, and the run set-up they resolve to.
import * as z from 'zod';
import { ScenarioError } from '../scenarios/ScenarioTwin.ts';
import {
  checkPolicy,
  type DeliveryModel,
  describeZodError,
  MAX_RATE,
  type Policy,
  PolicySchema,
  requiredFields,
  WEEKDAYS,
  type Weekday,
} from './model.ts';

const perCenter = <T extends z.ZodType>(value: T) => z.record(z.string(), value);
const positive = z.number().finite().positive('must be more than 0');
const nonNegative = z.number().finite().min(0, 'must be 0 or more');

const DemandRuleSchema = z.strictObject({
  /** Order sizes on the chosen days are this many times their drawn size. */
  multiplier: nonNegative,
  /** The weekdays it applies to (none named and no days: every day). */
  weekdays: z.array(z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` })).optional(),
  /** The days of the run it applies to, 1 = the first Monday. */
  days: z.array(z.number().int('must be a whole day').min(1, 'must be 1 or more')).optional(),
});
export type DemandRule = z.infer<typeof DemandRuleSchema>;

export const DeliveryChangesSchema = z.strictObject({
  /** One policy for every center. */
  policy: PolicySchema.optional(),
  /** A policy per center, by name (over `policy`). */
  policies: perCenter(PolicySchema).optional(),
  /** Demand: one multiplier of every order, or rules for chosen weekdays or days (they multiply). */
  demand: z.union([nonNegative, z.array(DemandRuleSchema)]).optional(),
  /** The rate each center starts at. */
  initialRate: perCenter(z.number().finite().min(0, 'must be 0 or more').max(MAX_RATE)).optional(),
  /** Store capacity per center. */
  capacity: perCenter(positive).optional(),
  /** The most a center's machines make, whatever its policy asks. */
  rateCap: perCenter(nonNegative).optional(),
  /** One more machine: units an hour it adds to the center's output, always on. */
  extraRate: perCenter(nonNegative).optional(),
  /** Machine outages: a center makes nothing from the start of day `fromDay` to the end of day `toDay` (1 = the first Monday); its orders still come to it. */
  outages: z
    .array(
      z.strictObject({
        center: z.string(),
        fromDay: z.number().int('must be a whole day').min(1, 'must be 1 or more'),
        toDay: z.number().int('must be a whole day').min(1, 'must be 1 or more'),
      }),
    )
    .optional(),
  /** Centers closed for the whole run: their distributors order from the next nearest center. */
  down: z.array(z.string()).optional(),
  /** The horizon in weeks, instead of the model's. */
  weeks: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(104).optional(),
});
export type DeliveryChanges = z.infer<typeof DeliveryChangesSchema>;

/** One center as a run sees it, the scenario's changes applied. */
export interface RunCenter {
  name: string;
  lat: number;
  lon: number;
  capacity: number;
  initialInventory: number;
  initialRate: number;
  rateCap: number;
  extraRate: number;
  policy: Policy;
  up: boolean;
  /** Hours [from, to) in which its machines make nothing. */
  outages: { from: number; to: number }[];
}

/** What a run is set up with: the model with a scenario's changes applied. */
export interface RunSetup {
  model: DeliveryModel;
  weeks: number;
  centers: RunCenter[];
  /** The multiplier of order sizes on day `day` (0 = the first Monday). */
  demandOn(day: number): number;
}

/** Checks a scenario's changes against the model: unknown centers are refused by name. */
export function parseChanges(json: unknown, model: DeliveryModel, where: string): DeliveryChanges {
  const result = DeliveryChangesSchema.safeParse(json ?? {}, requiredFields);
  if (!result.success) throw new ScenarioError(describeZodError(where, result.error));
  const changes = result.data;
  const names = new Set(model.centers.map((c) => c.name));
  const known = [...names].join(', ');
  const check = (center: string, field: string) => {
    if (!names.has(center)) {
      throw new ScenarioError(`${where}.${field}: no center "${center}" in the model (it has ${known})`);
    }
  };
  for (const field of ['policies', 'initialRate', 'capacity', 'rateCap', 'extraRate'] as const) {
    for (const center of Object.keys(changes[field] ?? {})) check(center, `${field}.${center}`);
  }
  changes.down?.forEach((center, i) => {
    check(center, `down[${i}]`);
  });
  changes.outages?.forEach((outage, i) => {
    check(outage.center, `outages[${i}].center`);
    if (outage.toDay < outage.fromDay) {
      throw new ScenarioError(`${where}.outages[${i}].toDay: must not be before fromDay (${outage.fromDay})`);
    }
  });
  if (changes.down !== undefined && new Set(changes.down).size >= names.size) {
    throw new ScenarioError(`${where}.down: at least one center must stay up`);
  }
  checkPolicy(changes.policy, `${where}.policy`);
  for (const [center, policy] of Object.entries(changes.policies ?? {})) {
    checkPolicy(policy, `${where}.policies.${center}`);
  }
  return changes;
}

/** The run set-up of `model` with `changes` (none: the model as it is). */
export function resolveRun(model: DeliveryModel, changes: DeliveryChanges = {}): RunSetup {
  const down = new Set(changes.down ?? []);
  const centers = model.centers.map((c): RunCenter => {
    const capacity = changes.capacity?.[c.name] ?? c.capacity;
    const rateCap = Math.min(MAX_RATE, changes.rateCap?.[c.name] ?? MAX_RATE);
    const policy = changes.policies?.[c.name] ?? changes.policy ?? c.policy ?? model.policy;
    const initialRate = Math.min(
      rateCap,
      changes.initialRate?.[c.name] ?? (policy.type === 'static' ? policy.rate : c.initialRate),
    );
    return {
      name: c.name,
      lat: c.lat,
      lon: c.lon,
      capacity,
      initialInventory: Math.min(capacity, c.initialInventory),
      initialRate,
      rateCap,
      extraRate: changes.extraRate?.[c.name] ?? 0,
      policy,
      up: !down.has(c.name),
      outages: (changes.outages ?? [])
        .filter((o) => o.center === c.name)
        .map((o) => ({ from: (o.fromDay - 1) * 24, to: o.toDay * 24 })),
    };
  });
  const demand = changes.demand;
  const demandOn =
    demand === undefined
      ? () => 1
      : typeof demand === 'number'
        ? () => demand
        : (day: number) => demand.reduce((m, rule) => (appliesOn(rule, day) ? m * rule.multiplier : m), 1);
  return { model, weeks: changes.weeks ?? model.weeks, centers, demandOn };
}

function appliesOn(rule: DemandRule, day: number): boolean {
  const weekday: Weekday = WEEKDAYS[day % 7]!;
  if (rule.weekdays === undefined && rule.days === undefined) return true;
  return (rule.weekdays?.includes(weekday) ?? false) || (rule.days?.includes(day + 1) ?? false);
}
