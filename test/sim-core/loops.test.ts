// Models in which time can stand still: a loop of blocks on which no time need pass, a source that
// could create entities for ever at one instant, a loop with no way out. Refused when the model is
// loaded or built (with its parameters), so that no run or forecast of it can hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alwaysTakesTime,
  buildModel,
  type DistributionSpec,
  Environment,
  type ModelDefinitionInput,
  ModelError,
  parseModelDefinition,
  Random,
  runModel,
} from '../../sim-core/index.ts';
import { orderFlowBlocks } from './fixtures/index.ts';

/** The demo plant with its blocks changed by `change` (the JSON of the model file, copied). */
function demoWith(change: (blocks: Record<string, unknown>[]) => void): ModelDefinitionInput {
  const model = structuredClone(orderFlowBlocks) as unknown as ModelDefinitionInput & {
    blocks: Record<string, unknown>[];
  };
  change(model.blocks);
  return model;
}

/** The demo plant with a rework loop: after production, every second order is reworked and produced again. */
const reworkModel = (reworkTime: DistributionSpec = 60_000): ModelDefinitionInput => ({
  ...demoWith((blocks) => {
    blocks.find((b) => b.id === 'release')!.next = 'inspect';
    blocks.push(
      { id: 'inspect', type: 'router', rule: 'alternate', to: ['finished', 'rework'] },
      { id: 'rework', type: 'delay', duration: { param: 'reworkTime' }, next: 'queue' },
    );
  }),
  parameters: { ...orderFlowBlocks.parameters, reworkTime },
});

describe('loops on which no time need pass', () => {
  it('refuses the demo plant when its release leads back to its queue, naming the loop and why', () => {
    const looping = demoWith((blocks) => {
      blocks.find((b) => b.id === 'release')!.next = 'queue';
    });

    const parse = () => parseModelDefinition(looping);

    expect(parse).toThrow(ModelError);
    expect(parse).toThrow(
      'model: the blocks queue → production → release → queue form a loop on which no time need pass ' +
        '(delay "production" takes its duration from the attribute "productionTime", which may be 0): ' +
        'an entity could go round it for ever at one instant; a loop needs a delay that always takes time',
    );
  });

  it('refuses a delay of 0 that feeds itself, and a router that routes to itself', () => {
    const selfDelay = {
      name: 'self-delay',
      blocks: [
        { id: 'in', type: 'source', interArrival: 1, count: 1, next: 'wait' },
        { id: 'wait', type: 'delay', duration: 0, next: 'wait' },
      ],
    } satisfies ModelDefinitionInput;
    const selfRouter = {
      name: 'self-router',
      blocks: [
        { id: 'in', type: 'source', interArrival: 1, count: 1, next: 'pick' },
        { id: 'pick', type: 'router', rule: 'alternate', to: ['out', 'pick'] },
        { id: 'out', type: 'sink' },
      ],
    } satisfies ModelDefinitionInput;

    expect(() => parseModelDefinition(selfDelay)).toThrow(
      'model: the blocks wait → wait form a loop on which no time need pass (the duration of delay "wait" can be 0)',
    );
    expect(() => parseModelDefinition(selfRouter)).toThrow(
      'model: the blocks pick → pick form a loop on which no time need pass (there is no delay on it)',
    );
  });

  it('accepts a loop with a delay that always takes time, and runs it to an end under until', () => {
    const definition = parseModelDefinition(reworkModel());

    const [run] = runModel(definition, { until: 3_600_000 }).replications;

    expect(run!.endTime).toBe(3_600_000);
    expect(run!.blocks.find((b) => b.id === 'rework')!.entered).toBeGreaterThan(0);
  });

  it('refuses a parameter override that turns the loop’s only timed delay to 0, at build', () => {
    const definition = parseModelDefinition(reworkModel());
    const build = (parameters: Record<string, DistributionSpec>) => () =>
      buildModel(definition, { env: new Environment(), random: new Random(1), parameters });

    expect(build({ reworkTime: 0 })).toThrow(
      'model "order-flow" with parameters {"reworkTime":0}: the blocks queue → production → release → inspect → rework → queue form a loop',
    );
    expect(build({ reworkTime: { dist: 'uniform', min: 0, max: 5 } })).toThrow(
      'the duration of delay "rework" (parameter "reworkTime") can be 0',
    );
    expect(build({ reworkTime: { dist: 'uniform', min: 1, max: 5 } })).not.toThrow();
  });

  it('refuses a model file whose own parameter makes the loop’s delay 0', () => {
    expect(() => parseModelDefinition(reworkModel({ dist: 'empirical', values: [0, 60_000] }))).toThrow(
      'the duration of delay "rework" (parameter "reworkTime") can be 0',
    );
  });

  it('refuses a source without a count whose inter-arrival time can be 0, and takes one with a count', () => {
    const source = (interArrival: DistributionSpec, count?: number): ModelDefinitionInput => ({
      name: 'burst',
      blocks: [
        { id: 'in', type: 'source', interArrival, ...(count !== undefined && { count }), next: 'out' },
        { id: 'out', type: 'sink' },
      ],
    });

    expect(() => parseModelDefinition(source(0))).toThrow(
      'model: source "in" has no count and its inter-arrival time can be 0: it could create entities for ever at one instant',
    );
    expect(() => parseModelDefinition(source({ dist: 'uniform', min: 0, max: 1 }))).toThrow(ModelError);
    const withParameters = (parameters: Record<string, DistributionSpec>) => () =>
      buildModel(orderFlowBlocks, { env: new Environment(), random: new Random(1), parameters });
    expect(withParameters({ interArrival: 0 })).toThrow(
      'source "orders" has no count and its inter-arrival time (parameter "interArrival") can be 0',
    );
    expect(runModel(parseModelDefinition(source(0, 5))).replications[0]!.throughput).toBe(5);
    expect(runModel(parseModelDefinition(source(1)), { until: 10 }).replications[0]!.throughput).toBe(10);
  });

  it('refuses a block that leads into a source: a source only creates entities', () => {
    const intoSource = {
      name: 'into-source',
      blocks: [
        { id: 'in', type: 'source', interArrival: 1, count: 1, next: 'wait' },
        { id: 'wait', type: 'delay', duration: 5, next: 'in' },
      ],
    } satisfies ModelDefinitionInput;

    expect(() => parseModelDefinition(intoSource)).toThrow(
      'model: block "wait" leads into source "in": a source only creates entities, none can enter it',
    );
  });
});

