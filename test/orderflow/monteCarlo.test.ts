// The Monte Carlo forecast: the deterministic forecast plus the spread of every order's finish.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syntheticSnapshot } from '../../bench/workloads.ts';
import {
  checkForecastModel,
  demoOrders,
  forecast,
  forecastMonteCarlo,
  type OrderState,
  orderFlowModel,
  type PlantOrder,
  parsePlantModel,
  runPlant,
  type Snapshot,
  snapshotAt,
} from '../../orderflow/index.ts';
import { modelSamplers, resolveModel } from '../../orderflow/model/resolveModel.ts';
import { prepareMonteCarlo, sampleMonteCarlo } from '../../orderflow/monteCarlo.ts';
import { ReplicationQueue } from '../../orderflow/replicationQueue.ts';
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

  it('lets a supplier who is already late slip longer than that, in a model written in minutes', () => {
    // The uncertain demo plant's slips, in minutes: 0, 5 or 15 with chances 0.65, 0.25 and 0.10;
    // production fixed at 10 min.
    const model = parsePlantModel({
      ...orderFlowModel,
      timeUnit: 'min',
      parameters: {
        ...orderFlowModel.parameters,
        materialLeadTime: 10,
        productionTime: 10,
        etaSlip: { dist: 'empirical', values: [0, 5, 15], weights: [0.65, 0.25, 0.1] },
      },
    });
    const waiting = (orderId: string, eta: number): OrderState => ({
      orderId,
      status: 'awaiting-material',
      acceptedAt: at(-30),
      materialOrderedAt: at(-30),
      initialEta: eta,
      eta,
    });
    // Three lines: no order waits for another.
    const orders = [waiting('late', at(-3)), waiting('later', at(-8)), waiting('latest', at(-20))];
    const options = { parameters: { lines: 3 }, replications: REPLICATIONS };

    const result = byId(forecastMonteCarlo({ asOf: NOW, orders }, model, options));
    const deterministic = forecast({ asOf: NOW, orders }, model, { parameters: { lines: 3 } });

    // 3 min late: the slip is 5 min (chance 0.25 / 0.35) or 15 (0.10 / 0.35), never 0.
    const late = result.late!;
    expect([late.completedAtP10, late.completedAtP50, late.completedAtP90]).toEqual([at(12), at(12), at(22)]);
    // The deterministic forecast expects the mean of those slips: 7 6/7 min after the ETA.
    expect(late.completedAt).toBe(at(-3 + (5 * 0.25 + 15 * 0.1) / 0.35 + 10));
    // 8 min late: only a slip of 15 min is that long.
    expect([result.later!.completedAtP10, result.later!.completedAtP90]).toEqual([at(17), at(17)]);
    expect(result.later!.completedAt).toBe(at(17));
    // 20 min late: no slip of the model is that long; assumed to arrive now.
    expect([result.latest!.completedAtP10, result.latest!.completedAtP90]).toEqual([at(10), at(10)]);
    expect(result.latest!.completedAt).toBe(at(10));
    expect(deterministic.warnings.map((w) => w.message)).toEqual([
      "order late's material was due 180 s ago; expected in 291 s (the model's slips longer than that)",
      "order later's material was due 480 s ago; expected in 420 s (the model's slips longer than that)",
      "order latest's material was due 1200 s ago; assumed to arrive now",
    ]);
    expect(deterministic.orders.every((o) => o.delayCause === 'overdue-material')).toBe(true);
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

  it('draws a replication the same in a run of many as alone: orders placed again carry nothing over', () => {
    // Shifts, a start only if it fits, breakdowns that restart an operation: every field of an order's unit is used.
    const model = parsePlantModel(JSON.parse(readFileSync('examples/models/flow-shop-shifts.json', 'utf8')));
    const snapshot = syntheticSnapshot(300, 1, model);
    const replications = 12;
    const prepared = prepareMonteCarlo(snapshot, model, { replications, seed: 7 });
    const [all] = sampleMonteCarlo(prepared, ReplicationQueue.range(0, replications));
    const n = prepared.base.restored.orders.length;
    const run = (r: number) => Array.from({ length: n }, (_, k) => all!.ends[k * replications + r]);
    for (const r of [1, 5, 11]) {
      const [alone] = sampleMonteCarlo(prepared, ReplicationQueue.range(r, r + 1));
      expect(Array.from(alone!.ends)).toEqual(run(r));
    }
    expect(run(5)).not.toEqual(run(1));
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

  it('is calibrated in every state of an order: in production, queued, waiting before its ETA, overdue', () => {
    const { groups, predictedOnTime, reallyOnTime, orders } = calibration();

    for (const state of CALIBRATION_STATES) {
      const group = groups.get(state)!;
      const inRange = group.inRange / group.orders;
      const belowMedian = group.belowMedian / group.orders;
      const figures = `${state}: ${group.orders} orders in ${group.snapshots} snapshots, ${(100 * inRange).toFixed(1)} % within P10–P90, ${(100 * belowMedian).toFixed(1)} % below P50`;
      expect(group.orders, figures).toBeGreaterThanOrEqual(1_000);
      expect(group.snapshots, figures).toBeGreaterThanOrEqual(300);
      expect(inRange, figures).toBeGreaterThanOrEqual(0.75);
      expect(inRange, figures).toBeLessThanOrEqual(0.85);
      expect(Math.abs(belowMedian - 0.5), figures).toBeLessThanOrEqual(0.06);
    }
    // The chance of being on time, averaged, is the share that really were.
    expect(Math.abs(predictedOnTime - reallyOnTime) / orders).toBeLessThan(0.03);
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

/** The states of an order the calibration test tells apart. */
const CALIBRATION_STATES = ['in-production', 'queued', 'before-eta', 'overdue'] as const;
type CalibrationState = (typeof CALIBRATION_STATES)[number];

/** examples/order-flow-uncertain.json: production triangular 8/9/13 min, slips of 0/5/15 min. */
const UNCERTAIN = parsePlantModel(
  JSON.parse(readFileSync(new URL('../../examples/order-flow-uncertain.json', import.meta.url), 'utf8')),
);

/**
 * A plant that follows UNCERTAIN's own assumptions, forecast at random moments and compared with
 * what then happens. Each snapshot is a plant of its own (its own seed): orders accepted at random
 * (every 2 min on average) on 6 lines (busy 5/6 of the time, so queues form), from 06:00 until a
 * moment drawn between 07:00 and 08:00; each order's material is quoted a lead time drawn from the
 * model's, and comes a slip of the model's after its ETA; its production takes a draw of the
 * model's. The snapshot at that moment (finished orders left out, as if delivered) is forecast
 * with 100 replications; the truth is the plant run of the same orders to the end, no order
 * accepted after the snapshot (the forecast does not foresee new orders, which could take a line
 * first: that is not what is checked here).
 *
 * How many: the forecasts of one snapshot share its plant, so the snapshots, not only the orders,
 * must be many. The shares within P10–P90 of one state over snapshots vary as if the orders were
 * independent (measured: variance over snapshots 0.9 to 1.3 times the binomial one). 900 snapshots
 * give 1,000 to 4,500 orders per state (the fewest queued and overdue, in 350 to 700 snapshots),
 * so the standard error of a share near 0.8 is at most sqrt(0.16 × 1.3 / 1,000) = 1.4 points: a
 * calibrated state (expected share 80/101 = 79.2 % with nearest-rank P10 and P90 of 100 draws)
 * falls below 75 % with a chance of 0.2 % (2.9 standard errors), and one really at 70 % (standard
 * error sqrt(0.21 × 1.3 / 1,000) = 1.7 points) reaches 75 % with a chance of 0.2 % (3.0). The share
 * below P50 (49.5 % expected, standard error at most 1.8 points) must lie within 6 points of half
 * (3.3 standard errors). 100 draws per forecast are enough: fewer make P10, P50 and P90 vary more
 * from forecast to forecast, but not the share of real ends between them on average.
 */
function calibration() {
  const snapshots = 900;
  const parameters = { lines: 6 };
  const t0 = Date.UTC(2026, 0, 5, 6, 0, 0);
  const groups = new Map<
    CalibrationState,
    { orders: number; snapshots: number; inRange: number; belowMedian: number }
  >(CALIBRATION_STATES.map((state) => [state, { orders: 0, snapshots: 0, inRange: 0, belowMedian: 0 }]));
  let orders = 0;
  let predictedOnTime = 0;
  let reallyOnTime = 0;
  for (let s = 1; s <= snapshots; s++) {
    const random = new Random(100_000 + s);
    // The model's own distributions, in ms: lead time, production time, slip.
    const truth = modelSamplers(resolveModel(UNCERTAIN, parameters), random, false);
    const [leadTime, productionTime] = truth.steps[0]!;
    const asOf = t0 + (60 + 60 * random.next()) * MIN;
    const plantOrders: PlantOrder[] = [];
    for (
      let acceptedAt = t0 + random.exponential(2 * MIN);
      acceptedAt <= asOf;
      acceptedAt += random.exponential(2 * MIN)
    ) {
      const quoted = leadTime!.sample();
      plantOrders.push({
        orderId: `o${String(plantOrders.length).padStart(3, '0')}`,
        acceptedAt,
        dueAt: acceptedAt + 35 * MIN,
        announcedLeadTime: quoted,
        leadTime: quoted + truth.etaSlip!.sample(),
        durations: { production: productionTime!.sample() },
      });
    }
    const plant = runPlant(plantOrders, UNCERTAIN, { parameters });
    const snapshot = snapshotAt(plant, asOf);
    const active = { asOf, orders: snapshot.orders.filter((o) => o.status !== 'finished') };

    const result = forecastMonteCarlo(active, UNCERTAIN, { parameters, replications: 100, seed: s });

    const seen = new Set<CalibrationState>();
    for (const o of result.orders) {
      const state: CalibrationState =
        o.status === 'in-production'
          ? 'in-production'
          : o.status === 'ready'
            ? 'queued'
            : o.eta! < asOf
              ? 'overdue'
              : 'before-eta';
      const end = plant.get(o.orderId)!.completedAt;
      const group = groups.get(state)!;
      if (!seen.has(state)) group.snapshots++;
      seen.add(state);
      group.orders++;
      if (o.completedAtP10! <= end && end <= o.completedAtP90!) group.inRange++;
      if (end <= o.completedAtP50!) group.belowMedian++;
      orders++;
      predictedOnTime += o.onTimeProbability!;
      if (end <= o.dueAt!) reallyOnTime++;
    }
  }
  return { groups, orders, predictedOnTime, reallyOnTime };
}
