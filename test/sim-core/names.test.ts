// Names that an object already has built in ("constructor", "toString", "__proto__") as the names of
// parameters, queue rules and attributes: looked up in a model's own entries only, and "__proto__",
// which JSON makes an own key but an assignment turns into the prototype, refused as a name.
import { describe, expect, it } from 'vitest';
import { checkModelParameters } from '../../forecast/modelParameters.ts';
import { orderFlowModel } from '../../orderflow/index.ts';
import {
  buildModel,
  byAttributes,
  Entity,
  Environment,
  type ModelDefinitionInput,
  ModelError,
  OrderedResource,
  parseModelDefinition,
  Random,
  runModel,
} from '../../sim-core/index.ts';

/** A one-machine model whose resource's queue is `queue`, and whose parameters are `parameters`. */
function machine(queue: string, parameters: Record<string, unknown> = { service: 4 }): ModelDefinitionInput {
  return {
    name: 'machine',
    parameters: parameters as ModelDefinitionInput['parameters'],
    queueRules: { byRank: { orderBy: ['rank'] } },
    resources: [{ id: 'm', queue }],
    blocks: [
      { id: 'in', type: 'source', interArrival: 1, count: 3, next: 'wait' },
      { id: 'wait', type: 'seize', resource: 'm', next: 'work' },
      { id: 'work', type: 'delay', duration: { param: Object.keys(parameters)[0]! }, next: 'done' },
      { id: 'done', type: 'release', resource: 'm', next: 'out' },
      { id: 'out', type: 'sink' },
    ],
  };
}

const build = (raw: ModelDefinitionInput, parameters?: Record<string, never>) =>
  buildModel(parseModelDefinition(raw), { env: new Environment(), random: new Random(1), parameters });

describe('built-in property names', () => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    it(`refuses "${name}" as a queue rule the model does not define, naming it`, () => {
      expect(() => build(machine(name))).toThrow(ModelError);
      expect(() => build(machine(name))).toThrow(`resource "m": unknown queue rule "${name}"`);
    });

    it(`refuses an override of a parameter "${name}" that the model does not have`, () => {
      const overrides = JSON.parse(`{"${name}": 1}`);

      expect(() => build(machine('fifo'), overrides)).toThrow(`model "machine" has no parameter "${name}"`);
      expect(() => checkModelParameters(JSON.stringify(overrides), orderFlowModel)).toThrow(
        `model "order-flow" has no parameter "${name}"`,
      );
    });
  }

  it('refuses a block that refers to a parameter "constructor" the model does not have', () => {
    const raw = machine('fifo');
    (raw.blocks[2] as { duration: unknown }).duration = { param: 'constructor' };

    expect(() => build(raw)).toThrow('model "machine": unknown parameter "constructor"');
  });

  it('takes "constructor" as the name of a model’s own parameter and queue rule', () => {
    const raw = machine('constructor', { constructor: 4 });
    raw.queueRules = { constructor: { orderBy: ['@requestedAt'] } };

    const model = build(raw);
    const [run] = runModel(parseModelDefinition(raw)).replications;

    expect(model.resources.get('m')).toBeInstanceOf(OrderedResource);
    expect(run!.endTime).toBe(12);
    expect(model.parameters.constructor).toBe(4);
  });
});

describe('"__proto__" as a name', () => {
  it('is refused as a parameter, queue rule or attribute name in a model file, naming where', () => {
    const cases: [string, string][] = [
      [
        '{"name":"m","parameters":{"__proto__":{"dist":"uniform","min":1,"max":2}},"blocks":[{"id":"s","type":"sink"}]}',
        'model.parameters: "__proto__" is not allowed as a parameter name',
      ],
      [
        '{"name":"m","queueRules":{"__proto__":{"orderBy":["a"]}},"blocks":[{"id":"s","type":"sink"}]}',
        'model.queueRules: "__proto__" is not allowed as a queue rule name',
      ],
      [
        '{"name":"m","blocks":[{"id":"s","type":"source","interArrival":1,"count":1,"attributes":{"__proto__":1},"next":"k"},{"id":"k","type":"sink"}]}',
        'model.blocks[0].attributes: "__proto__" is not allowed as an attribute name',
      ],
      [
        '{"name":"m","queueRules":{"r":{"orderBy":["-__proto__"]}},"blocks":[{"id":"s","type":"sink"}]}',
        'model.queueRules.r.orderBy[0]: "__proto__" is not allowed as a name',
      ],
      [
        '{"name":"m","blocks":[{"id":"d","type":"delay","duration":1,"durationAttribute":"__proto__","next":"k"},{"id":"k","type":"sink"}]}',
        'model.blocks[0].durationAttribute: "__proto__" is not allowed as a name',
      ],
    ];

    for (const [json, message] of cases) {
      const raw = JSON.parse(json);

      expect(() => parseModelDefinition(raw), json).toThrow(ModelError);
      expect(() => parseModelDefinition(raw), json).toThrow(message);
    }
  });

  it('changes no prototype when refused as an override', () => {
    const overrides = JSON.parse('{"__proto__": {"dist": "uniform", "min": 1, "max": 2}}');

    expect(() => build(machine('fifo'), overrides)).toThrow('model "machine" has no parameter "__proto__"');
    expect(Object.getPrototypeOf(orderFlowModel.parameters)).toBe(Object.prototype);
    expect(Object.hasOwn(orderFlowModel.parameters, 'dist')).toBe(false);
  });
});

describe('queue rules read an entity’s own attributes only', () => {
  it('treats an attribute named "constructor" that an entity lacks as missing (last), not as Object’s', () => {
    const env = new Environment();
    const resource = new OrderedResource<Entity>(env, byAttributes(['constructor']), { capacity: 1 });
    const holder = resource.request(new Entity('holder', 0, { constructor: 0 }));
    const without = new Entity('without', 0, {});
    const withIt = new Entity('with', 0, { constructor: 'zinc' });

    resource.request(without);
    resource.request(withIt);
    env.run();

    expect(holder.triggered).toBe(true);
    expect(resource.waiting.map((r) => r.owner.id)).toEqual(['with', 'without']);
  });
});
