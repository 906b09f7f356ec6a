// The warehouse twin: its model and scenario files refused by name when wrong, a station that queues as
// queueing theory says (Erlang C), common random numbers across scenarios, and the example files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { meanInterval } from '../../twins/scenarios/runScenarios.ts';
import { ScenarioError } from '../../twins/scenarios/ScenarioTwin.ts';
import {
  applyWarehouseChanges,
  parseWarehouseModel,
  queueTimeKey,
  simulateWarehouse,
  utilisationKey,
  type WarehouseModel,
  warehouseTwin,
} from '../../twins/warehouse/index.ts';

const exampleModel = () => JSON.parse(readFileSync('examples/models/warehouse.json', 'utf8'));
const exampleScenarios = () => JSON.parse(readFileSync('examples/scenarios/warehouse.json', 'utf8'));

/** Erlang C: the chance that an arrival waits in an M/M/c queue with offered load a = λ/μ (a < c). */
function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const waiting = ((term * a) / c) * (c / (c - a));
  return waiting / (sum + waiting);
}

/** A warehouse of one station and one stage: an M/M/c queue in the twin's own terms (minutes, per hour). */
function mmc(c: number, meanService: number, arrivalsPerHour: number, hours: number, warmupHours: number) {
  return parseWarehouseModel({
    kind: 'warehouse',
    name: `M/M/${c}`,
    horizonHours: warmupHours + hours,
    warmupHours,
    stations: [{ id: 'servers', units: c }],
    orders: {
      arrivalsPerHour,
      items: { min: 1, max: 1 },
      stages: [{ name: 'service', station: 'servers', time: { dist: 'exponential', mean: meanService } }],
    },
  });
}

describe('a warehouse station fed by Poisson arrivals with exponential service', () => {
  it("waits as long on average as Erlang C says: within 2 %, and inside the run's 95 % interval", () => {
    // Prepare: M/M/2 at 50 % load, 1 min mean service; 40 replications of about 25,000 orders each,
    // after a warm-up of 5 h that starts the queue near its steady state.
    const c = 2;
    const meanService = 1;
    const perHour = 60;
    const model = mmc(c, meanService, perHour, 25_000 / perHour, 5);
    const a = (perHour / 60) * meanService;
    const theory = (erlangC(c, a) * meanService) / (c - a);

    // Act
    const waits = Array.from(
      { length: 40 },
      (_, r) => simulateWarehouse(model, 2026, r).kpis[queueTimeKey('service')]!,
    );

    // Assess: the estimate within 2 % of the theory, the theory inside its 95 % interval, and that
    // interval itself narrower than ±2 % of the theory (else matching it would say little).
    const { mean, low, high } = meanInterval(waits);
    expect(Math.abs(mean - theory) / theory).toBeLessThan(0.02);
    expect((high - low) / 2 / theory).toBeLessThan(0.02);
    expect(low).toBeLessThanOrEqual(theory);
    expect(high).toBeGreaterThanOrEqual(theory);
  }, 120_000);

  it('is busy for the share of its time that the offered load says', () => {
    // Three units, 2 min mean service, 60 arrivals an hour: 2 erlangs over 3 units, 66.7 % busy.
    const model = mmc(3, 2, 60, 5_000 / 60, 1);

    const utilisation = meanInterval(
      Array.from({ length: 20 }, (_, r) => simulateWarehouse(model, 7, r).kpis[utilisationKey('servers')]!),
    );

    expect(Math.abs(utilisation.mean - 200 / 3)).toBeLessThan(1);
    expect(utilisation.low).toBeLessThanOrEqual(200 / 3);
    expect(utilisation.high).toBeGreaterThanOrEqual(200 / 3);
  });
});

