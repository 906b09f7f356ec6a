// Unit and property tests of the block library, of building a block network from a model
// definition, of runModel and of the statistics the blocks keep.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DISTRIBUTION_RULE } from '../../sim-core/blocks/distributions.ts';
import {
  type Block,
  type BlockObserver,
  buildModel,
  byAttributes,
  casymdaBenchmarkModel,
  Delay,
  Entity,
  Environment,
  type ModelDefinitionInput,
  ModelError,
  modelKpis,
  OrderedResource,
  parseModelDefinition,
  Random,
  Release,
  Request,
  Resource,
  Router,
  runModel,
  Samples,
  Seize,
  Sink,
  Source,
  sampler,
} from '../../sim-core/index.ts';

/** A fixed-value sampler. */
const fixed = (value: number) => sampler(value, new Random(1));

/** A model of one machine: source → seize → delay → release → sink. */
function machineModel(overrides: Partial<ModelDefinitionInput> = {}): ModelDefinitionInput {
  return {
    name: 'one-machine',
    parameters: { arrivals: 5, service: 4, entities: 10 },
    resources: [{ id: 'machine', capacity: 1 }],
    blocks: [
      {
        id: 'source',
        type: 'source',
        interArrival: { param: 'arrivals' },
        count: { param: 'entities' },
        next: 'queue',
      },
      { id: 'queue', type: 'seize', resource: 'machine', next: 'work' },
      { id: 'work', type: 'delay', duration: { param: 'service' }, next: 'release' },
      { id: 'release', type: 'release', resource: 'machine', next: 'sink' },
      { id: 'sink', type: 'sink' },
    ],
    ...overrides,
  };
}

/** Builds a parsed model in a fresh environment and runs it to the end. */
function buildAndRun(raw: ModelDefinitionInput, options: { deterministic?: boolean; seed?: number } = {}) {
  const env = new Environment();
  const model = buildModel(parseModelDefinition(raw), {
    env,
    random: new Random(options.seed ?? 1),
    deterministic: options.deterministic,
  });
  model.start();
  env.run();
  return model;
}

/** Records the ids and attribute `rank` of entities entering a block. */
function recordEntries(block: Block): string[] {
  const seen: string[] = [];
  block.observer = { enter: (_b, entity) => seen.push(`${entity.attributes.rank ?? entity.id}`) };
  return seen;
}

describe('casymda benchmark model', () => {
  it('ends at 500000 for 100000 entities arriving at once', () => {
    const parameters = { entities: 100_000, interArrival: 0 };

    const [run] = runModel(casymdaBenchmarkModel(), { parameters }).replications;

    expect(run!.endTime).toBe(500_000);
    expect(run!.throughput).toBe(100_000);
  });

  it('ends at 1000000 for 100000 entities arriving every 10', () => {
    const parameters = { entities: 100_000, interArrival: 10 };

    const [run] = runModel(casymdaBenchmarkModel(), { parameters }).replications;

    expect(run!.endTime).toBe(1_000_000);
    expect(run!.throughput).toBe(100_000);
  });

  it('ends at N/2*10 for any even N entities arriving at once, and passes all of them through', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), (half) => {
        const entities = 2 * half;

        const [run] = runModel(casymdaBenchmarkModel(), {
          parameters: { entities, interArrival: 0 },
        }).replications;

        expect(run!.endTime).toBe(half * 10);
        expect(run!.throughput).toBe(entities);
      }),
      { numRuns: 40 },
    );
  });

  it('ends at N*10 for any N entities arriving every 10', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 800 }), (entities) => {
        const [run] = runModel(casymdaBenchmarkModel(), {
          parameters: { entities, interArrival: 10 },
        }).replications;

        expect(run!.endTime).toBe(entities * 10);
        expect(run!.throughput).toBe(entities);
      }),
      { numRuns: 40 },
    );
  });

  it('without percentiles, gives the same counts and mean times, no p95 and no time kept per entity', () => {
    const options = { parameters: { entities: 2_000, interArrival: 3 }, seed: 7 };
    const [all] = runModel(casymdaBenchmarkModel(), options).replications;
    const [means] = runModel(casymdaBenchmarkModel(), { ...options, percentiles: false }).replications;

    expect(means!.endTime).toBe(all!.endTime);
    expect(means!.events).toBe(all!.events);
    expect(means!.resources).toEqual(all!.resources);
    expect(means!.blocks.map(({ p95Time, ...rest }) => rest)).toEqual(
      all!.blocks.map(({ p95Time, ...rest }) => rest),
    );
    // The queue in front of the machine holds entities up: its p95 is a time, without percentiles none.
    const buffer = all!.blocks.find((b) => b.id === 'buffer')!;
    expect(buffer.p95Time).toBeGreaterThan(0);
    for (const b of means!.blocks)
      expect(b.p95Time).toSatisfy((t: number) =>
        b.type === 'delay' || b.type === 'seize' ? Number.isNaN(t) : t === 0,
      );
  });

  it('splits the entities evenly with the alternate router', () => {
    const parameters = { entities: 1000, interArrival: 0 };

    const [run] = runModel(casymdaBenchmarkModel(), { parameters }).replications;
    const entered = Object.fromEntries(run!.blocks.map((b) => [b.id, b.entered]));

    expect(entered).toEqual({
      source: 1000,
      router: 1000,
      'parallel-delay': 500,
      buffer: 500,
      'machine-delay': 500,
      release: 500,
      sink: 1000,
    });
  });

  it('reports mean and 95th percentile time in each block and the machine utilisation', () => {
    const parameters = { entities: 4, interArrival: 0 };

    const [run] = runModel(casymdaBenchmarkModel(), { parameters }).replications;
    const block = (id: string) => run!.blocks.find((b) => b.id === id);

    // Entities 2 and 4 take the machine: 4 waits for 2, so the buffer holds them 0 and 10.
    expect(run!.endTime).toBe(20);
    expect(block('buffer')).toEqual({
      id: 'buffer',
      type: 'seize',
      entered: 2,
      left: 2,
      meanTime: 5,
      p95Time: 10,
    });
    expect(block('machine-delay')).toMatchObject({ meanTime: 10, p95Time: 10 });
    expect(block('parallel-delay')).toMatchObject({ entered: 2, meanTime: 10, p95Time: 10 });
    expect(block('router')).toMatchObject({ type: 'router', meanTime: 0, p95Time: 0 });
    expect(block('sink')).toMatchObject({ entered: 4, left: 4, meanTime: 0 });
    expect(run!.resources).toEqual([{ id: 'machine', capacity: 1, utilisation: 1 }]);
  });

  it('reports half utilisation of the machine when entities arrive every 10', () => {
    const parameters = { entities: 4, interArrival: 10 };

    const [run] = runModel(casymdaBenchmarkModel(), { parameters }).replications;

    // The machine works [10, 20) and [30, 40) of 40.
    expect(run!.endTime).toBe(40);
    expect(run!.resources[0]!.utilisation).toBe(0.5);
    expect(run!.blocks.find((b) => b.id === 'buffer')).toMatchObject({ meanTime: 0, p95Time: 0 });
  });
});

