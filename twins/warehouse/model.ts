// The warehouse model file (`"kind": "warehouse"`): stations with a number of units, and two flows
// through them, customer orders and inbound shipments, each a list of stages. Checked with zod: a
// mistake is a ScenarioError that names the field. Every station and stage name comes from the file.
import * as z from 'zod';
import { ParameterValueSchema } from '../../sim-core/blocks/distributions.ts';
import type { DistributionSpec } from '../../sim-core/random/Random.ts';
import { ScenarioError } from '../scenarios/ScenarioTwin.ts';

/** The `kind` of a warehouse model file. */
export const WAREHOUSE_KIND = 'warehouse';

/** The longest day a model may simulate: a year of hours, so that every run ends in reasonable time. */
export const MAX_HORIZON_HOURS = 24 * 366;

/** sim-core's distributions (a number is a fixed value), as the block and plant models check them. */
const Distribution = (
  ParameterValueSchema as unknown as { options: [z.ZodType<DistributionSpec>, z.ZodType] }
).options[0];

const Name = z
  .string()
  .min(1, 'must be a name of 1 to 100 characters')
  .max(100, 'must be a name of 1 to 100 characters')
  .refine((n) => n !== '__proto__', '"__proto__" is not allowed as a name');

const Rate = z
  .number()
  .refine(Number.isFinite, 'must be a finite number')
  .refine((x) => x > 0 && x <= 1e6, 'must be a number > 0 and at most 1,000,000 an hour');

const StationSchema = z
  .object({
    id: Name,
    label: z.string().optional(),
    units: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000),
  })
  .strict();

const StageSchema = z
  .object({
    name: Name,
    station: Name,
    /** Minutes per order (or shipment), or per item (or pallet) with `per: "item"`. */
    time: Distribution,
    per: z.enum(['order', 'item']).default('order'),
    /** Each item is a task of its own for a free unit (put-away of pallets); all must finish. */
    split: z.boolean().default(false),
  })
  .strict()
  .refine((s) => !s.split || s.per === 'item', { message: 'split needs per "item"', path: ['split'] });

const QuantitySchema = z
  .object({
    min: z.number().int('must be a whole number').min(1, 'must be at least 1'),
    max: z.number().int('must be a whole number').max(100_000, 'must be at most 100,000'),
  })
  .strict()
  .refine((q) => q.min <= q.max, { message: 'min must not exceed max', path: ['min'] });

const FlowSchema = z
  .object({
    /** Poisson arrivals: the mean number an hour. */
    arrivalsPerHour: Rate,
    /** Items of an order (pallets of a shipment): a whole number, uniform from min to max. */
    items: QuantitySchema,
    stages: z.array(StageSchema).min(1, 'needs at least one stage'),
  })
  .strict();

export const WarehouseModelSchema = z
  .object({
    kind: z.literal(WAREHOUSE_KIND),
    name: z.string().min(1),
    description: z.string().optional(),
    /** The simulated day: orders and shipments arrive from 0 to this; the work then drains. */
    horizonHours: z
      .number()
      .refine((h) => h > 0 && h <= MAX_HORIZON_HOURS, `must be > 0 and at most ${MAX_HORIZON_HOURS}`),
    /** Arrivals before this are work in process for the day, not counted in its KPIs. */
    warmupHours: z.number().min(0, 'must be >= 0').default(0),
    stations: z.array(StationSchema).min(1, 'needs at least one station'),
    orders: FlowSchema,
    inbound: FlowSchema.optional(),
  })
  .strict()
  .refine((m) => m.warmupHours < m.horizonHours, {
    message: 'must be less than horizonHours',
    path: ['warmupHours'],
  });

export type WarehouseModel = z.infer<typeof WarehouseModelSchema>;
export type WarehouseFlow = WarehouseModel['orders'];
export type WarehouseStage = WarehouseFlow['stages'][number];
export type WarehouseStation = WarehouseModel['stations'][number];

/** The flows of a model by their role: customer orders always, inbound shipments if declared. */
export function flowsOf(model: WarehouseModel): { role: 'orders' | 'inbound'; flow: WarehouseFlow }[] {
  return model.inbound === undefined
    ? [{ role: 'orders', flow: model.orders }]
    : [
        { role: 'orders', flow: model.orders },
        { role: 'inbound', flow: model.inbound },
      ];
}

/** A JSON path as the errors print it: `orders.stages[1].station`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/** Parses and checks a warehouse model file; a ScenarioError names the first field that is wrong. */
export function parseWarehouseModel(json: unknown): WarehouseModel {
  const result = WarehouseModelSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length === 0 ? 'model' : jsonPath(issue.path);
    throw new ScenarioError(`${where}: ${issue.message}`);
  }
  const model = result.data;
  const stations = new Set<string>();
  model.stations.forEach((s, i) => {
    if (stations.has(s.id)) throw new ScenarioError(`stations[${i}].id: station "${s.id}" is declared twice`);
    stations.add(s.id);
  });
  const stages = new Set<string>();
  for (const { role, flow } of flowsOf(model)) {
    flow.stages.forEach((stage, i) => {
      if (!stations.has(stage.station)) {
        throw new ScenarioError(
          `${role}.stages[${i}].station: unknown station "${stage.station}" (the model's: ${[...stations].join(', ')})`,
        );
      }
      if (stages.has(stage.name))
        throw new ScenarioError(`${role}.stages[${i}].name: stage "${stage.name}" is declared twice`);
      stages.add(stage.name);
    });
  }
  return model;
}