describe('the warehouse model file', () => {
  it('reads the example', () => {
    const model = parseWarehouseModel(exampleModel());

    expect(model.stations.map((s) => s.units)).toEqual([2, 4, 6, 2, 2]);
    expect(model.orders.items).toEqual({ min: 1, max: 10 });
  });

  it.each([
    [(m: WarehouseModel) => ({ ...m, kind: 'depot' }), /^kind: /],
    [(m: WarehouseModel) => ({ ...m, horizonHours: -1 }), /^horizonHours: must be > 0/],
    [
      (m: WarehouseModel) => ({ ...m, stations: [{ ...m.stations[0]!, units: 0 }, ...m.stations.slice(1)] }),
      /^stations\[0\]\.units: must be at least 1$/,
    ],
    [
      (m: WarehouseModel) => ({ ...m, orders: { ...m.orders, items: { min: 5, max: 2 } } }),
      /^orders\.items\.min: min must not exceed max$/,
    ],
    [
      (m: WarehouseModel) => ({
        ...m,
        orders: { ...m.orders, stages: [{ ...m.orders.stages[0]!, station: 'robots' }] },
      }),
      /^orders\.stages\[0\]\.station: unknown station "robots" \(the model's: receiving-docks, put-away, pickers, packing, shipping-docks\)$/,
    ],
    [(m: WarehouseModel) => ({ ...m, warmupHours: 20 }), /^warmupHours: must be less than horizonHours$/],
  ])('refuses a wrong model with a ScenarioError naming the field (%#)', (spoil, message) => {
    const spoilt = spoil(exampleModel() as WarehouseModel);

    const parse = () => parseWarehouseModel(spoilt);

    expect(parse).toThrow(ScenarioError);
    expect(parse).toThrow(message);
  });
});

describe('warehouse scenarios', () => {
  const model = parseWarehouseModel(exampleModel());

  it('reads the example: baseline, one more picker, one more packing station, a peak day', () => {
    const scenarios = warehouseTwin.parseScenarios(exampleScenarios(), model);

    expect(scenarios.map((s) => s.name)).toEqual([
      'baseline',
      'one more picker',
      'one more packing station',
      'peak day',
    ]);
    expect(
      applyWarehouseChanges(model, scenarios[1]!.changes).stations.find((s) => s.id === 'pickers')!.units,
    ).toBe(7);
  });

  it('refuses a station the model lacks by name', () => {
    const file = { scenarios: [{ name: 'robots', changes: { addUnits: { robots: 2 } } }] };

    expect(() => warehouseTwin.parseScenarios(file, model)).toThrow(
      'scenarios[0].changes.addUnits: unknown station "robots" (the model\'s: receiving-docks, put-away, pickers, packing, shipping-docks)',
    );
  });

  it('refuses taking the last unit of a station away', () => {
    const file = [{ name: 'no packing', changes: { addUnits: { packing: -2 } } }];

    expect(() => warehouseTwin.parseScenarios(file, model)).toThrow(
      /^\[0\]\.changes\.addUnits\.packing: leaves 0 units/,
    );
  });

  it('gives the same order the same draws in every scenario (common random numbers)', () => {
    // A scenario that changes nothing the orders meet (the put-away crew) leaves their KPIs exactly as
    // they are; one more packing station changes only what follows packing.
    const base = warehouseTwin.run(model, undefined, 5, 3).kpis;
    const crew = warehouseTwin.run(
      model,
      { name: 'crew', changes: { addUnits: { 'put-away': 1 } } },
      5,
      3,
    ).kpis;
    const packing = warehouseTwin.run(
      model,
      { name: 'packing', changes: { addUnits: { packing: 1 } } },
      5,
      3,
    ).kpis;

    expect(crew.meanCycleTime).toBe(base.meanCycleTime);
    expect(crew[queueTimeKey('picking')]).toBe(base[queueTimeKey('picking')]);
    expect(crew[queueTimeKey('put-away')]).toBeLessThan(base[queueTimeKey('put-away')]!);
    expect(packing[queueTimeKey('picking')]).toBe(base[queueTimeKey('picking')]);
    expect(packing[queueTimeKey('packing')]).toBeLessThan(base[queueTimeKey('packing')]!);
  });

  it('is a pure function of model, scenario, seed and replication', () => {
    const again = () => warehouseTwin.run(model, undefined, 11, 2);

    expect(again()).toEqual(again());
    expect(warehouseTwin.run(model, undefined, 11, 3).kpis.meanCycleTime).not.toBe(
      again().kpis.meanCycleTime,
    );
  });

  it('offers demand ±20 %, each station one unit down, and one more unit of each as experiments', () => {
    const sensitivity = warehouseTwin.sensitivity(model).map((s) => s.changes);
    const candidates = warehouseTwin.bottleneckCandidates(model);

    expect(sensitivity).toContainEqual({ orderRate: 0.8 });
    expect(sensitivity).toContainEqual({ orderRate: 1.2 });
    expect(sensitivity).toContainEqual({ addUnits: { packing: -1 } });
    expect(candidates.map((c) => c.resource)).toEqual(model.stations.map((s) => s.id));
  });
});