describe('runModel', () => {
  const stochastic = parseModelDefinition(
    machineModel({
      parameters: {
        arrivals: { dist: 'exponential', mean: 5 },
        service: { dist: 'exponential', mean: 4 },
        entities: 200,
      },
    }),
  );

  it('runs one replication with seed 1 by default', () => {
    const result = runModel(stochastic);

    expect(result.seed).toBe(1);
    expect(result.replications).toHaveLength(1);
    expect(result.replications[0]!.replication).toBe(1);
    expect(result.replications[0]!.throughput).toBe(200);
    expect(result).toEqual(runModel(stochastic, { seed: 1 }));
  });

  it('runs each replication with a stream of its own and counts its events', () => {
    const result = runModel(stochastic, { replications: 3, seed: 7 });

    expect(result.replications.map((r) => r.replication)).toEqual([1, 2, 3]);
    expect(result.replications.every((r) => r.throughput === 200)).toBe(true);
    // Each entity needs at least an arrival and a service timeout.
    expect(result.replications.every((r) => r.events >= 400)).toBe(true);
    expect(new Set(result.replications.map((r) => r.endTime)).size).toBe(3);
  });

  it('gives a replication the same stream whatever the number of replications after it', () => {
    const three = runModel(stochastic, { replications: 3, seed: 7 });
    const one = runModel(stochastic, { seed: 7 });

    expect(one.replications[0]).toEqual(three.replications[0]);
  });

  it('shares no replication between neighbouring seeds', () => {
    const endTimes = (seed: number) =>
      runModel(stochastic, { replications: 3, seed }).replications.map((r) => r.endTime);

    const seven = endTimes(7);
    const eight = endTimes(8);

    expect(eight.filter((t) => seven.includes(t))).toEqual([]);
  });

  it('takes seeds beyond 32 bits and as bigints, and records a seed beyond a safe integer as its digits', () => {
    const one = runModel(stochastic, { seed: 1 });
    const wrapped = runModel(stochastic, { seed: 2 ** 32 + 1 });
    const huge = runModel(stochastic, { seed: 10n ** 30n, replications: 2 });

    expect(wrapped.replications[0]!.endTime).not.toBe(one.replications[0]!.endTime);
    expect(runModel(stochastic, { seed: 2n ** 32n + 1n })).toEqual(wrapped);
    expect(huge.seed).toBe('1000000000000000000000000000000');
    expect(huge.replications[0]!.endTime).not.toBe(huge.replications[1]!.endTime);
  });

  it('reports progress after each replication', () => {
    const progress: [number, number][] = [];

    runModel(stochastic, { replications: 3, onReplication: (done, total) => progress.push([done, total]) });

    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('applies parameter overrides', () => {
    const definition = parseModelDefinition(machineModel());

    const [run] = runModel(definition, { parameters: { entities: 3, service: 1 } }).replications;

    // Arrivals at 0, 5, 10; each served for 1 without waiting.
    expect(run!.throughput).toBe(3);
    expect(run!.endTime).toBe(11);
  });

  it('rejects an override of a parameter the model does not have', () => {
    const definition = parseModelDefinition(machineModel());

    expect(() => runModel(definition, { parameters: { speed: 2 } })).toThrow(ModelError);
    expect(() => runModel(definition, { parameters: { speed: 2 } })).toThrow(
      'model "one-machine" has no parameter "speed"',
    );
  });

  it('rejects an override that is neither a distribution nor a name, as it would in the model file', () => {
    const definition = parseModelDefinition(machineModel());

    for (const service of [-5, { dist: 'weird' }, { dist: 'uniform', min: 1 }]) {
      expect(() => runModel(definition, { parameters: { service } as never })).toThrow(
        `parameter "service" must be a number >= 0, a distribution (such as {"dist":"uniform","min":…,"max":…}) or a name, got ${JSON.stringify(service)}`,
      );
    }
  });

  it('refuses to run a source without a count unless given a time to stop', () => {
    const unbounded = parseModelDefinition({
      name: 'endless',
      blocks: [
        { id: 'source', type: 'source', interArrival: 2, next: 'sink' },
        { id: 'sink', type: 'sink' },
      ],
    });

    expect(() => runModel(unbounded)).toThrow(ModelError);
    expect(() => runModel(unbounded)).toThrow(
      'model "endless" has a source without a count: give a time to run until',
    );
  });

  it('runs a source without a count until the given time', () => {
    const unbounded = parseModelDefinition({
      name: 'endless',
      blocks: [
        { id: 'source', type: 'source', interArrival: 2, next: 'sink' },
        { id: 'sink', type: 'sink' },
      ],
    });

    const [run] = runModel(unbounded, { until: 11 }).replications;

    // Arrivals at 0, 2, 4, 6, 8, 10.
    expect(run!.endTime).toBe(11);
    expect(run!.throughput).toBe(6);
  });
});

describe('parseModelDefinition', () => {
  it('accepts a valid model and fills in the defaults', () => {
    const definition = parseModelDefinition({
      name: 'tiny',
      resources: [{ id: 'machine' }],
      blocks: [{ id: 'sink', type: 'sink' }],
    });

    expect(definition.timeUnit).toBe('min');
    expect(definition.parameters).toEqual({});
    expect(definition.queueRules).toEqual({});
    expect(definition.resources).toEqual([
      { id: 'machine', capacity: 1, queue: 'fifo', dispatch: 'immediate' },
    ]);
  });

  it.each<[string, unknown, string]>([
    [
      'a next block that does not exist',
      machineModel({
        blocks: [{ id: 'source', type: 'source', interArrival: 1, count: 1, next: 'nowhere' }],
      }),
      'model: block "source" leads to unknown block "nowhere"',
    ],
    [
      'a router target that does not exist',
      machineModel({
        blocks: [
          { id: 'router', type: 'router', rule: 'alternate', to: ['sink', 'ghost'] },
          { id: 'sink', type: 'sink' },
        ],
      }),
      'model: block "router" leads to unknown block "ghost"',
    ],
    [
      'a seize of a resource that does not exist',
      machineModel({
        blocks: [
          { id: 'grab', type: 'seize', resource: 'robot', next: 'sink' },
          { id: 'sink', type: 'sink' },
        ],
      }),
      'model: block "grab" uses unknown resource "robot"',
    ],
    [
      'a release of a resource that does not exist',
      machineModel({
        blocks: [
          { id: 'drop', type: 'release', resource: 'robot', next: 'sink' },
          { id: 'sink', type: 'sink' },
        ],
      }),
      'model: block "drop" uses unknown resource "robot"',
    ],
    [
      'a block id used twice',
      machineModel({
        blocks: [
          { id: 'sink', type: 'sink' },
          { id: 'sink', type: 'sink' },
        ],
      }),
      'model: block id "sink" is used twice',
    ],
    [
      'a distribution with a missing field',
      machineModel({
        blocks: [
          { id: 'source', type: 'source', interArrival: { dist: 'uniform', min: 1 } as never, next: 'sink' },
          { id: 'sink', type: 'sink' },
        ],
      }),
      `model.blocks[0].interArrival: expected ${DISTRIBUTION_RULE}, or { "param": name }`,
    ],
    [
      'an unknown distribution',
      machineModel({
        blocks: [
          { id: 'sink', type: 'sink' },
          { id: 'wait', type: 'delay', duration: { dist: 'gamma', mean: 2 } as never, next: 'sink' },
        ],
      }),
      `model.blocks[1].duration: expected ${DISTRIBUTION_RULE}, or { "param": name }`,
    ],
    [
      'a negative duration',
      machineModel({
        blocks: [
          { id: 'sink', type: 'sink' },
          { id: 'wait', type: 'delay', duration: -3, next: 'sink' },
        ],
      }),
      'model.blocks[1].duration: must be >= 0',
    ],
    [
      'router weights that do not match its targets',
      machineModel({
        blocks: [
          { id: 'router', type: 'router', rule: 'random', to: ['a', 'b'], weights: [1, 2, 3] },
          { id: 'a', type: 'sink' },
          { id: 'b', type: 'sink' },
        ],
      }),
      'model: router "router" needs one weight per target',
    ],
    [
      'a capacity that is not a whole number',
      machineModel({ resources: [{ id: 'machine', capacity: 1.5 }] }),
      'model.resources[0].capacity: expected a whole number >= 1, "unlimited" or { "param": name }',
    ],
    [
      'an unknown dispatch rule',
      machineModel({ resources: [{ id: 'machine', dispatch: 'later' as never }] }),
      'model.resources[0].dispatch: Invalid option',
    ],
    [
      'an unknown block type',
      machineModel({ blocks: [{ id: 'x', type: 'teleport' } as never] }),
      'model.blocks[0].type: Invalid discriminator value',
    ],
    [
      'an unknown key in a block',
      machineModel({ blocks: [{ id: 'sink', type: 'sink', speed: 3 } as never] }),
      'model.blocks[0]: Unrecognized key: "speed"',
    ],
    ['a model without blocks', machineModel({ blocks: [] }), 'model.blocks: Too small'],
    ['a model without a name', machineModel({ name: '' }), 'model.name: Too small'],
  ])('reports %s by its path', (_name, raw, message) => {
    const parse = (): unknown => parseModelDefinition(raw);

    expect(parse).toThrow(ModelError);
    expect(parse).toThrow(message);
  });
});

describe('buildModel', () => {
  it('creates one block per definition and one resource per resource, wired by id', () => {
    const env = new Environment();

    const model = buildModel(parseModelDefinition(machineModel()), { env, random: new Random(1) });

    expect([...model.blocks.keys()]).toEqual(['source', 'queue', 'work', 'release', 'sink']);
    expect(model.blocks.get('source')).toBeInstanceOf(Source);
    expect(model.blocks.get('queue')).toBeInstanceOf(Seize);
    expect(model.blocks.get('work')).toBeInstanceOf(Delay);
    expect(model.blocks.get('release')).toBeInstanceOf(Release);
    expect(model.blocks.get('sink')).toBeInstanceOf(Sink);
    expect(model.blocks.get('queue')!.next).toBe(model.blocks.get('work'));
    expect(model.resources.get('machine')).toBeInstanceOf(Resource);
    expect(model.env).toBe(env);
  });

  it('reports the unknown parameter that a block refers to', () => {
    const definition = parseModelDefinition(
      machineModel({
        blocks: [
          { id: 'source', type: 'source', interArrival: { param: 'missing' }, count: 1, next: 'sink' },
          { id: 'sink', type: 'sink' },
        ],
      }),
    );

    const build = () => buildModel(definition, { env: new Environment(), random: new Random(1) });

    expect(build).toThrow(ModelError);
    expect(build).toThrow('model "one-machine": unknown parameter "missing"');
  });

  it('rejects a parameter that names a rule where a distribution is needed', () => {
    const definition = parseModelDefinition(
      machineModel({ parameters: { arrivals: 'fifo', service: 1, entities: 1 } }),
    );

    const build = () => buildModel(definition, { env: new Environment(), random: new Random(1) });

    expect(build).toThrow('block "source": parameter "arrivals" is not a distribution, got "fifo"');
  });

  it('rejects a count parameter that is not a whole number', () => {
    const definition = parseModelDefinition(machineModel());

    const build = () =>
      buildModel(definition, {
        env: new Environment(),
        random: new Random(1),
        parameters: { entities: 2.5 },
      });

    expect(build).toThrow(ModelError);
    expect(build).toThrow('block "source" count: must be a whole number, got 2.5');
  });

  it('rejects a capacity parameter that is not a whole number', () => {
    const definition = parseModelDefinition(
      machineModel({
        parameters: { arrivals: 5, service: 4, entities: 10, machines: 1.5 },
        resources: [{ id: 'machine', capacity: { param: 'machines' } }],
      }),
    );

    const build = () => buildModel(definition, { env: new Environment(), random: new Random(1) });

    expect(build).toThrow(ModelError);
    expect(build).toThrow('resource "machine" capacity: must be a whole number, got 1.5');
  });

  it('rejects a capacity parameter of zero', () => {
    const definition = parseModelDefinition(
      machineModel({
        parameters: { arrivals: 5, service: 4, entities: 10, machines: 0 },
        resources: [{ id: 'machine', capacity: { param: 'machines' } }],
      }),
    );

    const build = () => buildModel(definition, { env: new Environment(), random: new Random(1) });

    expect(build).toThrow('resource "machine": capacity must be at least 1');
  });

  it('takes the capacity from a parameter, or makes it unlimited', () => {
    const definition = parseModelDefinition(
      machineModel({
        parameters: { arrivals: 5, service: 4, entities: 10, machines: 3 },
        resources: [
          { id: 'machine', capacity: { param: 'machines' } },
          { id: 'floor', capacity: 'unlimited' },
        ],
      }),
    );

    const model = buildModel(definition, { env: new Environment(), random: new Random(1) });

    expect(model.resources.get('machine')!.capacity).toBe(3);
    expect(model.resources.get('floor')!.capacity).toBe(Number.POSITIVE_INFINITY);
  });

  it('reports zero utilisation for an unlimited resource', () => {
    const model = buildAndRun(machineModel({ resources: [{ id: 'machine', capacity: 'unlimited' }] }));

    const kpis = modelKpis(model);

    expect(kpis.resources).toEqual([{ id: 'machine', capacity: Number.POSITIVE_INFINITY, utilisation: 0 }]);
    expect(kpis.throughput).toBe(10);
  });

  it('rejects a queue rule that the model does not define', () => {
    const definition = parseModelDefinition(machineModel({ resources: [{ id: 'machine', queue: 'lifo' }] }));

    const build = () => buildModel(definition, { env: new Environment(), random: new Random(1) });

    expect(build).toThrow(ModelError);
    expect(build).toThrow('resource "machine": unknown queue rule "lifo"');
  });

  it('rejects a queue parameter that does not name a rule', () => {
    const definition = parseModelDefinition(
      machineModel({
        parameters: { arrivals: 5, service: 4, entities: 10, rule: 3 },
        resources: [{ id: 'machine', queue: { param: 'rule' } }],
      }),
    );

    const build = () => buildModel(definition, { env: new Environment(), random: new Random(1) });

    expect(build).toThrow('resource "machine": queue must name a rule');
  });

  it('orders the queue of a resource by its queue rule, with end-of-instant dispatch', () => {
    const raw: ModelDefinitionInput = {
      name: 'ranked',
      queueRules: { byRank: { orderBy: ['rank'] } },
      resources: [{ id: 'machine', queue: 'byRank', dispatch: 'end-of-instant' }],
      blocks: [
        { id: 'low', type: 'source', interArrival: 1, count: 1, attributes: { rank: 2 }, next: 'queue' },
        { id: 'high', type: 'source', interArrival: 1, count: 1, attributes: { rank: 1 }, next: 'queue' },
        { id: 'queue', type: 'seize', resource: 'machine', next: 'work' },
        { id: 'work', type: 'delay', duration: 5, next: 'release' },
        { id: 'release', type: 'release', resource: 'machine', next: 'sink' },
        { id: 'sink', type: 'sink' },
      ],
    };
    const env = new Environment();
    const model = buildModel(parseModelDefinition(raw), { env, random: new Random(1) });
    const served = recordEntries(model.blocks.get('work')!);

    model.start();
    env.run();

    expect(model.resources.get('machine')).toBeInstanceOf(OrderedResource);
    expect(model.resources.get('machine')!.dispatch).toBe('end-of-instant');
    expect(served).toEqual(['1', '2']);
    expect(env.now).toBe(10);
  });

  it('grants the first arrival of an instant with immediate dispatch, whatever the queue rule', () => {
    const raw: ModelDefinitionInput = {
      name: 'ranked',
      parameters: { rule: 'byRank' },
      queueRules: { byRank: { orderBy: ['rank'] } },
      resources: [{ id: 'machine', queue: { param: 'rule' } }],
      blocks: [
        { id: 'low', type: 'source', interArrival: 1, count: 1, attributes: { rank: 2 }, next: 'queue' },
        { id: 'high', type: 'source', interArrival: 1, count: 1, attributes: { rank: 1 }, next: 'queue' },
        { id: 'queue', type: 'seize', resource: 'machine', next: 'work' },
        { id: 'work', type: 'delay', duration: 5, next: 'release' },
        { id: 'release', type: 'release', resource: 'machine', next: 'sink' },
        { id: 'sink', type: 'sink' },
      ],
    };
    const env = new Environment();
    const model = buildModel(parseModelDefinition(raw), { env, random: new Random(1) });
    const served = recordEntries(model.blocks.get('work')!);

    model.start();
    env.run();

    expect(model.resources.get('machine')).toBeInstanceOf(OrderedResource);
    expect(served).toEqual(['2', '1']);
  });

  it('draws every distribution at its mean in a deterministic build', () => {
    const raw = machineModel({
      parameters: {
        arrivals: { dist: 'exponential', mean: 5 },
        service: { dist: 'uniform', min: 1, max: 3 },
        entities: 4,
      },
    });

    const model = buildAndRun(raw, { deterministic: true });
    const kpis = modelKpis(model);

    // Arrivals at 0, 5, 10, 15, each served for exactly 2.
    expect(kpis.endTime).toBe(17);
    expect(kpis.blocks.find((b) => b.id === 'work')).toMatchObject({ meanTime: 2, p95Time: 2 });
  });

  it('starts a source at its start time and gives entities their attributes', () => {
    const raw: ModelDefinitionInput = {
      name: 'attributes',
      blocks: [
        {
          id: 'source',
          type: 'source',
          interArrival: 3,
          count: 2,
          start: 5,
          attributes: { work: 7, size: { dist: 'uniform', min: 1, max: 2 } },
          next: 'work',
        },
        { id: 'work', type: 'delay', duration: 1, durationAttribute: 'work', next: 'sink' },
        { id: 'sink', type: 'sink' },
      ],
    };
    const env = new Environment();
    const model = buildModel(parseModelDefinition(raw), { env, random: new Random(1) });
    const entered: { id: string | number; createdAt: number; work: unknown; size: unknown }[] = [];
    model.blocks.get('work')!.observer = {
      enter: (_b, e) =>
        entered.push({ id: e.id, createdAt: e.createdAt, work: e.attributes.work, size: e.attributes.size }),
    };

    model.start();
    env.run();

    // Arrivals at 5 and 8, each held 7 by its own attribute.
    expect(entered.map((e) => [e.id, e.createdAt, e.work])).toEqual([
      [1, 5, 7],
      [2, 8, 7],
    ]);
    expect(entered.every((e) => typeof e.size === 'number' && e.size >= 1 && e.size < 2)).toBe(true);
    expect(env.now).toBe(15);
  });

  it('creates nothing from a source with a count of zero', () => {
    const model = buildAndRun(machineModel({ parameters: { arrivals: 5, service: 4, entities: 0 } }));

    expect(modelKpis(model).throughput).toBe(0);
    expect(model.env.eventsProcessed).toBe(0);
  });

  it('routes at random in proportion to the router weights', () => {
    const raw: ModelDefinitionInput = {
      name: 'split',
      blocks: [
        { id: 'source', type: 'source', interArrival: 1, count: 8000, next: 'router' },
        { id: 'router', type: 'router', rule: 'random', to: ['a', 'b'], weights: [3, 1] },
        { id: 'a', type: 'sink' },
        { id: 'b', type: 'sink' },
      ],
    };

    const kpis = modelKpis(buildAndRun(raw, { seed: 5 }));
    const a = kpis.blocks.find((b) => b.id === 'a')!.entered;
    const b = kpis.blocks.find((b) => b.id === 'b')!.entered;

    expect(a + b).toBe(8000);
    expect(kpis.throughput).toBe(8000);
    expect(a / 8000).toBeCloseTo(0.75, 1);
  });

  it('routes at random evenly without weights', () => {
    const raw: ModelDefinitionInput = {
      name: 'split',
      blocks: [
        { id: 'source', type: 'source', interArrival: 1, count: 9000, next: 'router' },
        { id: 'router', type: 'router', rule: 'random', to: ['a', 'b', 'c'] },
        { id: 'a', type: 'sink' },
        { id: 'b', type: 'sink' },
        { id: 'c', type: 'sink' },
      ],
    };

    const kpis = modelKpis(buildAndRun(raw, { seed: 6 }));
    const shares = ['a', 'b', 'c'].map((id) => kpis.blocks.find((b) => b.id === id)!.entered / 9000);

    expect(shares.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    for (const share of shares) expect(share).toBeCloseTo(1 / 3, 1);
  });

  it('sends every entity to the only positively weighted target', () => {
    const raw: ModelDefinitionInput = {
      name: 'split',
      blocks: [
        { id: 'source', type: 'source', interArrival: 1, count: 500, next: 'router' },
        { id: 'router', type: 'router', rule: 'random', to: ['a', 'b'], weights: [0, 2] },
        { id: 'a', type: 'sink' },
        { id: 'b', type: 'sink' },
      ],
    };

    const kpis = modelKpis(buildAndRun(raw));

    expect(kpis.blocks.find((b) => b.id === 'a')!.entered).toBe(0);
    expect(kpis.blocks.find((b) => b.id === 'b')!.entered).toBe(500);
  });
});

describe('blocks', () => {
  /** source → delay → sink, built by hand. */
  function line(env: Environment, count: number, duration: number) {
    const source = new Source(env, 'source', fixed(2), count, {}, 0);
    const delay = new Delay(env, 'delay', fixed(duration), undefined, 'production');
    const sink = new Sink(env, 'sink');
    source.next = delay;
    delay.next = sink;
    return { source, delay, sink };
  }

  it('tells observers when entities enter and leave each block', () => {
    const env = new Environment();
    const { source, delay, sink } = line(env, 2, 3);
    const log: string[] = [];
    const observer: BlockObserver = {
      enter: (b, e, t) => log.push(`${t} enter ${b.id} #${e.id}`),
      leave: (b, e, t) => log.push(`${t} leave ${b.id} #${e.id}`),
    };
    for (const block of [source, delay, sink]) block.observer = observer;

    source.begin();
    env.run();

    expect(log).toEqual([
      '0 enter source #1',
      '0 leave source #1',
      '0 enter delay #1',
      '2 enter source #2',
      '2 leave source #2',
      '2 enter delay #2',
      '3 leave delay #1',
      '3 enter sink #1',
      '3 leave sink #1',
      '5 leave delay #2',
      '5 enter sink #2',
      '5 leave sink #2',
    ]);
  });

  it('counts entities in a block and records time in block and time in system', () => {
    const env = new Environment();
    const { source, delay, sink } = line(env, 3, 5);
    source.begin();

    env.run({ until: 6 });
    const insideAt6 = delay.stats.inside;
    env.run();

    // Arrivals at 0, 2, 4: at 6 the first has left, two are still inside.
    expect(insideAt6).toBe(2);
    expect(delay.stats).toMatchObject({ entered: 3, left: 3 });
    expect(delay.stats.timeInBlock.mean()).toBe(5);
    expect(sink.timeInSystem.count).toBe(3);
    expect(sink.timeInSystem.mean()).toBe(5);
    expect(source.stats.timeInBlock.count).toBe(0);
    expect(delay.timed).toBe(true);
    expect(source.timed).toBe(false);
    expect(delay.step).toBe('production');
  });

  it('keeps the counts but records no times where a model turns recordTimes off', () => {
    const env = new Environment();
    const { source, delay, sink } = line(env, 3, 5);
    delay.recordTimes = false;
    sink.recordTimes = false;
    source.begin();
    env.run();

    expect(delay.stats).toMatchObject({ entered: 3, left: 3 });
    expect(sink.stats.left).toBe(3);
    expect(delay.stats.timeInBlock.count).toBe(0);
    expect(sink.timeInSystem.count).toBe(0);
    expect(delay.stats.timeInBlock.mean()).toBeNaN();
  });

  it('throws when an entity leaves a block that leads nowhere', () => {
    const env = new Environment();
    const source = new Source(env, 'dangling', fixed(1), 1, {}, 0);
    source.begin();

    expect(() => env.run()).toThrow(ModelError);
    expect(source.stats.left).toBe(1);
  });

  it('names the block that leads nowhere', () => {
    const env = new Environment();
    new Source(env, 'dangling', fixed(1), 1, {}, 0).begin();

    expect(() => env.run()).toThrow('block "dangling" has no next block');
  });

  it('starts a source whose start time has passed at once', () => {
    const env = new Environment(10);
    const source = new Source(env, 'late', fixed(1), 1, {}, 4);
    const sink = new Sink(env, 'sink');
    source.next = sink;

    source.begin();
    env.run();

    expect(sink.stats.left).toBe(1);
    expect(env.now).toBe(10);
  });

  it('takes a delay from the entity attribute when it is a number, else draws it', () => {
    const env = new Environment();
    const delay = new Delay(env, 'delay', fixed(4), 'work');

    const own = delay.durationFor(new Entity('a', 0, { work: 9 }));
    const text = delay.durationFor(new Entity('b', 0, { work: 'nine' }));
    const missing = delay.durationFor(new Entity('c', 0));

    expect([own, text, missing]).toEqual([9, 4, 4]);
  });

  it('restores an entity into a delay with the time it has left', () => {
    const env = new Environment(10);
    const delay = new Delay(env, 'delay', fixed(100), undefined);
    const sink = new Sink(env, 'sink');
    delay.next = sink;
    const entity = new Entity('order-1', 2);
    const overrun = new Entity('order-2', 1);

    delay.place(entity, 7, 4);
    delay.place(overrun, 3, -5);
    env.run();

    // order-2 is past its time and leaves at once; order-1 leaves at 14, 7 after it entered.
    expect(delay.stats).toMatchObject({ entered: 2, left: 2 });
    expect(delay.stats.timeInBlock.quantile(0)).toBe(7);
    expect(delay.stats.timeInBlock.quantile(1)).toBe(7);
    expect(sink.timeInSystem.quantile(0)).toBe(9);
    expect(sink.timeInSystem.quantile(1)).toBe(12);
    expect(env.now).toBe(14);
  });

  it('times an entity through delays one after another, and again in a run of another environment', () => {
    const leftAt: string[] = [];
    const line = (env: Environment) => {
      const first = new Delay(env, 'first', fixed(3), undefined);
      const second = new Delay(env, 'second', fixed(5), undefined);
      const sink = new Sink(env, 'sink');
      first.next = second;
      second.next = sink;
      for (const block of [first, second]) {
        block.observer = { leave: (b, e, time) => leftAt.push(`${b.id} ${e.id} ${time}`) };
      }
      return first;
    };
    const entity = new Entity('part', 0);
    const one = new Environment();
    line(one).enter(entity);
    one.run();
    // The same entity, as a run that reuses its entities has it, in a run of its own.
    const other = new Environment(100);
    line(other).enter(entity);
    other.run();

    expect(leftAt).toEqual(['first part 3', 'second part 8', 'first part 103', 'second part 108']);
    expect([one.now, other.now]).toEqual([8, 108]);
  });

  it('hands a seized unit to the entity and takes it back at release', () => {
    const env = new Environment();
    const machine = new Resource<Entity>(env);
    const seize = new Seize(env, 'queue', machine, 'machine');
    const work = new Delay(env, 'work', fixed(3), undefined);
    const release = new Release(env, 'release', machine, 'machine');
    const sink = new Sink(env, 'sink');
    seize.next = work;
    work.next = release;
    release.next = sink;
    const a = new Entity('a', 0);
    const b = new Entity('b', 0);
    const holdersDuringWork: string[][] = [];
    work.observer = { enter: () => holdersDuringWork.push(machine.holders.map((r) => String(r.owner.id))) };

    seize.enter(a);
    seize.enter(b);
    env.run();

    expect(holdersDuringWork).toEqual([['a'], ['b']]);
    expect(machine.holders).toEqual([]);
    expect(machine.count).toBe(0);
    expect(seize.stats.timeInBlock.mean()).toBe(1.5);
    expect(env.now).toBe(6);
  });

  it('releases the named resource of an entity that holds two', () => {
    const env = new Environment();
    const machine = new Resource<Entity>(env);
    const tool = new Resource<Entity>(env);
    const seizeMachine = new Seize(env, 'take-machine', machine, 'machine');
    const seizeTool = new Seize(env, 'take-tool', tool, 'tool');
    const releaseMachine = new Release(env, 'drop-machine', machine, 'machine');
    const work = new Delay(env, 'work', fixed(2), undefined);
    const releaseTool = new Release(env, 'drop-tool', tool, 'tool');
    const sink = new Sink(env, 'sink');
    seizeMachine.next = seizeTool;
    seizeTool.next = releaseMachine;
    releaseMachine.next = work;
    work.next = releaseTool;
    releaseTool.next = sink;
    const inUseDuringWork: [number, number][] = [];
    work.observer = { enter: () => inUseDuringWork.push([machine.count, tool.count]) };

    seizeMachine.enter(new Entity('a', 0));
    env.run();

    expect(inUseDuringWork).toEqual([[0, 1]]);
    expect([machine.count, tool.count]).toEqual([0, 0]);
    expect(sink.stats.left).toBe(1);
  });

  it('gives back both units of an entity that seized one resource twice', () => {
    const env = new Environment();
    const crew = new Resource<Entity>(env, { capacity: 2 });
    const first = new Seize(env, 'first-worker', crew, 'crew');
    const second = new Seize(env, 'second-worker', crew, 'crew');
    const dropOne = new Release(env, 'drop-one', crew, 'crew');
    const dropOther = new Release(env, 'drop-other', crew, 'crew');
    const sink = new Sink(env, 'sink');
    first.next = second;
    second.next = dropOne;
    dropOne.next = dropOther;
    dropOther.next = sink;

    first.enter(new Entity('heavy-part', 0));
    env.run();

    expect(sink.stats.left).toBe(1);
    expect(crew.count).toBe(0);
  });

  it('releases the unit seized last of a resource held twice, and any of three held in any order', () => {
    const env = new Environment();
    const crew = new Resource<Entity>(env, { capacity: 2 });
    const tool = new Resource<Entity>(env);
    const blocks = [
      new Seize(env, 'first-worker', crew, 'crew'),
      new Delay(env, 'walk', fixed(1), undefined),
      new Seize(env, 'take-tool', tool, 'tool'),
      new Seize(env, 'second-worker', crew, 'crew'),
      new Release(env, 'drop-worker', crew, 'crew'),
      new Release(env, 'drop-tool', tool, 'tool'),
      new Release(env, 'drop-other-worker', crew, 'crew'),
      new Sink(env, 'sink'),
    ];
    for (let i = 0; i + 1 < blocks.length; i++) blocks[i]!.next = blocks[i + 1];
    const seen: string[] = [];
    const record = (block: { id: string }) =>
      seen.push(`${block.id}: crew ${crew.holders.map((r) => r.grantedAt).join(',')} tool ${tool.count}`);
    for (const block of blocks.slice(4)) block.observer = { enter: record };

    blocks[0]!.enter(new Entity('heavy-part', 0));
    env.run();

    expect(seen).toEqual([
      'drop-worker: crew 0,1 tool 1',
      // The worker seized at 1 (last) is the one let go.
      'drop-tool: crew 0 tool 1',
      'drop-other-worker: crew 0 tool 0',
      'sink: crew  tool 0',
    ]);
  });

  it('refuses to release a resource the entity does not hold', () => {
    const env = new Environment();
    const machine = new Resource<Entity>(env);
    const release = new Release(env, 'release', machine, 'machine');
    release.next = new Sink(env, 'sink');

    expect(() => release.enter(new Entity(17, 0))).toThrow(ModelError);
    expect(() => release.enter(new Entity(17, 0))).toThrow(
      'block "release": entity 17 does not hold resource "machine"',
    );
  });

  it('restores an entity holding a unit since an earlier time, even beyond capacity', () => {
    const env = new Environment(20);
    const machine = new Resource<Entity>(env);
    const seize = new Seize(env, 'queue', machine, 'machine');
    const release = new Release(env, 'release', machine, 'machine');
    release.next = new Sink(env, 'sink');
    const first = new Entity('first', 0);
    const second = new Entity('second', 0);

    seize.hold(first, 12);
    seize.hold(second, 15);
    const countAfterHold = machine.count;
    release.enter(first);

    expect(countAfterHold).toBe(2);
    expect(seize.stats).toMatchObject({ entered: 2, left: 2 });
    expect(machine.holders.map((r) => r.grantedAt)).toEqual([15]);
    expect(machine.holders.map((r) => r.owner)).toEqual([second]);
  });

  it('restores a waiting entity at its place in a first-come queue', () => {
    const env = new Environment(20);
    const machine = new OrderedResource<Entity>(env, byAttributes(['@requestedAt']));
    const seize = new Seize(env, 'queue', machine, 'machine');
    const order: string[] = [];
    const sink = new Sink(env, 'sink');
    seize.next = sink;
    sink.observer = { enter: (_b, e) => order.push(String(e.id)) };
    const holder = seize.resource.seize(new Entity('holder', 0));
    seize.enter(new Entity('arrived-now', 20));
    seize.place(new Entity('waiting-since-5', 5), 5);

    env.timeout(4).addCallback(() => machine.release(holder));
    env.run();

    // Released at 24: the one waiting since 5 goes first; the one that arrived at 20 keeps waiting.
    expect(order).toEqual(['waiting-since-5']);
    expect(seize.stats.timeInBlock.mean()).toBe(19);
    expect(machine.waiting.map((r) => r.owner.id)).toEqual(['arrived-now']);
  });

  it('counts a router as passed through at once, in turn for the alternate rule', () => {
    const env = new Environment();
    const router = new Router(env, 'router', 'alternate', undefined, new Random(1), 'dispatch');
    const sinks = [new Sink(env, 'a'), new Sink(env, 'b'), new Sink(env, 'c')];
    router.targets = sinks;
    const left: number[] = [];
    router.observer = { leave: (_b, _e, t) => left.push(t) };

    for (let i = 0; i < 7; i++) router.enter(new Entity(i, 0));

    expect(sinks.map((s) => s.stats.entered)).toEqual([3, 2, 2]);
    expect(router.stats).toMatchObject({ entered: 7, left: 7 });
    expect(router.stats.inside).toBe(0);
    expect(left).toHaveLength(7);
    expect(router.step).toBe('dispatch');
  });

  it('sends an entity to the last target when rounding leaves the top draw past every weight', () => {
    const env = new Environment();
    // 0.9999999999999999 * 1 - 0.1 - 0.2 - 0.7 is exactly 0 in floating point, never below it.
    const router = new Router(env, 'router', 'random', [0.1, 0.2, 0.7], new Random(() => 0.9999999999999999));
    const sinks = [new Sink(env, 'a'), new Sink(env, 'b'), new Sink(env, 'c')];
    router.targets = sinks;

    router.enter(new Entity(1, 0));

    expect(sinks.map((s) => s.stats.entered)).toEqual([0, 0, 1]);
  });
});

describe('byAttributes', () => {
  const request = (attributes: Record<string, number | string | undefined>, requestedAt = 0) => {
    const env = new Environment();
    const resource = new Resource<Entity>(env);
    return new Request<Entity>(resource, new Entity('x', 0, attributes), 0, 0, requestedAt);
  };

  it('orders ascending by the first key, then by the next', () => {
    const order = byAttributes(['due', 'size']);

    expect(order(request({ due: 1, size: 9 }), request({ due: 2, size: 1 }))).toBeLessThan(0);
    expect(order(request({ due: 2, size: 1 }), request({ due: 1, size: 9 }))).toBeGreaterThan(0);
    expect(order(request({ due: 1, size: 1 }), request({ due: 1, size: 2 }))).toBeLessThan(0);
    expect(order(request({ due: 1, size: 2 }), request({ due: 1, size: 2 }))).toBe(0);
  });

  it('orders descending by a key with a leading minus', () => {
    const order = byAttributes(['-priority']);

    expect(order(request({ priority: 5 }), request({ priority: 1 }))).toBeLessThan(0);
    expect(order(request({ priority: 1 }), request({ priority: 5 }))).toBeGreaterThan(0);
  });

  it('puts missing values last, ascending or descending', () => {
    const ascending = byAttributes(['due']);
    const descending = byAttributes(['-due']);

    expect(ascending(request({}), request({ due: 3 }))).toBeGreaterThan(0);
    expect(ascending(request({ due: 3 }), request({}))).toBeLessThan(0);
    expect(descending(request({}), request({ due: 3 }))).toBeGreaterThan(0);
    expect(descending(request({ due: 3 }), request({}))).toBeLessThan(0);
  });

  it('orders by the time a request joined the queue with @requestedAt', () => {
    const order = byAttributes(['@requestedAt']);

    expect(order(request({}, 3), request({}, 8))).toBeLessThan(0);
    expect(order(request({}, 8), request({}, 3))).toBeGreaterThan(0);
  });

  it('orders strings alphabetically', () => {
    const order = byAttributes(['customer']);

    expect(order(request({ customer: 'acme' }), request({ customer: 'globex' }))).toBeLessThan(0);
  });
});

describe('Samples', () => {
  it('has no mean and no quantiles while empty', () => {
    const samples = new Samples();

    expect(samples.count).toBe(0);
    expect(samples.mean()).toBeNaN();
    expect(samples.quantile(0.5)).toBeNaN();
  });

  it('gives the mean and nearest-rank quantiles of unsorted samples', () => {
    const samples = new Samples();

    for (const x of [5, 1, 4, 2, 3]) samples.add(x);

    expect(samples.count).toBe(5);
    expect(samples.mean()).toBe(3);
    expect(samples.quantile(0)).toBe(1);
    expect(samples.quantile(0.2)).toBe(1);
    expect(samples.quantile(0.21)).toBe(2);
    expect(samples.quantile(0.5)).toBe(3);
    expect(samples.quantile(0.95)).toBe(5);
    expect(samples.quantile(1)).toBe(5);
  });

  it('sorts numerically, not as text', () => {
    const samples = new Samples();

    for (const x of [10, 9, 100, 2]) samples.add(x);

    expect(samples.quantile(0.5)).toBe(9);
    expect(samples.quantile(0.75)).toBe(10);
  });

  it('stays correct when samples are added after a quantile was read', () => {
    const samples = new Samples();
    for (const x of [3, 4, 5]) samples.add(x);
    const medianBefore = samples.quantile(0.5);

    samples.add(1);
    samples.add(2);

    expect(medianBefore).toBe(4);
    expect(samples.quantile(0.5)).toBe(3);
    expect(samples.quantile(0)).toBe(1);
    expect(samples.mean()).toBe(3);
  });

  it('keeps thousands of samples', () => {
    const samples = new Samples();
    const rng = new Random(3);
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    for (let i = values.length - 1; i > 0; i--) {
      const j = rng.integer(0, i);
      [values[i], values[j]] = [values[j]!, values[i]!];
    }

    for (const x of values) samples.add(x);

    expect(samples.count).toBe(1000);
    expect(samples.mean()).toBe(500.5);
    expect(samples.quantile(0.95)).toBe(950);
    expect(samples.quantile(0.001)).toBe(1);
  });

  it('without keeping values, counts them and gives their mean, and no quantile', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 300 }), (xs) => {
        const kept = new Samples();
        const counted = new Samples();
        counted.keepValues = false;

        for (const x of xs) {
          kept.add(x);
          counted.add(x);
        }

        expect(counted.keepValues).toBe(false);
        expect(counted.count).toBe(xs.length);
        expect(counted.mean()).toBe(kept.mean());
        expect(counted.quantile(0.5)).toBeNaN();
        expect(kept.quantile(0.5)).not.toBeNaN();
      }),
    );
  });

  it('refuses to change whether it keeps values once it has one', () => {
    const samples = new Samples();
    samples.keepValues = true;
    samples.add(1);

    expect(() => {
      samples.keepValues = false;
    }).toThrow(/set keepValues before adding any/);
    expect(samples.quantile(0.5)).toBe(1);
  });

  it('gives the nearest-rank quantile of any samples', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 600 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q) => {
          const samples = new Samples();

          for (const x of xs) samples.add(x);

          const sorted = [...xs].sort((a, b) => a - b);
          const rank = Math.min(xs.length, Math.max(1, Math.ceil(q * xs.length)));
          expect(samples.quantile(q)).toBe(sorted[rank - 1]);
        },
      ),
    );
  });
});

