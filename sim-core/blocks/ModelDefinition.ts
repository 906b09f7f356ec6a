// The model file: a process model declared as data (parameters, resources, blocks), validated
// with a schema so that a mistake in a file is reported by name, not discovered mid-run.
import * as z from 'zod';
import { lognormalSigma2, MAX_MODEL_VALUE } from '../random/Random.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const nonNegative = finite
  .refine((x) => x >= 0, 'must be >= 0')
  .refine((x) => x <= MAX_MODEL_VALUE, 'must be at most 1e15');

/**
 * `__proto__` as a name: JSON.parse makes it an own key, but assigning it to an object replaces
 * the object's prototype, and zod drops it from a record without a word. Refused as a name
 * (parseModelDefinition refuses it as a key of parameters, queue rules and attributes).
 */
export const FORBIDDEN_NAME = '__proto__';
const name = z
  .string()
  .min(1)
  .refine((n) => n !== FORBIDDEN_NAME, `"${FORBIDDEN_NAME}" is not allowed as a name`);

/** `{ "param": "name" }`: the value of a model parameter. */
const ParamRef = z.object({ param: z.string().min(1) }).strict();

const DistributionSchema = z.union([
  nonNegative,
  z.object({ dist: z.literal('deterministic'), value: nonNegative }).strict(),
  z
    .object({ dist: z.literal('uniform'), min: nonNegative, max: nonNegative })
    .strict()
    .refine((d) => d.min <= d.max, { message: 'min must not exceed max', path: ['min'] }),
  z
    .object({ dist: z.literal('triangular'), min: nonNegative, mode: nonNegative, max: nonNegative })
    .strict()
    .refine((d) => d.min <= d.mode && d.mode <= d.max, {
      message: 'needs min <= mode <= max',
      path: ['mode'],
    }),
  z
    .object({ dist: z.literal('exponential'), mean: nonNegative })
    .strict()
    .refine((d) => d.mean > 0, { message: 'must be > 0', path: ['mean'] }),
  z.object({ dist: z.literal('normal'), mean: nonNegative, sd: nonNegative }).strict(),
  z
    .object({ dist: z.literal('lognormal'), mean: nonNegative, sd: nonNegative })
    .strict()
    .refine((d) => d.mean > 0, { message: 'must be > 0', path: ['mean'] })
    .refine((d) => d.mean === 0 || Number.isFinite(lognormalSigma2(d.mean, d.sd)), {
      message:
        'with this mean, sd is too large (or the mean too small) for a lognormal: its sigma is not a finite number',
      path: ['sd'],
    }),
  z
    .object({
      dist: z.literal('empirical'),
      values: z.array(nonNegative).min(1),
      weights: z.array(nonNegative).optional(),
    })
    .strict()
    .refine((d) => d.weights === undefined || d.weights.length === d.values.length, {
      message: 'needs one weight per value',
      path: ['weights'],
    })
    .refine((d) => d.weights === undefined || d.weights.some((w) => w > 0), {
      message: 'needs a weight above zero',
      path: ['weights'],
    }),
]);

const DistributionOrParam = z.union([DistributionSchema, ParamRef]);

/** Ascending sort keys on entity attributes; a leading `-` sorts that key descending. */
const QueueRule = z
  .object({
    orderBy: z
      .array(
        z
          .string()
          .min(1)
          .refine(
            (k) => k.replace(/^-/, '') !== FORBIDDEN_NAME,
            `"${FORBIDDEN_NAME}" is not allowed as a name`,
          ),
      )
      .min(1),
  })
  .strict();

const Resource = z
  .object({
    id: z.string().min(1),
    capacity: z.union([z.number().int().min(1), z.literal('unlimited'), ParamRef]).default(1),
    /** `fifo`, or the name of one of the model's `queueRules`, or a parameter naming one. */
    queue: z.union([z.string().min(1), ParamRef]).default('fifo'),
    /** `end-of-instant`: requests made at one instant compete by queue order, whatever their event order. */
    dispatch: z.enum(['immediate', 'end-of-instant']).default('immediate'),
  })
  .strict();

const base = { id: z.string().min(1), step: z.string().min(1).optional() };
const next = z.string().min(1);

const Block = z.discriminatedUnion('type', [
  z
    .object({
      ...base,
      type: z.literal('source'),
      interArrival: DistributionOrParam,
      count: z.union([z.number().int().min(0), ParamRef]).optional(),
      start: nonNegative.optional(),
      attributes: z.record(z.string(), DistributionOrParam).optional(),
      next,
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('delay'),
      duration: DistributionOrParam,
      durationAttribute: name.optional(),
      next,
    })
    .strict(),
  z.object({ ...base, type: z.literal('seize'), resource: z.string().min(1), next }).strict(),
  z.object({ ...base, type: z.literal('release'), resource: z.string().min(1), next }).strict(),
  z
    .object({
      ...base,
      type: z.literal('router'),
      rule: z.enum(['alternate', 'random']),
      to: z.array(z.string().min(1)).min(1),
      weights: z.array(nonNegative).optional(),
    })
    .strict(),
  z.object({ ...base, type: z.literal('sink') }).strict(),
]);

/** A parameter's value: a distribution (a number is a fixed one) or a name (a queue rule). */
export const ParameterValueSchema = z.union([DistributionSchema, z.string().min(1)]);

export const ModelDefinitionSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** Label of the model's time unit, for reports (`min`, `ms`). */
    timeUnit: z.string().default('min'),
    parameters: z.record(z.string(), ParameterValueSchema).default({}),
    queueRules: z.record(z.string(), QueueRule).default({}),
    resources: z.array(Resource).default([]),
    blocks: z.array(Block).min(1),
  })
  .strict();

export type ModelDefinition = z.output<typeof ModelDefinitionSchema>;
export type ModelDefinitionInput = z.input<typeof ModelDefinitionSchema>;
export type BlockDefinition = ModelDefinition['blocks'][number];
export type ParameterValue = z.output<typeof ParameterValueSchema>;
