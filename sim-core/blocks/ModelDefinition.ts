// The model file: a process model declared as data (parameters, resources, blocks), validated
// with a schema so that a mistake in a file is reported by name, not discovered mid-run.
import * as z from 'zod';
import {
  DISTRIBUTION_OR_PARAM_RULE,
  DistributionSchema,
  FORBIDDEN_NAME,
  nonNegative,
  ParameterValueSchema,
} from './distributions.ts';

const name = z
  .string()
  .min(1)
  .refine((n) => n !== FORBIDDEN_NAME, `"${FORBIDDEN_NAME}" is not allowed as a name`);

/** `{ "param": "name" }`: the value of a model parameter. */
const ParamRef = z.object({ param: z.string().min(1) }).strict();

const DistributionOrParam = z.union([DistributionSchema, ParamRef], {
  error: `expected ${DISTRIBUTION_OR_PARAM_RULE}`,
});

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
    capacity: z
      .union([z.number().int().min(1), z.literal('unlimited'), ParamRef], {
        error: 'expected a whole number >= 1, "unlimited" or { "param": name }',
      })
      .default(1),
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
      count: z
        .union([z.number().int().min(0), ParamRef], {
          error: 'expected a whole number >= 0 or { "param": name }',
        })
        .optional(),
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
