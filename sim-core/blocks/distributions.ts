// Distributions and parameter values as a model file writes them, with the one name no model may
// use: shared by the block models (ModelDefinition.ts) and the plant models (orderflow/model/), which
// load this alone and not the block models' schemas.
import * as z from 'zod';
import { lognormalSigma2, MAX_MODEL_VALUE } from '../random/Random.ts';

/**
 * `__proto__` as a name: JSON.parse makes it an own key, but assigning it to an object replaces
 * the object's prototype, and zod drops it from a record without a word. Refused as a name
 * (parseModelDefinition refuses it as a key of parameters, queue rules and attributes).
 */
export const FORBIDDEN_NAME = '__proto__';

/**
 * zod's options for a file a process parses once, a model: without the parsers zod compiles (with
 * `new Function`) on an object schema's first parse, which take longer to build than they save on
 * one parse (the demo plant's model: about 6 ms instead of 12 in a fresh process; later parses of
 * the same schema take a little longer, 0.7 ms instead of 0.55).
 */
export const PARSE_ONCE = { jitless: true } as const;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/** A number a model file may give a time or a weight: finite, 0 to 1e15. */
export const nonNegative = finite
  .refine((x) => x >= 0, 'must be >= 0')
  .refine((x) => x <= MAX_MODEL_VALUE, 'must be at most 1e15');

/** What a distribution may be: the message of a value that is none. */
export const DISTRIBUTION_RULE =
  'a number >= 0 or a distribution: { "dist": "deterministic", "value" }, "uniform" (min, max), "triangular" (min, mode, max), "exponential" (mean), "normal" (mean, sd), "lognormal" (mean, sd) or "empirical" (values, weights)';

/** The same, where a model may also name one of its parameters. */
export const DISTRIBUTION_OR_PARAM_RULE = `${DISTRIBUTION_RULE}, or { "param": name }`;

export const DistributionSchema = z.union(
  [
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
  ],
  { error: `expected ${DISTRIBUTION_RULE}` },
);

/** A parameter's value: a distribution (a number is a fixed one) or a name (a queue rule). */
export const ParameterValueSchema = z.union([DistributionSchema, z.string().min(1)], {
  error: `expected ${DISTRIBUTION_RULE}, or a name (a queue rule)`,
});
export type ParameterValue = z.output<typeof ParameterValueSchema>;