describe('a delay suspended and resumed (a unit down under it)', () => {
  /** One entity in a 10-long delay from 0, suspended at 4 and resumed at 7 (`restart` or not). */
  function run(restart: boolean): number {
    const env = new Environment();
    const work = new Delay(env, 'work', fixed(10), undefined);
    const sink = new Sink(env, 'sink');
    work.next = sink;
    const entity = new Entity('a', 0);
    work.enter(entity);
    env.timeout(4).addCallback(() => work.suspend(entity, env.now));
    env.timeout(7).addCallback(() => work.resume(entity, restart));

    env.run();

    return sink.stats.left === 1 ? env.now : Number.NaN;
  }

  it('resume: runs the 6 it had left from 7, and leaves at 13', () => {
    expect(run(false)).toBe(13);
  });

  it('restart: runs its whole 10 again from 7, and leaves at 17', () => {
    expect(run(true)).toBe(17);
  });

  it('is not suspended when it is due to leave at that very moment', () => {
    const env = new Environment();
    const work = new Delay(env, 'work', fixed(10), undefined);
    work.next = new Sink(env, 'sink');
    const entity = new Entity('a', 0);
    work.enter(entity);

    env.timeout(10).addCallback(() => expect(work.suspend(entity, env.now)).toBe(false));
    env.run();

    expect(work.stats.left).toBe(1);
  });
});
