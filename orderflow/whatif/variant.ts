// A what-if variant: a planner's option, written as a name and a list of changes to the live state
// and the plant model (expedite material, change a priority or due date, add a rush order, add or
// take away units of a station, change a queue rule or an operation's duration, hold an order, plan,
// move or cancel a maintenance window). Checked against a schema, then against the snapshot and the
// model: a change that names what they do not have is refused with the name.
import * as z from 'zod';
import { isoTime } from '../../contracts/events.ts';
import { ModelError } from '../../sim-core/kernel/errors.ts';
import { Distribution, Name, QUEUE_RULES } from '../model/plantModel.ts';

/** A variant that cannot be run: its file does not fit the schema, or it names what is not there. */
export class VariantError extends ModelError {
  override name = 'VariantError';
}

const order = Name.meta({ description: 'an active order of the snapshot, by orderId' });
const station = Name.meta({ description: 'a station of the model, by id' });
const from = isoTime
  .optional()
  .meta({ description: 'ISO-8601 time with offset; default: the snapshot’s asOf' });
const to = isoTime.optional().meta({ description: 'ISO-8601 time with offset; default: open-ended' });

const Expedite = z
  .object({ change: z.literal('expedite'), order, eta: isoTime })
  .strict()
  .meta({ description: "the order's material arrives at this new ETA" });
const Priority = z
  .object({ change: z.literal('priority'), order, priority: z.number().int() })
  .strict()
  .meta({ description: "the order's priority (higher first at stations whose rule is priority)" });
const DueDate = z
  .object({ change: z.literal('due-date'), order, dueAt: isoTime })
  .strict()
  .meta({ description: "the order's new due date" });
const RushOrder = z
  .object({
    change: z.literal('rush-order'),
    order: Name.meta({ description: 'the new order’s id (not one of the snapshot’s)' }),
    product: Name.optional().meta({ description: 'a product of the model; default: the model’s default' }),
    dueAt: isoTime,
    priority: z.number().int().optional(),
  })
  .strict()
  .meta({ description: 'a new order, accepted at asOf, whose routing starts then' });
const Units = z
  .object({
    change: z.literal('units'),
    station,
    add: z
      .number()
      .int()
      .refine((n) => n !== 0, 'must not be 0')
      .meta({
        description: 'units added (an extra shift, a machine) or, below 0, taken away (a machine down)',
      }),
    from,
    to,
  })
  .strict()
  .refine((c) => c.from === undefined || c.to === undefined || Date.parse(c.to) > Date.parse(c.from), {
    message: 'to must be after from',
    path: ['to'],
  })
  .meta({ description: 'units of a station added or taken away, from a time, until a time' });
const QueueRuleChange = z
  .object({ change: z.literal('queue-rule'), station, rule: z.enum(QUEUE_RULES) })
  .strict()
  .meta({ description: "the station's queue rule" });
const DurationChange = z
  .object({
    change: z.literal('duration'),
    step: Name.meta({ description: 'an operation step of the model, by name' }),
    product: Name.optional().meta({
      description: 'only this product’s step; default: every product with the step',
    }),
    duration: Distribution.meta({ description: "a distribution in the model's time unit" }),
  })
  .strict()
  .meta({ description: "an operation's duration (a faster machine)" });
const Hold = z
  .object({ change: z.literal('hold'), order, until: isoTime })
  .strict()
  .meta({ description: 'the order waiting (not in an operation) takes its next step no earlier than until' });
const Maintenance = z
  .object({
    change: z.literal('maintenance'),
    maintenanceId: Name.meta({ description: 'a planned window to move, or a new one' }),
    station,
    unit: z.number().int().min(1).optional(),
    from: isoTime,
    to: isoTime,
  })
  .strict()
  .refine((c) => Date.parse(c.to) > Date.parse(c.from), { message: 'to must be after from', path: ['to'] })
  .meta({ description: 'a maintenance window planned, or a planned one moved (same maintenanceId)' });
const CancelMaintenance = z
  .object({ change: z.literal('cancel-maintenance'), maintenanceId: Name })
  .strict()
  .meta({ description: 'a planned maintenance window cancelled' });

export const ChangeSchema = z.discriminatedUnion('change', [
  Expedite,
  Priority,
  DueDate,
  RushOrder,
  Units,
  QueueRuleChange,
  DurationChange,
  Hold,
  Maintenance,
  CancelMaintenance,
]);
export type Change = z.output<typeof ChangeSchema>;
export type ChangeKind = Change['change'];

export const VariantSchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    changes: z.array(ChangeSchema).default([]),
  })
  .strict();
export type Variant = z.output<typeof VariantSchema>;
export type VariantInput = z.input<typeof VariantSchema>;

/** A variants file: one variant, a list of them, or `{ "variants": [...] }`. */
const VariantsFileSchema = z.union([
  VariantSchema,
  z.array(VariantSchema),
  z.object({ variants: z.array(VariantSchema) }).strict(),
]);

/** The baseline's name in results: a variant may not take it. */
export const BASELINE = 'baseline';

/**
 * Validates raw JSON (a variants file) as a list of variants; throws a VariantError naming the
 * JSON path of the first problem and what is wrong, or a name used twice.
 */
export function parseVariants(raw: unknown): Variant[] {
  const result = VariantsFileSchema.safeParse(raw);
  if (!result.success) {
    // The union's own error says little: report the issue of the shape the file meant.
    const meant = Array.isArray(raw)
      ? z.array(VariantSchema)
      : typeof raw === 'object' && raw !== null && 'variants' in raw
        ? z.object({ variants: z.array(VariantSchema) }).strict()
        : VariantSchema;
    const issue = (meant.safeParse(raw).error ?? result.error).issues[0]!;
    throw new VariantError(`${variantPath(issue.path)}: ${issue.message}`);
  }
  const data = result.data;
  const variants = Array.isArray(data) ? data : 'variants' in data ? data.variants : [data];
  const seen = new Set<string>([BASELINE]);
  variants.forEach((v, i) => {
    if (seen.has(v.name)) {
      throw new VariantError(
        v.name === BASELINE
          ? `variants[${i}].name: "${BASELINE}" names the live plant; choose another name`
          : `variants[${i}].name: "${v.name}" is the name of an earlier variant`,
      );
    }
    seen.add(v.name);
  });
  return variants;
}

/** `variants[0].changes[1].eta`: where in the file a problem is. */
function variantPath(path: readonly PropertyKey[]): string {
  return `variants${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
}

/** The JSON Schema of a variants file (`twin schema variant`). */
export function variantJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://order-flow-twin/schemas/variant.json',
    title: 'What-if variants',
    description:
      'Options of a planner, each a name and a list of changes to the live state and the plant model; ' +
      'run beside the live plant (the baseline) on the same random futures and ranked. One variant, a list, ' +
      'or { "variants": [...] }. Times are ISO-8601 with offset; durations are in the model’s time unit.',
    ...z.toJSONSchema(VariantsFileSchema, { target: 'draft-2020-12', io: 'input' }),
  };
}
