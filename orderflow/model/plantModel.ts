// The plant model file: a plant's stations and its products' routings, as data. Checked with a
// schema at load, so that a mistake in a file is reported by its JSON path, not found mid-forecast.
import * as z from 'zod';
import { isWellFormed, WELL_FORMED_RULE } from '../../contracts/wellFormed.ts';
import {
  DISTRIBUTION_OR_PARAM_RULE,
  FORBIDDEN_NAME,
  ParameterValueSchema,
} from '../../sim-core/blocks/distributions.ts';
import type { DistributionSpec } from '../../sim-core/random/Random.ts';
import { isTimeZone, WEEKDAYS, wallMinutes } from '../shifts.ts';
import { TIME_UNITS, type TimeUnit } from './timeUnits.ts';

/** The queue rules a station may follow; ties always go to the earlier acceptedAt, then orderId. */
export const QUEUE_RULES = ['fifo', 'priority', 'due-date'] as const;
export type QueueRule = (typeof QUEUE_RULES)[number];

/** What becomes of an operation whose unit goes down: the rest of it later, or all of it again. */
export const INTERRUPTIONS = ['resume', 'restart'] as const;
export type Interruption = (typeof INTERRUPTIONS)[number];

export { TIME_UNITS, type TimeUnit };

/**
 * A name in a model (station, product, step, parameter): 1 to 100 characters of well-formed Unicode,
 * never `__proto__` (JSON.parse makes it an own key; assigning it replaces an object's prototype).
 */
export const Name = z
  .string()
  .min(1, 'must be a name of 1 to 100 characters')
  .max(100, 'must be a name of 1 to 100 characters')
  .refine(isWellFormed, WELL_FORMED_RULE)
  .refine((n) => n !== FORBIDDEN_NAME, `"${FORBIDDEN_NAME}" is not allowed as a name`);

/** `{ "param": "name" }`: the value of one of the model's parameters. */
const ParamRef = z.object({ param: Name }).strict().meta({ description: 'the value of a parameter' });

/** sim-core's distributions: a number (fixed), or `{ "dist": … }`, every value at most 1e15. */
export const Distribution = (
  ParameterValueSchema as unknown as { options: [z.ZodType<DistributionSpec>, z.ZodType] }
).options[0];

/** A duration: a distribution in the model's time unit, or a parameter holding one. */
const Duration = z.union([Distribution, ParamRef], {
  error: `expected ${DISTRIBUTION_OR_PARAM_RULE}`,
});

/** A wall time of day, `HH:MM` from 00:00 to 24:00. */
const WallTime = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time of day HH:MM, 00:00 to 24:00');

/** A shift: its start and end; an end at or before its start is on the next day (22:00 to 06:00). */
const Shift = z
  .tuple([WallTime, WallTime])
  .refine(([start]) => start !== '24:00', 'a shift starts before 24:00')
  .refine(([start, end]) => wallMinutes(start) !== wallMinutes(end) % 1440, {
    message: 'a shift must not start and end at the same time (round the clock: ["00:00", "24:00"])',
  });

const DayShifts = z.array(Shift).meta({ description: 'the shifts that start on that day; [] none' });

