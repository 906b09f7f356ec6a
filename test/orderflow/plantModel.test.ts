// The plant model file: what loads, what is refused (each error names the JSON path and what is
// wrong), what the forecast records of the model, and that time units and products mean what they say.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  forecast,
  type OrderState,
  orderFlowModel,
  type PlantModelInput,
  parsePlantModel,
  plantModelJsonSchema,
} from '../../orderflow/index.ts';
import { resolveModel } from '../../orderflow/model/resolveModel.ts';
import { modelTimeText } from '../../orderflow/model/timeUnits.ts';
import { ModelError } from '../../sim-core/index.ts';
import { twinOfKind } from '../../twins/index.ts';
import { stepStart } from './spans.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (minutes: number) => NOW + minutes * MIN;
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as PlantModelInput;
const flowShop = () => read('examples/models/flow-shop.json');

describe('the plant model file', () => {
  it('loads every model that ships, and the examples follow the JSON Schema’s top level', () => {
    const schema = plantModelJsonSchema() as { properties: Record<string, unknown> };
    for (const path of [
      'orderflow/models/order-flow.json',
      'examples/order-flow-uncertain.json',
      'examples/models/flow-shop.json',
      'examples/models/job-shop.json',
    ]) {
      const raw = read(path);
      expect(() => parsePlantModel(raw), path).not.toThrow();
      for (const key of Object.keys(raw)) expect(schema.properties, `${path}: ${key}`).toHaveProperty(key);
    }
  });

  it('names the parameters that are times, wherever a time takes them, and no others', () => {
    const model = parsePlantModel({
      name: 'times',
      timeUnit: 's',
      parameters: { presses: 2, rule: 'fifo', press: 30, lead: 600, up: 3600, fix: 60, slip: 5, unused: 7 },
      stations: [
        {
          id: 'press',
          capacity: { param: 'presses' },
          queueRule: { param: 'rule' },
          failures: { timeBetweenFailures: { param: 'up' }, timeToRepair: { param: 'fix' } },
        },
      ],
      products: [
        {
          id: 'part',
          routing: [
            { step: 'material', kind: 'material', leadTime: { param: 'lead' } },
            { step: 'pressing', kind: 'operation', station: 'press', duration: { param: 'press' } },
          ],
        },
      ],
      etaSlip: { param: 'slip' },
    });
    expect(resolveModel(model).summary.timeParameters).toEqual(['press', 'lead', 'up', 'fix', 'slip']);
  });

  it('writes a model time as a person reads it, exactly', () => {
    expect(modelTimeText(600_000, 'ms')).toBe('10 min');
    expect(modelTimeText(90, 's')).toBe('90 s');
    expect(modelTimeText(120, 'min')).toBe('2 h');
    expect(modelTimeText(8.5, 'min')).toBe('8.5 min');
    expect(modelTimeText(1500, 'ms')).toBe('1500 ms');
    expect(modelTimeText(0.25, 'h')).toBe('15 min');
    expect(modelTimeText(0.5, 'min')).toBe('30 s');
    expect(modelTimeText(0.001, 's')).toBe('0.001 s');
    expect(modelTimeText(0, 'min')).toBe('0 min');
  });

  it('ships the flow shop exactly: material 10 min, cut on the saw 4 min, weld on two welders 9 min, paint in the booth 5 min, every queue fifo', () => {
    const result = forecast({ asOf: NOW, orders: [] }, parsePlantModel(flowShop()));

    expect(result.model.stations).toEqual([
      { id: 'saw', name: 'Saw', capacity: 1, queueRule: 'fifo' },
      { id: 'welder', name: 'Welder', capacity: 2, queueRule: 'fifo' },
      { id: 'booth', name: 'Paint booth', capacity: 1, queueRule: 'fifo' },
    ]);
    expect(result.model.products).toEqual([
      {
        id: 'frame',
        routing: [
          { step: 'material', kind: 'material' },
          { step: 'cut', kind: 'operation', station: 'saw' },
          { step: 'weld', kind: 'operation', station: 'welder' },
          { step: 'paint', kind: 'operation', station: 'booth' },
        ],
      },
    ]);
    // One frame accepted now: 10 + 4 + 9 + 5 min.
    const one = forecast(
      { asOf: NOW, orders: [{ orderId: 'f', acceptedAt: NOW }] },
      parsePlantModel(flowShop()),
    );
    expect(one.orders[0]!.completedAt).toBe(at(28));
  });

  const refusals: [string, (m: PlantModelInput & Record<string, unknown>) => void, string][] = [
    [
      'an operation at a station the model lacks',
      (m) => {
        (m.products[0]!.routing[1] as { station: string }).station = 'lathe';
      },
      `model.products[0].routing[1].station: unknown station "lathe" (the model's: saw, welder, booth)`,
    ],
    [
      'a parameter the model lacks',
      (m) => {
        (m.products[0]!.routing[2] as { duration: unknown }).duration = { param: 'weldMinutes' };
      },
      'model.products[0].routing[2].duration.param: unknown parameter "weldMinutes"',
    ],
    [
      'a station declared twice',
      (m) => {
        m.stations![2]!.id = 'saw';
      },
      'model.stations[2].id: station "saw" is declared twice',
    ],
    [
      'a step name twice in one routing',
      (m) => {
        m.products[0]!.routing[3]!.step = 'cut';
      },
      'model.products[0].routing[3].step: step "cut" appears twice in the routing of product "frame"',
    ],
    [
      'a second material step',
      (m) => {
        m.products[0]!.routing.push({ step: 'coating', kind: 'material', leadTime: 5 });
      },
      'model.products[0].routing[4].kind: product "frame" has a second material step',
    ],
    [
      'several products and no default',
      (m) => {
        m.products.push({ ...m.products[0]!, id: 'gate' });
      },
      'model.defaultProduct: required when the model has several products',
    ],
    [
      'a capacity below 1',
      (m) => {
        m.stations![0]!.capacity = 0;
      },
      'model.stations[0].capacity: Too small',
    ],
    [
      'a parameter that names where a duration belongs',
      (m) => {
        m.parameters!.weldTime = 'slow';
      },
      'model.products[0].routing[2].duration: parameter "weldTime" must be a distribution, got "slow"',
    ],
    [
      'a queue rule the twin does not know',
      (m) => {
        m.stations![1]!.queueRule = 'lifo' as 'fifo';
      },
      'model.stations[1].queueRule: ',
    ],
    [
      'an unknown key',
      (m) => {
        m.shifts = [];
      },
      'model: Unrecognized key: "shifts"',
    ],
    [
      'an interruption rule it does not know',
      (m) => {
        m.stations![0]!.interruption = 'skip' as 'resume';
      },
      'model.stations[0].interruption: ',
    ],
    [
      'a failure model without its time to repair',
      (m) => {
        m.stations![0]!.failures = { timeBetweenFailures: 480 } as never;
      },
      'model.stations[0].failures.timeToRepair: ',
    ],
    [
      'a failure model with an unknown parameter',
      (m) => {
        m.stations![0]!.failures = { timeBetweenFailures: 480, timeToRepair: { param: 'repairTime' } };
      },
      'model.stations[0].failures.timeToRepair.param: unknown parameter "repairTime"',
    ],
    [
      'a time unit it does not know',
      (m) => {
        m.timeUnit = 'day' as 'min';
      },
      'model.timeUnit: ',
    ],
  ];
  for (const [what, change, message] of refusals) {
    it(`refuses ${what}, naming the JSON path`, () => {
      const raw = flowShop() as PlantModelInput & Record<string, unknown>;
      change(raw);

      expect(() => parsePlantModel(raw)).toThrow(ModelError);
      expect(() => parsePlantModel(raw)).toThrow(message);
    });
  }

  it('reads a station’s failure model and interruption rule, resume by default', () => {
    const raw = flowShop();
    raw.parameters!.repairTime = { dist: 'exponential', mean: 30 };
    raw.stations![1]!.failures = { timeBetweenFailures: 480, timeToRepair: { param: 'repairTime' } };
    raw.stations![1]!.interruption = 'restart';

    const resolved = resolveModel(parsePlantModel(raw));

    expect(resolved.stations[0]).toMatchObject({ failures: undefined, interruption: 'resume' });
    expect(resolved.stations[1]).toMatchObject({
      failures: { timeBetweenFailures: 480, timeToRepair: { dist: 'exponential', mean: 30 } },
      interruption: 'restart',
    });
  });

  it('refuses "__proto__" as a parameter name, which zod would drop without a word', () => {
    const raw = JSON.parse(
      '{"name":"p","parameters":{"__proto__":1},"products":[{"id":"x","routing":[{"step":"m","kind":"material","leadTime":1}]}]}',
    );

    expect(() => parsePlantModel(raw)).toThrow(
      'model.parameters: "__proto__" is not allowed as a parameter name',
    );
  });

  it('refuses a block model of twin simulate, saying what it is', () => {
    const blocks = read('sim-core/models/casymda-benchmark.json');

    expect(() => parsePlantModel(blocks)).toThrow(
      'model: a block model (of twin simulate), not a plant model',
    );
  });

  it('refuses a snapshot of orders, saying what it is', () => {
    expect(() => parsePlantModel({ asOf: NOW, orders: [] })).toThrow(
      'model: a snapshot of orders (of twin forecast --state), not a plant model',
    );
  });

  it('says a field is missing, or what it got instead, in plain words', () => {
    const material = { step: 'm', kind: 'material', leadTime: 1 };
    const operation = { step: 'o', kind: 'operation', duration: 1 };

    expect(() => parsePlantModel({ products: [{ id: 'p', routing: [material] }] })).toThrow(
      'model.name: required (string)',
    );
    expect(() => parsePlantModel({ name: 5, products: [{ id: 'p', routing: [material] }] })).toThrow(
      'model.name: expected string, got number',
    );
    expect(() =>
      parsePlantModel({ name: 'n', stations: 'a', products: [{ id: 'p', routing: [material] }] }),
    ).toThrow('model.stations: expected array, got string');
    expect(() => parsePlantModel({ name: 'n', products: [{ id: 'p', routing: [operation] }] })).toThrow(
      'model.products[0].routing[0].station: required (string)',
    );
  });

  it('says what a duration may be when it is none of them, and keeps a distribution’s own rule', () => {
    const withDuration = (duration: unknown) => ({
      name: 'n',
      stations: [{ id: 's' }],
      products: [{ id: 'p', routing: [{ step: 'o', kind: 'operation', station: 's', duration }] }],
    });
    const at = 'model.products[0].routing[0].duration';

    for (const duration of [{ dist: 'gamma', mean: 2 }, { dist: 'uniform', min: 1 }, 'ten']) {
      expect(() => parsePlantModel(withDuration(duration)), JSON.stringify(duration)).toThrow(
        `${at}: expected a number >= 0 or a distribution: { "dist": "deterministic", "value" }, "uniform" (min, max),`,
      );
    }
    expect(() => parsePlantModel(withDuration({ dist: 'uniform', min: 3, max: 1 }))).toThrow(
      `${at}.min: min must not exceed max`,
    );
    expect(() => parsePlantModel(withDuration(-4))).toThrow(`${at}: must be >= 0`);
    expect(() => parsePlantModel({ ...withDuration(1), stations: [{ id: 's', capacity: 1.5 }] })).toThrow(
      'model.stations[0].capacity: expected a whole number >= 1 or { "param": name }',
    );
    expect(() =>
      parsePlantModel({ ...withDuration({ param: 't' }), parameters: { t: { dist: 'gamma' } } }),
    ).toThrow('model.parameters.t: expected a number >= 0 or a distribution: { "dist": "deterministic"');
  });

  it('names a model by a hash of its content: the order of its keys does not change it, a value does', () => {
    const raw = flowShop();
    const reordered = Object.fromEntries(Object.entries(raw).reverse()) as PlantModelInput;
    const hash = (m: PlantModelInput) => forecast({ asOf: NOW, orders: [] }, parsePlantModel(m)).model.hash;

    expect(hash(reordered)).toBe(hash(raw));
    expect(hash({ ...raw, parameters: { ...raw.parameters, weldTime: 10 } })).not.toBe(hash(raw));
    // Overrides are the run's, not the model's: they are in the parameters, not in the hash.
    const overridden = forecast({ asOf: NOW, orders: [] }, parsePlantModel(raw), {
      parameters: { weldTime: 10 },
    }).model;
    expect(overridden.hash).toBe(hash(raw));
    expect(overridden.parameters.weldTime).toBe(10);
  });

  it('reads every duration in the model’s time unit', () => {
    const inMinutes = flowShop();
    const inHours: PlantModelInput = {
      ...inMinutes,
      timeUnit: 'h',
      parameters: { materialLeadTime: 10 / 60, cutTime: 4 / 60, weldTime: 9 / 60, paintTime: 5 / 60 },
    };
    const orders: OrderState[] = [{ orderId: 'f', acceptedAt: NOW }];

    const minutes = forecast({ asOf: NOW, orders }, parsePlantModel(inMinutes)).orders[0]!;
    const hours = forecast({ asOf: NOW, orders }, parsePlantModel(inHours)).orders[0]!;

    expect(Math.round((hours.completedAt - NOW) / 1000)).toBe(Math.round((minutes.completedAt - NOW) / 1000));
    expect(stepStart(hours, 'weld')).toBeCloseTo(stepStart(minutes, 'weld')!, -1);
  });

  it('routes each order by its product, with that product’s durations; an order without one takes the default', () => {
    const model = parsePlantModel(read('examples/models/job-shop.json'));
    const orders: OrderState[] = [
      { orderId: 'b', acceptedAt: at(-60), materialArrivedAt: at(-1) },
      { orderId: 'h', product: 'housing', acceptedAt: at(-60), materialArrivedAt: at(-1) },
    ];

    const result = forecast({ asOf: NOW, orders }, model);
    const [b, h] = result.orders.sort((x, y) => (x.orderId < y.orderId ? -1 : 1));

    expect(b!.product).toBe('bracket');
    expect(b!.position).toEqual({ kind: 'queue', step: 'turn', station: 'lathe' });
    expect(h!.product).toBe('housing');
    expect(h!.position).toEqual({ kind: 'queue', step: 'mill', station: 'mill' });
    // The means: a bracket 20/3 + 40/3 + 3 min; a housing 65/3 + 16/3 + 25/3 min, after the bracket's turn.
    expect(b!.steps.filter((s) => s.kind === 'operation').map((s) => s.step)).toEqual([
      'turn',
      'mill',
      'drill',
    ]);
    expect(h!.steps.filter((s) => s.kind === 'operation').map((s) => s.step)).toEqual([
      'mill',
      'drill',
      'turn',
    ]);
    expect((b!.completedAt - NOW) / MIN).toBeCloseTo(20 / 3 + 40 / 3 + 3, 6);
    expect(result.warnings).toEqual([]);
  });

  it('ships the demo plant as parsePlantModel loads it (it is not parsed again at every start)', () => {
    const file = JSON.parse(readFileSync('orderflow/models/order-flow.json', 'utf8'));
    expect(parsePlantModel(file)).toStrictEqual(file);
    expect(orderFlowModel).toStrictEqual(file);
  });

  it('keeps the demo plant’s parameters, so that overrides of today still apply', () => {
    expect(orderFlowModel.parameters).toEqual({
      materialLeadTime: 600_000,
      productionTime: 600_000,
      lines: 1,
      queueRule: 'fifo',
      etaSlip: 0,
    });
  });
});

describe('the example model files', () => {
  const dir = new URL('../../examples/models/', import.meta.url);
  it.each(readdirSync(dir).filter((f) => f.endsWith('.json')))('%s loads', (file) => {
    const json = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    // A top-level "kind" marks a model of another twin on the engine (twin scenarios): its twin reads it.
    const twin = json.kind === undefined ? undefined : twinOfKind(json.kind);
    if (json.kind !== undefined) expect(twin, `a twin of kind ${json.kind}`).toBeDefined();
    expect(() => (twin === undefined ? parsePlantModel(json) : twin.parseModel(json))).not.toThrow();
  });
});
