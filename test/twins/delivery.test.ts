// The product-delivery twin: routing to the nearest center, inventory within its bounds at every event,
// costs that add up, the rate-change delay, common random numbers, the policies measured, the files.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  centerInventoryKey,
  type DeliveryChanges,
  type DeliveryModel,
  DeliverySimulation,
  deliveryTwin,
  parseChanges,
  parseDeliveryModel,
  resolveRun,
  simulateDelivery,
} from '../../twins/delivery/index.ts';
import { ScenarioError } from '../../twins/scenarios/ScenarioTwin.ts';

const exampleJson = JSON.parse(readFileSync('examples/models/product-delivery.json', 'utf8'));
const example = parseDeliveryModel(exampleJson);
const scenariosJson = JSON.parse(readFileSync('examples/scenarios/product-delivery.json', 'utf8'));
const linear: DeliveryChanges = { policy: { type: 'linear', threshold: 2500, minRate: 0, maxRate: 200 } };

/** The example model, shortened to `weeks`. */
const shortened = (weeks: number): DeliveryModel => ({ ...example, weeks });

/** Great-circle order of two points by their chord through the Earth (monotone in the arc, unlike haversine's code). */
function chord(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const v = (p: { lat: number; lon: number }) => {
    const la = (p.lat * Math.PI) / 180;
    const lo = (p.lon * Math.PI) / 180;
    return [Math.cos(la) * Math.cos(lo), Math.cos(la) * Math.sin(lo), Math.sin(la)] as const;
  };
  const [x, y] = [v(a), v(b)];
  return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
}