/** Whether `d` is a date of the calendar, `YYYY-MM-DD`. */
function isCalendarDate(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const t = Date.parse(`${d}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d;
}

/** A station's shift calendar: working hours per weekday, exceptions by date. */
const Shifts = z
  .object({
    mon: DayShifts.optional(),
    tue: DayShifts.optional(),
    wed: DayShifts.optional(),
    thu: DayShifts.optional(),
    fri: DayShifts.optional(),
    sat: DayShifts.optional(),
    sun: DayShifts.optional(),
    /** Dates whose shifts differ from their weekday's (a holiday: []). */
    exceptions: z
      .record(z.string(), DayShifts)
      .superRefine((dates, ctx) => {
        for (const date of Object.keys(dates)) {
          if (!isCalendarDate(date))
            ctx.addIssue({
              code: 'custom',
              path: [date],
              message: 'must be a date of the calendar, YYYY-MM-DD',
            });
        }
      })
      .default({})
      .meta({ description: 'shifts by date (YYYY-MM-DD), instead of its weekday’s; [] a day off' }),
    /** Whether an operation starts only if its duration fits before the shift ends (else it waits for the next). */
    startOnlyIfFinishes: z.boolean().default(false),
  })
  .strict()
  .refine((s) => WEEKDAYS.some((d) => (s[d]?.length ?? 0) > 0), {
    message: 'needs a shift on at least one weekday (mon, tue, wed, thu, fri, sat, sun)',
  })
  .meta({
    description:
      "working hours in the plant's time zone: per weekday (sun to sat; a day not listed has no shift) the shifts that start on it, and exceptions by date",
  });

const Station = z
  .object({
    id: Name,
    /** Display name (default: the id). */
    name: z.string().min(1).max(200).optional(),
    /** Units that work at once: a whole number >= 1, or a parameter holding one. */
    capacity: z
      .union([z.number().int('must be a whole number >= 1').min(1), ParamRef], {
        error: 'expected a whole number >= 1 or { "param": name }',
      })
      .default(1),
    /** The order in which waiting orders are taken: fifo, priority or due-date, or a parameter naming one. */
    queueRule: z.union([z.enum(QUEUE_RULES), ParamRef]).default('fifo'),
    /** How its units break down: the time a unit works between failures, and the time to repair it. */
    failures: z.object({ timeBetweenFailures: Duration, timeToRepair: Duration }).strict().optional().meta({
      description: "how the station's units break down, each on its own (durations in the time unit)",
    }),
    /**
     * What becomes of an operation cut by its unit going down (a failure, maintenance): `resume`, the
     * time it had left runs once the unit is back; `restart`, it starts over then.
     */
    interruption: z.enum(INTERRUPTIONS).default('resume'),
    /** Its shift calendar: out of work outside it (default: always working). */
    shifts: Shifts.optional(),
  })
  .strict();

const MaterialStep = z
  .object({
    step: Name,
    kind: z.literal('material'),
    /** Time from the material order to its arrival, when no supplier's ETA is known. */
    leadTime: Duration,
  })
  .strict();

const OperationStep = z
  .object({
    step: Name,
    kind: z.literal('operation'),
    /** The station whose unit the order holds for the operation. */
    station: Name,
    duration: Duration,
  })
  .strict();

const RoutingStep = z.discriminatedUnion('kind', [MaterialStep, OperationStep]);

const Product = z
  .object({
    id: Name,
    name: z.string().min(1).max(200).optional(),
    /** The steps of an order of this product, in order. */
    routing: z.array(RoutingStep).min(1, 'needs at least one step'),
  })
  .strict();

/** The plant model file. */
export const PlantModelSchema = z
  .object({
    name: Name,
    description: z.string().optional(),
    /** The unit of every duration in the file. */
    timeUnit: z.enum(Object.keys(TIME_UNITS) as [TimeUnit, ...TimeUnit[]]).default('min'),
    /** The IANA time zone of the plant's shift calendars. */
    timeZone: z
      .string()
      .refine(isTimeZone, { message: 'must be an IANA time zone name, such as "Europe/Berlin" or "UTC"' })
      .default('UTC')
      .meta({ description: "the IANA time zone of the stations' shift calendars (default UTC)" }),
    /** Values that stations and steps refer to as `{ "param": name }`, overridable per run. */
    parameters: z.record(Name, ParameterValueSchema).default({}),
    stations: z.array(Station).default([]),
    products: z
      .array(Product, {
        error: (issue) =>
          issue.input === undefined
            ? 'required: the products, each with its routing'
            : 'expected a list of products',
      })
      .min(1, 'needs at least one product'),
    /** The product of an order that names none (optional when there is one product). */
    defaultProduct: Name.optional(),
    /** Monte Carlo forecasts: extra wait after a supplier's ETA, drawn per order (default none). */
    etaSlip: Duration.optional(),
  })
  .strict();

export type PlantModel = z.output<typeof PlantModelSchema>;
export type PlantModelInput = z.input<typeof PlantModelSchema>;
export type StationDefinition = PlantModel['stations'][number];
export type ProductDefinition = PlantModel['products'][number];
export type RoutingStepDefinition = ProductDefinition['routing'][number];
export type ParamRef = z.output<typeof ParamRef>;

/** The JSON Schema of a plant model file (`twin schema model`). */
export function plantModelJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://order-flow-twin/schemas/plant-model.json',
    title: 'Plant model',
    description:
      "A plant's process as data: stations (capacity, queue rule) and products, each with a routing of " +
      'material waits and operations at stations. Durations are distributions in the time unit of the file; ' +
      '{ "param": name } takes the value of a parameter, which a run may override.',
    ...z.toJSONSchema(PlantModelSchema, { target: 'draft-2020-12', io: 'input' }),
  };
}
