// The Monte Carlo forecast: the deterministic forecast plus the spread of every order's finish.
import { describe, expect, it } from 'vitest';
import {
  checkForecastModel,
  demoOrders,
  forecast,
  forecastMonteCarlo,
  type OrderState,
  orderFlowModel,
  parsePlantModel,
  runPlant,
  type Snapshot,
  snapshotAt,
} from '../../orderflow/index.ts';
import { ModelError, Random } from '../../sim-core/index.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (minutes: number) => NOW + minutes * MIN;
/** Production takes 5 to 15 minutes, any time in between alike (mean 10, as the demo plant's). */
const UNIFORM_PRODUCTION = { productionTime: { dist: 'uniform' as const, min: 5 * MIN, max: 15 * MIN } };
const REPLICATIONS = 4_000;

const byId = (f: ReturnType<typeof forecast>) => Object.fromEntries(f.orders.map((o) => [o.orderId, o]));

describe('Monte Carlo forecast', () => {
  it("adds the spread of an order's production end, and its chance to end by its due date", () => {
    const orders: OrderState[] = [
      { orderId: 'a', status: 'in-production', steps: { production: { startedAt: NOW } }, dueAt: at(12.5) },
    ];

    const result = forecastMonteCarlo({ asOf: NOW, orders }, orderFlowModel, {
      parameters: UNIFORM_PRODUCTION,
      replications: REPLICATIONS,
    });

    const a = result.orders[0]!;
    // The deterministic fields are the forecast's, at the distribution's mean.
    expect(a.completedAt).toBe(at(10));
    expect(a.late).toBe(false);
    // Uniform on [5, 15] min: its 10th, 50th and 90th percentiles are 6, 10 and 14 min.
    expect((a.completedAtP10! - NOW) / MIN).toBeCloseTo(6, 0);
    expect((a.completedAtP50! - NOW) / MIN).toBeCloseTo(10, 0);
    expect((a.completedAtP90! - NOW) / MIN).toBeCloseTo(14, 0);
    // P(end <= 12.5 min) = 0.75.
    expect(Math.abs(a.onTimeProbability! - 0.75)).toBeLessThan(0.03);
    expect(result.monteCarlo).toEqual({ replications: REPLICATIONS, seed: 1 });
  });

  it('counts as at risk the orders on time at the means that end late in a fifth of the draws or more', () => {
    // Three lines, four orders in production since now, 5 to 15 minutes each (mean 10).
    const inProduction = (orderId: string, dueMinutes?: number): OrderState => ({
      orderId,
      status: 'in-production',
      steps: { production: { startedAt: NOW } },
      ...(dueMinutes !== undefined && { dueAt: at(dueMinutes) }),
    });
    const orders = [
      inProduction('safe', 14.5), // late in 5 % of the draws
      inProduction('risky', 12.5), // late in 25 %
      inProduction('late', 9), // late at the means: counted as late, not at risk
      inProduction('undated'),
    ];
    const parameters = { ...UNIFORM_PRODUCTION, lines: 4 };

    const result = forecastMonteCarlo({ asOf: NOW, orders }, orderFlowModel, {
      parameters,
      replications: REPLICATIONS,
    });

    expect(result.kpis.ordersLate).toBe(1);
    expect(result.kpis.ordersAtRisk).toBe(1);
    expect(forecast({ asOf: NOW, orders }, orderFlowModel, { parameters }).kpis.ordersAtRisk).toBeUndefined();
  });

  it('draws a production time longer than the time the order has already spent in production', () => {
    const orders: OrderState[] = [
      { orderId: 'a', status: 'in-production', steps: { production: { startedAt: at(-12) } } },
    ];

    const result = forecastMonteCarlo({ asOf: NOW, orders }, orderFlowModel, {
      parameters: UNIFORM_PRODUCTION,
      replications: REPLICATIONS,
    });

    const a = result.orders[0]!;
    // The mean (10 min) has passed: an overrun. Production times longer than 12 min are uniform on
    // [12, 15] min, so the forecast expects it to end in 1.5 min.
    expect(a.completedAt).toBe(at(1.5));
    expect(a.delayCause).toBe('overrun');
    expect(result.warnings).toEqual([
      expect.objectContaining({
        kind: 'overrun',
        message:
          "order a has been in production 120 s longer than planned; expected to finish in 90 s (the model's times longer than that)",
      }),
    ]);
    // Drawn, production takes 12 to 15 min: it ends within the next 3 min, half of it by 1.5 min.
    expect(a.completedAtP10!).toBeGreaterThan(NOW);
    expect(a.completedAtP90!).toBeLessThanOrEqual(at(3));
    expect((a.completedAtP50! - NOW) / MIN).toBeCloseTo(1.5, 0);
  });

  it("lets a supplier's ETA slip as the model's etaSlip says; the deterministic forecast keeps the ETA", () => {
    const model = parsePlantModel({
      ...orderFlowModel,
      parameters: {
        ...orderFlowModel.parameters,
        // Half of the suppliers are on time, half 10 minutes late.
        etaSlip: { dist: 'empirical', values: [0, 10 * MIN], weights: [1, 1] },
      },
    });
    const orders: OrderState[] = [
      {
        orderId: 'a',
        status: 'awaiting-material',
        acceptedAt: at(-5),
        materialOrderedAt: at(-5),
        initialEta: at(10),
        eta: at(10),
        dueAt: at(25),
      },
    ];

    const result = forecastMonteCarlo({ asOf: NOW, orders }, model, { replications: REPLICATIONS });

    const a = result.orders[0]!;
    expect(a.completedAt).toBe(at(20));
    expect(a.completedAtP10).toBe(at(20));
    expect(a.completedAtP90).toBe(at(30));
    expect(Math.abs(a.onTimeProbability! - 0.5)).toBeLessThan(0.03);
  });

  it("carries one order's uncertainty on to the orders that queue behind it", () => {
    // Named so that the order in production (placed first) comes last by orderId.
    const orders: OrderState[] = [
      {
        orderId: 'b',
        status: 'in-production',
        materialArrivedAt: at(-1),
        steps: { production: { startedAt: NOW } },
      },
      { orderId: 'a', status: 'ready', materialArrivedAt: at(-1) },
    ];

    const result = byId(
      forecastMonteCarlo({ asOf: NOW, orders }, orderFlowModel, {
        parameters: UNIFORM_PRODUCTION,
        replications: REPLICATIONS,
      }),
    );

    // a starts when b ends: the sum of two production times uniform on [5, 15] min, 10 min plus a
    // triangular on [0, 20] min: its median is 20 min, its 10th percentile 10 + sqrt(20) = 14.5 min.
    expect((result.b!.completedAtP50! - NOW) / MIN).toBeCloseTo(10, 0);
    expect((result.a!.completedAtP50! - NOW) / MIN).toBeCloseTo(20, 0);
    expect((result.a!.completedAtP10! - NOW) / MIN).toBeCloseTo(14.5, 0);
  });

  it('gives the same result for the same seed, whatever the order of the snapshot, and another for another seed', () => {
    const history = runPlant(demoOrders(NOW));
    const snapshot = snapshotAt(history, at(25));
    const reversed: Snapshot = { ...snapshot, orders: [...snapshot.orders].reverse() };
    const options = { parameters: UNIFORM_PRODUCTION, replications: 200, seed: 7 };

    const first = forecastMonteCarlo(snapshot, orderFlowModel, options);
    const again = forecastMonteCarlo(reversed, orderFlowModel, options);
    const other = forecastMonteCarlo(snapshot, orderFlowModel, { ...options, seed: 8 });

    expect(again).toEqual(first);
    expect(other.orders.map((o) => o.completedAtP50)).not.toEqual(first.orders.map((o) => o.completedAtP50));
  });

  it('takes any integer as seed, whole, and records one beyond a safe integer as its digits', () => {
    const snapshot = snapshotAt(runPlant(demoOrders(NOW)), at(25));
    const options = { parameters: UNIFORM_PRODUCTION, replications: 50 };
    const withSeed = (seed: number | bigint) =>
      forecastMonteCarlo(snapshot, orderFlowModel, { ...options, seed });
    const medians = (seed: number | bigint) => withSeed(seed).orders.map((o) => o.completedAtP50);

    const huge = withSeed(10n ** 30n);

    expect(medians(2 ** 32 + 1)).not.toEqual(medians(1));
    expect(medians(Number.MAX_SAFE_INTEGER)).not.toEqual(medians(Number.MAX_SAFE_INTEGER - 1));
    expect(huge.monteCarlo).toEqual({ replications: 50, seed: `1${'0'.repeat(30)}` });
    expect(withSeed(10n ** 30n)).toEqual(huge);
    expect(huge.orders.map((o) => o.completedAtP50)).not.toEqual(medians(1));
  });

  it('with a model without randomness, every percentile is the forecast end and the chance is 0 or 1', () => {
    const history = runPlant(demoOrders(NOW));
    const snapshot = snapshotAt(history, at(25));

    const result = forecastMonteCarlo(snapshot, orderFlowModel, { replications: 20 });

    expect(result.orders.length).toBeGreaterThan(1);
    for (const o of result.orders) {
      expect([o.completedAtP10, o.completedAtP50, o.completedAtP90]).toEqual([
        o.completedAt,
        o.completedAt,
        o.completedAt,
      ]);
      if (o.dueAt !== undefined) expect(o.onTimeProbability).toBe(o.late ? 0 : 1);
    }
    const { orders: _mc, monteCarlo: _settings, events: _e1, kpis: mcKpis, ...restMc } = result;
    const { orders: _det, events: _e2, kpis, ...restDet } = forecast(snapshot);
    expect(restMc).toEqual(restDet);
    // No draw differs from the means: no order on time at the means is at risk.
    expect(mcKpis).toEqual({ ...kpis, ordersAtRisk: 0 });
  });

  it('is calibrated: when the plant behaves as the model says, its real ends fall as the draws say', () => {
    // 300 plants, each with its own real production times drawn from the model's distribution;
    // each forecast from a snapshot mid-run (with draws of its own), then compared with what happened.
    const groups = new Map<string, { forecasts: number; inRange: number; belowMedian: number }>();
    let forecasts = 0;
    let predictedOnTime = 0;
    let reallyOnTime = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const random = new Random(1_000 + seed);
      const orders = Array.from({ length: 6 }, (_, i) => ({
        orderId: `o${i}`,
        acceptedAt: at(i * 5),
        dueAt: at(i * 5 + 30),
        leadTime: 10 * MIN,
        durations: { production: random.uniform(5 * MIN, 15 * MIN) },
      }));
      const plant = runPlant(orders);
      const snapshot = snapshotAt(plant, at(30));

      const result = forecastMonteCarlo(snapshot, orderFlowModel, {
        parameters: UNIFORM_PRODUCTION,
        replications: 200,
        seed,
      });

      for (const o of result.orders.filter((o) => o.status !== 'finished')) {
        const end = plant.get(o.orderId)!.completedAt;
        const group = groups.get(o.status!) ?? { forecasts: 0, inRange: 0, belowMedian: 0 };
        groups.set(o.status!, group);
        forecasts++;
        group.forecasts++;
        if (o.completedAtP10! <= end && end <= o.completedAtP90!) group.inRange++;
        if (end <= o.completedAtP50!) group.belowMedian++;
        predictedOnTime += o.onTimeProbability!;
        if (end <= o.dueAt!) reallyOnTime++;
      }
    }

    // Orders in production (their draws must be longer than the time already spent), queued, and
    // waiting for material: in each group, 8 in 10 real ends lie within P10–P90, half below P50.
    expect([...groups.keys()].sort()).toEqual(['awaiting-material', 'in-production', 'ready']);
    for (const [status, group] of groups) {
      expect(group.forecasts, status).toBeGreaterThanOrEqual(300);
      expect(Math.abs(group.inRange / group.forecasts - 0.8), status).toBeLessThan(0.06);
      expect(Math.abs(group.belowMedian / group.forecasts - 0.5), status).toBeLessThan(0.08);
    }
    // The chance of being on time, averaged, is the share that really were (about a quarter here).
    expect(Math.abs(predictedOnTime / forecasts - reallyOnTime / forecasts)).toBeLessThan(0.03);
  });

  it('checks a model and its parameters before the first forecast', () => {
    expect(() => checkForecastModel(orderFlowModel, UNIFORM_PRODUCTION)).not.toThrow();
    expect(() => checkForecastModel(orderFlowModel, { etaSlip: 'often' })).toThrow(
      'parameter "etaSlip" must be a distribution, got "often"',
    );
    expect(() => checkForecastModel(orderFlowModel, { lines: 0 })).toThrow(
      'parameter "lines" must be a whole number >= 1, got 0 (it is the capacity of station line, model.stations[0].capacity)',
    );
  });

  it('refuses a number of replications that is not a whole number from 1 to 100,000, and a slip that is no distribution', () => {
    const snapshot: Snapshot = { asOf: NOW, orders: [] };
    const slipByName = () =>
      parsePlantModel({ ...orderFlowModel, parameters: { ...orderFlowModel.parameters, etaSlip: 'late' } });

    for (const replications of [0, 2.5, Number.NaN, 100_001, 1e9]) {
      expect(() => forecastMonteCarlo(snapshot, orderFlowModel, { replications })).toThrow(ModelError);
    }
    expect(() => forecastMonteCarlo(snapshot, orderFlowModel, { replications: 0 })).toThrow(
      'replications must be a whole number from 1 to 100,000, got 0',
    );
    // A model file whose slip is a name is refused when it is loaded.
    expect(slipByName).toThrow('model.etaSlip: parameter "etaSlip" must be a distribution, got "late"');
  });
});