describe('loops with no way out', () => {
  const closed = {
    name: 'carousel',
    blocks: [
      { id: 'in', type: 'source', interArrival: 1, count: 2, next: 'ride' },
      { id: 'ride', type: 'delay', duration: 5, next: 'turn' },
      { id: 'turn', type: 'router', rule: 'alternate', to: ['ride'] },
    ],
  } satisfies ModelDefinitionInput;

  it('runs one under until, and refuses to run it to an end, naming the loop', () => {
    const definition = parseModelDefinition(closed);

    expect(runModel(definition, { until: 100 }).replications[0]!.endTime).toBe(100);
    expect(() => runModel(definition)).toThrow(
      'model "carousel": the blocks ride → turn → ride form a loop with no way out, which an entity never leaves: give a time to run until',
    );
  });
});

describe('alwaysTakesTime', () => {
  it('holds for distributions whose every draw is > 0, and for no other', () => {
    const cases: [DistributionSpec, boolean][] = [
      [5, true],
      [0, false],
      [{ dist: 'deterministic', value: 1e-9 }, true],
      [{ dist: 'deterministic', value: 0 }, false],
      [{ dist: 'uniform', min: 1, max: 2 }, true],
      [{ dist: 'uniform', min: 0, max: 2 }, false],
      [{ dist: 'triangular', min: 1, mode: 2, max: 3 }, true],
      [{ dist: 'triangular', min: 0, mode: 2, max: 3 }, false],
      [{ dist: 'exponential', mean: 3 }, true],
      [{ dist: 'lognormal', mean: 3, sd: 10 }, true],
      [{ dist: 'normal', mean: 3, sd: 10 }, true],
      [{ dist: 'normal', mean: 0, sd: 1 }, false],
      [{ dist: 'empirical', values: [1, 2, 3] }, true],
      [{ dist: 'empirical', values: [1, 0, 3], weights: [1, 0, 1] }, false],
    ];

    for (const [spec, expected] of cases) expect(alwaysTakesTime(spec), JSON.stringify(spec)).toBe(expected);
  });
});

