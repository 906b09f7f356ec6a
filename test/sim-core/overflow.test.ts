// Distributions whose parameters would overflow (a normal with sd 1e300, a lognormal with mean
// 1e-300): refused when the model is loaded or a parameter overridden, naming the block or parameter
// and the field, so that no run meets a NaN or an infinite time deep inside.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkModelParameters } from '../../forecast/modelParameters.ts';
import { orderFlowModel } from '../../orderflow/index.ts';
import {
  type DistributionSpec,
  MAX_MODEL_VALUE,
  type ModelDefinitionInput,
  ModelDefinitionSchema,
  ModelError,
  parseModelDefinition,
  Random,
  sampler,
} from '../../sim-core/index.ts';

/** A model whose only delay takes `duration`. */
const withDelay = (duration: unknown): ModelDefinitionInput => ({
  name: 'one-delay',
  blocks: [
    { id: 'in', type: 'source', interArrival: 1, count: 3, next: 'work' },
    { id: 'work', type: 'delay', duration: duration as DistributionSpec, next: 'out' },
    { id: 'out', type: 'sink' },
  ],
});

describe('distributions that would overflow', () => {
  it('are refused in a model file, naming the block’s field and why', () => {
    const cases: [unknown, string][] = [
      [{ dist: 'normal', mean: 1, sd: 1e300 }, 'model.blocks[1].duration.sd: must be at most 1e15'],
      [1e16, 'model.blocks[1].duration: must be at most 1e15'],
      [{ dist: 'uniform', min: 0, max: 1e300 }, 'model.blocks[1].duration.max: must be at most 1e15'],
      [
        { dist: 'lognormal', mean: 1e-300, sd: 1 },
        'model.blocks[1].duration.sd: with this mean, sd is too large (or the mean too small) for a lognormal: its sigma is not a finite number',
      ],
      [{ dist: 'lognormal', mean: 0, sd: 1 }, 'model.blocks[1].duration.mean: must be > 0'],
      [{ dist: 'exponential', mean: 0 }, 'model.blocks[1].duration.mean: must be > 0'],
      [{ dist: 'uniform', min: 5, max: 1 }, 'model.blocks[1].duration.min: min must not exceed max'],
      [
        { dist: 'empirical', values: [1, 2], weights: [1e300, 1] },
        'model.blocks[1].duration.weights[0]: must be at most 1e15',
      ],
      [
        { dist: 'empirical', values: [1, 2], weights: [1] },
        'model.blocks[1].duration.weights: needs one weight per value',
      ],
    ];

    for (const [duration, message] of cases) {
      const parse = () => parseModelDefinition(withDelay(duration));

      expect(parse, JSON.stringify(duration)).toThrow(ModelError);
      expect(parse, JSON.stringify(duration)).toThrow(message);
    }
  });

  it('are refused as a parameter override, naming the parameter and its field', () => {
    expect(() =>
      checkModelParameters(
        '{"productionTime": {"dist": "normal", "mean": 600000, "sd": 1e300}}',
        orderFlowModel,
      ),
    ).toThrow('parameter "productionTime".sd: must be at most 1e15');
    expect(() =>
      checkModelParameters(
        '{"materialLeadTime": {"dist": "lognormal", "mean": 1e-300, "sd": 1}}',
        orderFlowModel,
      ),
    ).toThrow('parameter "materialLeadTime".sd: with this mean, sd is too large');
    expect(() => checkModelParameters('{"productionTime": 1e300}', orderFlowModel)).toThrow(
      'parameter "productionTime" must be a number >= 0, a distribution (such as {"dist":"uniform","min":…,"max":…}) or a name, got 1e+300 (every number at most 1e15)',
    );
  });

  it('are refused by the sampler itself, for callers that skip the schema', () => {
    const random = new Random(1);

    expect(() => sampler({ dist: 'normal', mean: 1, sd: 1e300 }, random)).toThrow(
      'distribution normal: sd must be a finite number of at most 1e15, got 1e+300',
    );
    expect(() => sampler({ dist: 'lognormal', mean: 1e-300, sd: 1 }, random)).toThrow(
      'distribution lognormal: sd 1 is too large for the mean 1e-300',
    );
    expect(() => sampler(Number.POSITIVE_INFINITY, random)).toThrow(ModelError);
    expect(() => sampler({ dist: 'nonsense' } as never, random)).toThrow('unknown distribution "nonsense"');
  });
});

/** Any number a model file might hold, extremes included. */
const anyValue = fc.oneof(
  fc.double({ min: 0, max: 1e300, noNaN: true }),
  fc.constantFrom(0, 1e-300, 5e-324, 1e-160, 1, 1e15, 1e15 + 1, 1e154, 1e300, Number.MAX_VALUE),
);

const anySpec = fc.oneof(
  anyValue,
  fc.record({ dist: fc.constant('deterministic'), value: anyValue }),
  fc.record({ dist: fc.constant('uniform'), min: anyValue, max: anyValue }),
  fc.record({ dist: fc.constant('triangular'), min: anyValue, mode: anyValue, max: anyValue }),
  fc.record({ dist: fc.constant('exponential'), mean: anyValue }),
  fc.record({ dist: fc.constant('normal'), mean: anyValue, sd: anyValue }),
  fc.record({ dist: fc.constant('lognormal'), mean: anyValue, sd: anyValue }),
  fc.record({
    dist: fc.constant('empirical'),
    values: fc.array(anyValue, { minLength: 1, maxLength: 4 }),
    weights: fc.option(fc.array(anyValue, { minLength: 1, maxLength: 4 }), { nil: undefined }),
  }),
);

describe('every distribution a model file may hold', () => {
  it('gives finite draws of at least 0, a finite mean, and a finite mean above any time', () => {
    fc.assert(
      fc.property(anySpec, fc.integer({ min: 1, max: 1000 }), (raw, seed) => {
        const spec = JSON.parse(JSON.stringify(raw));
        fc.pre(ModelDefinitionSchema.safeParse(withDelay(spec)).success);

        const drawn = sampler(spec, new Random(seed));
        const draws = Array.from({ length: 50 }, () => drawn.sample());

        for (const x of draws) {
          expect(Number.isFinite(x), `${JSON.stringify(spec)} drew ${x}`).toBe(true);
          expect(x).toBeGreaterThanOrEqual(0);
        }
        expect(Number.isFinite(drawn.mean), `${JSON.stringify(spec)} mean ${drawn.mean}`).toBe(true);
        for (const t of [0, 1, MAX_MODEL_VALUE]) {
          const above = drawn.meanAbove(t);
          expect(above === undefined || Number.isFinite(above), `${JSON.stringify(spec)} above ${t}`).toBe(
            true,
          );
        }
      }),
      { numRuns: 2000 },
    );
  });
});