describe('product-delivery twin', () => {
  it('sends every order to the nearest center by great-circle distance', () => {
    const point = fc.record({
      lat: fc.double({ min: -80, max: 80, noNaN: true }),
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(point, { minLength: 1, maxLength: 5 }),
        fc.array(point, { minLength: 1, maxLength: 8 }),
        (centers, distributors) => {
          // Near ties are left out: two formulas may round them apart.
          for (const d of distributors) {
            const km = centers.map((c) => chord(d, c)).sort((a, b) => a - b);
            fc.pre(km.length < 2 || km[1]! - km[0]! > 1e-9);
          }
          const model = parseDeliveryModel({
            ...exampleJson,
            weeks: 1,
            orderCheckHours: [9],
            centers: centers.map((c, i) => ({
              ...c,
              name: `c${i}`,
              capacity: 100,
              initialInventory: 0,
              initialRate: 10,
            })),
            distributors: distributors.map((d, i) => ({
              ...d,
              name: `d${i}`,
              orderProbability: [1, 1, 1, 1, 1, 1, 1],
            })),
          });
          const sim = simulateDelivery(model, undefined, 7);
          expect(sim.orders.length).toBe(7 * distributors.length);
          for (const order of sim.orders) {
            const d = distributors[Number(order.distributor.slice(1))]!;
            const distances = centers.map((c) => chord(d, c));
            expect(order.center).toBe(distances.indexOf(Math.min(...distances)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sends the orders of a center that is down to the next nearest', () => {
    const sim = simulateDelivery(shortened(1), { down: ['Pittsburgh'] }, 3);
    const pittsburgh = example.centers.findIndex((c) => c.name === 'Pittsburgh');
    expect(sim.orders.length).toBeGreaterThan(0);
    expect(sim.orders.some((o) => o.center === pittsburgh)).toBe(false);
    expect(
      sim.orders.filter((o) => o.distributor === 'Philadelphia').every((o) => o.center !== pittsburgh),
    ).toBe(true);
  });

  it('makes nothing at a center during its outage, and resumes after it', () => {
    const changes = parseChanges(
      { outages: [{ center: 'Chicago', fromDay: 2, toDay: 3 }] },
      example,
      'changes',
    );
    const sim = new DeliverySimulation(resolveRun(shortened(1), changes), 6);
    const chicago = sim.centers[0]!;
    let last = chicago.inventory;
    const rises: number[] = [];
    while (sim.env.peek() < 96) {
      sim.env.step();
      sim.advance(chicago, sim.env.now);
      const inside = sim.env.now > 24 && sim.env.now <= 72;
      if (inside && chicago.inventory > last) rises.push(sim.env.now);
      // Once every event of an instant is done.
      if (sim.env.peek() > sim.env.now)
        expect(sim.output(chicago) === 0).toBe(sim.env.now >= 24 && sim.env.now < 72);
      last = chicago.inventory;
    }
    expect(rises).toEqual([]);
    const base = simulateDelivery(shortened(1), {}, 6);
    expect(sim.run().centers[0]!.stockouts).toBeGreaterThanOrEqual(base.centers[0]!.stockouts);
    expect(() =>
      parseChanges({ outages: [{ center: 'Chicago', fromDay: 3, toDay: 2 }] }, example, 'x'),
    ).toThrow(/x\.outages\[0\]\.toDay: must not be before fromDay/);
  });

  it('keeps every inventory between 0 and its capacity at every event', () => {
    for (const changes of [{}, linear, { demand: 1.4 }, { ...linear, capacity: { Chicago: 900 } }]) {
      const sim = new DeliverySimulation(resolveRun(shortened(4), changes), 11);
      let events = 0;
      const violations: string[] = [];
      while (sim.env.peek() < sim.horizon) {
        sim.env.step();
        events++;
        for (const c of sim.centers) {
          sim.advance(c, sim.env.now);
          // Units on hand and orders waiting never coexist: waiting orders take every unit made.
          if (
            c.inventory < 0 ||
            c.inventory > c.setup.capacity ||
            (c.queue.length > 0 && c.inventory !== 0)
          ) {
            violations.push(
              `${c.setup.name} at ${sim.env.now} h: ${c.inventory} (${c.queue.length} waiting)`,
            );
          }
        }
      }
      expect(violations).toEqual([]);
      expect(events).toBeGreaterThan(100);
    }
  });

  it('makes the costs add up to the inventory integral, the machine hours and the rate changes', () => {
    const model = shortened(2);
    const sim = new DeliverySimulation(resolveRun(model, linear), 5);
    // The inventory integral measured from outside, on a fine grid (trapezoids).
    const step = 0.01;
    let integral = 0;
    let last = sim.centers.reduce((s, c) => s + c.inventory, 0);
    const steps = Math.round(sim.horizon / step);
    for (let i = 1; i <= steps; i++) {
      const at = i === steps ? sim.horizon : i * step;
      if (at < sim.horizon) sim.env.run({ until: at });
      else sim.finish();
      for (const c of sim.centers) sim.advance(c, at);
      const now = sim.centers.reduce((s, c) => s + c.inventory, 0);
      integral += ((last + now) / 2) * step;
      last = now;
    }
    const { costs } = model;
    const costsNow = sim.costsAt(sim.horizon);
    const expected =
      costs.holdingPerUnitHour * integral +
      costs.machinePerHour * sim.horizon * model.centers.length +
      costs.perRateChange * sim.rateChanges.length;
    console.log(
      `costs over ${model.weeks} weeks: holding ${costsNow.holding.toFixed(2)} (grid ${(costs.holdingPerUnitHour * integral).toFixed(2)}), machines ${costsNow.machine}, ${sim.rateChanges.length} changes ${costsNow.changes}`,
    );
    expect(sim.rateChanges.length).toBeGreaterThan(0);
    expect(costsNow.holding).toBeCloseTo(costs.holdingPerUnitHour * integral, -1);
    expect(Math.abs(costsNow.total - expected) / expected).toBeLessThan(1e-3);
    expect(sim.dailyCosts).toHaveLength(model.weeks * 7);
    expect(sim.dailyCosts.reduce((a, b) => a + b, 0)).toBeCloseTo(costsNow.total, 6);
    expect(sim.kpis().meanDailyCost).toBeCloseTo(costsNow.total / (model.weeks * 7), 6);
    const perCenter = sim.centerSummaries();
    expect(perCenter.reduce((s, c) => s + c.meanInventory, 0)).toBeCloseTo(sim.kpis().meanInventory, 6);
    expect(perCenter.reduce((s, c) => s + c.holdingCost, 0)).toBeCloseTo(costsNow.holding, 6);
    expect(perCenter.reduce((s, c) => s + c.orders, 0)).toBe(sim.orders.length);
  });

  it('delays rate changes by 2 h on average (exponential)', () => {
    const delays: number[] = [];
    for (let seed = 1; delays.length < 1000; seed++) {
      delays.push(...simulateDelivery(example, linear, seed).delays);
    }
    const n = delays.length;
    const mean = delays.reduce((a, b) => a + b, 0) / n;
    // An exponential's sd equals its mean: the sample mean lies within 3.29 standard errors of it 99.9 % of the time.
    const tolerance = (3.29 * example.rateChangeDelayHours) / Math.sqrt(n);
    console.log(
      `mean rate-change delay ${mean.toFixed(3)} h over ${n} changes (±${tolerance.toFixed(3)} h allowed)`,
    );
    expect(Math.abs(mean - example.rateChangeDelayHours)).toBeLessThan(tolerance);
  });

  it('gives every scenario the same orders on one seed (common random numbers)', () => {
    const a = simulateDelivery(shortened(2), {}, 9);
    const b = simulateDelivery(shortened(2), linear, 9);
    const c = simulateDelivery(shortened(2), {}, 10);
    const key = (s: DeliverySimulation) =>
      s.orders.map((o) => `${o.distributor}@${o.placedAt}:${o.quantity}`);
    expect(key(b)).toEqual(key(a));
    expect(key(c)).not.toEqual(key(a));
    expect(deliveryTwin.run(shortened(2), undefined, 9, 1)).toEqual(
      deliveryTwin.run(shortened(2), undefined, 9, 1),
    );
  });

  it("reports each open center's mean inventory, which add up to the network's", () => {
    const { kpis } = deliveryTwin.run(shortened(2), undefined, 9, 0);
    const perCenter = example.centers.map((c) => kpis[centerInventoryKey(c.name)]!);
    expect(perCenter.every((v) => v > 0)).toBe(true);
    expect(perCenter.reduce((a, b) => a + b, 0)).toBeCloseTo(kpis.meanInventory!, 6);
    const closed = example.centers[0]!.name;
    const without = deliveryTwin.run(shortened(2), { name: 'closed', changes: { down: [closed] } }, 9, 0);
    expect(without.kpis[centerInventoryKey(closed)]).toBeUndefined();
  });

  it('scales order sizes on the surge days only', () => {
    const base = simulateDelivery(shortened(1), {}, 4);
    const surge = simulateDelivery(shortened(1), { demand: [{ multiplier: 2, weekdays: ['tue'] }] }, 4);
    base.orders.forEach((o, i) => {
      const s = surge.orders[i]!;
      const tuesday = Math.floor(o.placedAt / 24) % 7 === 1;
      if (tuesday) expect(Math.abs(s.quantity - 2 * o.quantity)).toBeLessThanOrEqual(1);
      else expect(s.quantity).toBe(o.quantity);
    });
  });

  it('holds less inventory under the linear policy than at static rates (measured)', () => {
    const rows: string[] = [];
    for (let replication = 0; replication < 3; replication++) {
      const fixed = deliveryTwin.run(example, undefined, 2026, replication).kpis;
      const lin = deliveryTwin.run(example, { name: 'linear', changes: linear }, 2026, replication).kpis;
      rows.push(
        `replication ${replication}: holding $/day static ${fixed.holdingCostPerDay!.toFixed(0)}, linear ${lin.holdingCostPerDay!.toFixed(0)}; over 48 h static ${fixed.overLimitShare!.toFixed(1)} %, linear ${lin.overLimitShare!.toFixed(1)} %`,
      );
      expect(lin.holdingCostPerDay!).toBeLessThan(fixed.holdingCostPerDay!);
    }
    console.log(rows.join('\n'));
  });

  it('serves a manual rate after its delay, and the inventory follows it', () => {
    const model = parseDeliveryModel({ ...exampleJson, weeks: 1, policy: { type: 'manual' } });
    const sim = new DeliverySimulation(resolveRun(model, { policy: { type: 'manual' } }), 8);
    sim.env.run({ until: 1 });
    sim.setManualRate(0, 200);
    expect(sim.centers[0]!.rate).not.toBe(200);
    expect(sim.target(sim.centers[0]!)).toBe(200);
    sim.env.run({ until: 100 });
    expect(sim.centers[0]!.rate).toBe(200);
    expect(sim.rateChanges[0]!.requestedAt).toBe(1);
    expect(sim.rateChanges[0]!.delay).toBeCloseTo(sim.delays[0]!, 9);
  });

  it('ends every run of the scenario file, sensitivity and bottleneck cases with every KPI', () => {
    const model = shortened(1);
    const scenarios = deliveryTwin.parseScenarios(scenariosJson, model);
    expect(scenarios.map((s) => s.name)).toContain('baseline static');
    const all = [
      ...scenarios,
      ...deliveryTwin.sensitivity(model),
      ...deliveryTwin.bottleneckCandidates(model).map((b) => b.scenario),
    ];
    for (const scenario of all) {
      const result = deliveryTwin.run(model, scenario, 1, 0);
      for (const kpi of deliveryTwin.kpis) expect(Number.isFinite(result.kpis[kpi.key])).toBe(true);
      expect(result.events).toBeGreaterThan(0);
    }
    expect(deliveryTwin.assumptions(model).length).toBeGreaterThan(3);
  });

  it('refuses a bad model or scenario file, naming the field', () => {
    const bad = (json: unknown) => () => parseDeliveryModel(json);
    expect(bad({ ...exampleJson, kind: 'warehouse' })).toThrow(/model\.kind/);
    const centers = structuredClone(exampleJson.centers);
    centers[1].capacity = -5;
    expect(bad({ ...exampleJson, centers })).toThrow(/model\.centers\[1\]\.capacity: must be more than 0/);
    const overfull = structuredClone(exampleJson.centers);
    overfull[0].initialInventory = overfull[0].capacity + 1;
    expect(bad({ ...exampleJson, centers: overfull })).toThrow(/centers\[0\]\.initialInventory/);
    expect(bad({ ...exampleJson, centers: [...exampleJson.centers, exampleJson.centers[0]] })).toThrow(
      /named twice/,
    );
    const probabilities = structuredClone(exampleJson.distributors);
    probabilities[2].orderProbability.fri = 1.5;
    expect(bad({ ...exampleJson, distributors: probabilities })).toThrow(
      /model\.distributors\[2\]\.orderProbability\.fri/,
    );
    expect(() => parseChanges({ rateCap: { Boston: 10 } }, example, 'scenarios[0].changes')).toThrow(
      /scenarios\[0\]\.changes\.rateCap\.Boston: no center "Boston"/,
    );
    expect(() =>
      deliveryTwin.parseScenarios([{ name: 'x', changes: { policy: { type: 'linear' } } }], example),
    ).toThrow(/scenarios\[0\]\.changes\.policy\.threshold: is required/);
    expect(() => deliveryTwin.parseScenarios({ scenarios: [{ name: 'x', chnages: {} }] }, example)).toThrow(
      ScenarioError,
    );
  });
});