// Generated models: a source, delays and routers wired at random, and a sink. Each delay's duration
// comes with whether it always takes time, known here independently of the checker.
const durations: [DistributionSpec, boolean][] = [
  [0, false],
  [2, true],
  [{ dist: 'uniform', min: 0, max: 3 }, false],
  [{ dist: 'uniform', min: 1, max: 3 }, true],
  [{ dist: 'exponential', mean: 2 }, true],
  [{ dist: 'normal', mean: 0, sd: 1 }, false],
  [{ dist: 'triangular', min: 0.5, mode: 1, max: 2 }, true],
  [{ dist: 'empirical', values: [0, 4] }, false],
  [{ dist: 'lognormal', mean: 2, sd: 1 }, true],
];

interface Generated {
  model: ModelDefinitionInput;
  /** Blocks that may let an entity through at once, and the edges between blocks. */
  timeless: boolean[];
  edges: number[][];
}

const generatedModel = fc
  .integer({ min: 1, max: 7 })
  .chain((n) =>
    fc.record({
      kinds: fc.array(
        fc.oneof(
          fc.record({
            type: fc.constant('delay' as const),
            duration: fc.integer({ min: 0, max: durations.length - 1 }),
            byAttribute: fc.boolean(),
            next: fc.integer({ min: 0, max: n }),
          }),
          fc.record({
            type: fc.constant('router' as const),
            to: fc.array(fc.integer({ min: 0, max: n }), { minLength: 1, maxLength: 3 }),
          }),
        ),
        { minLength: n, maxLength: n },
      ),
    }),
  )
  .map(({ kinds }): Generated => {
    const n = kinds.length;
    // Block i is b{i}; index n is the sink.
    const id = (i: number) => (i === n ? 'out' : `b${i}`);
    const timeless = kinds.map((k) => k.type === 'router' || k.byAttribute || !durations[k.duration]![1]);
    const edges = kinds.map((k) => (k.type === 'router' ? k.to : [k.next]).filter((t) => t < n));
    const blocks: ModelDefinitionInput['blocks'] = [
      { id: 'in', type: 'source', interArrival: 1, count: 3, next: 'b0' },
      ...kinds.map((k, i) =>
        k.type === 'router'
          ? { id: id(i), type: 'router' as const, rule: 'alternate' as const, to: k.to.map(id) }
          : {
              id: id(i),
              type: 'delay' as const,
              duration: durations[k.duration]![0],
              ...(k.byAttribute && { durationAttribute: 'extra' }),
              next: id(k.next),
            },
      ),
      { id: 'out', type: 'sink' },
    ];
    return { model: { name: 'generated', blocks }, timeless, edges };
  });

/** Whether some block reaches itself through blocks that all may take no time (transitive closure). */
function hasTimelessLoop({ timeless, edges }: Generated): boolean {
  const n = timeless.length;
  const reach = timeless.map((t, i) => timeless.map((u, j) => t && u && edges[i]!.includes(j)));
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) if (reach[i]![k] && reach[k]![j]) reach[i]![j] = true;
  return reach.some((row, i) => row[i]);
}

describe('the loop check on generated models', () => {
  it('refuses every model with a loop on which no time need pass, naming a real such loop', () => {
    fc.assert(
      fc.property(generatedModel, (generated) => {
        fc.pre(hasTimelessLoop(generated));

        let message = '';
        try {
          parseModelDefinition(generated.model);
        } catch (error) {
          expect(error).toBeInstanceOf(ModelError);
          message = (error as Error).message;
        }

        const named = /the blocks (.*) form a loop on which no time need pass/.exec(message);
        expect(named, message).not.toBeNull();
        const loop = named![1]!.split(' → ').map((id) => Number(id.slice(1)));
        expect(loop[0]).toBe(loop[loop.length - 1]);
        for (let i = 0; i + 1 < loop.length; i++) {
          expect(generated.timeless[loop[i]!]).toBe(true);
          expect(generated.edges[loop[i]!]).toContain(loop[i + 1]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('accepts every model on whose every loop time passes, and runs it to an end under a small until', () => {
    fc.assert(
      fc.property(generatedModel, (generated) => {
        fc.pre(!hasTimelessLoop(generated));

        const definition = parseModelDefinition(generated.model);
        const [run] = runModel(definition, { until: 50, limits: { maxEvents: 1_000_000 } }).replications;

        expect(run!.endTime).toBeLessThanOrEqual(50);
      }),
      { numRuns: 300 },
    );
  });
});
