// Benchmark workloads: Casymda's model and forecasts of synthetic plants of a given size.
import { orderStatusOf } from '../contracts/orderState.ts';
import uncertainPlant from '../examples/order-flow-uncertain.json' with { type: 'json' };
import {
  forecast,
  forecastMonteCarlo,
  type OrderState,
  orderFlowModel,
  type PlantModel,
  parsePlantModel,
  resolveModel,
  type Snapshot,
  type StepState,
} from '../orderflow/index.ts';
import { casymdaBenchmarkModel, quantileOf, Random, runModel, sampler } from '../sim-core/index.ts';

/**
 * The demo plant with uncertain times, as docs/model-and-forecasts.md shows `twin forecast --replications` with
 * (imported, not read: `npm run bench` runs a bundle of the CLI from another folder).
 */
const uncertainModel = () => parsePlantModel(uncertainPlant);

export interface CasymdaResult {
  endTime: number;
  events: number;
  /** Run time of the simulation itself (model build and run), ms. */
  wallMs: number;
}

/** Runs Casymda's benchmark model once. */
export function casymda(entities: number, interArrival: number): CasymdaResult {
  const started = performance.now();
  const result = runModel(casymdaBenchmarkModel, { parameters: { entities, interArrival } });
  const wallMs = performance.now() - started;
  const run = result.replications[0]!;
  return { endTime: run.endTime, events: run.events, wallMs: Math.round(wallMs * 10) / 10 };
}

const MIN = 60_000;

/**
 * A plant of `model` (default: the demo plant) with `n` active orders at `asOf`: about 1 in 20
 * completed, one in each unit of every station, a third queued at one of their operations, the rest
 * waiting for material (some ETAs slipped, some overdue) or not yet ordered. Products take turns.
 */
export function syntheticSnapshot(n: number, seed = 1, model: PlantModel = orderFlowModel): Snapshot {
  const random = new Random(seed);
  const resolved = resolveModel(model);
  const products = resolved.products;
  // Each step's mean time in ms: the times of the steps an order has done.
  const means = products.map((p) =>
    p.routing.map((s) => sampler(s.duration, random, true).mean * resolved.unitMs),
  );
  // One order in each unit of every station at first.
  const units = products[0]!.routing.flatMap((s) =>
    s.station === undefined ? [] : Array.from({ length: s.station.capacity }, () => s.index),
  );
  const asOf = Date.UTC(2026, 0, 5, 12, 0, 0);
  const orders: OrderState[] = [];
  for (let i = 0; i < n; i++) {
    const product = products[i % products.length]!;
    const routing = product.routing;
    const mean = means[product.index]!;
    const operations = routing.filter((s) => s.kind === 'operation').map((s) => s.index);
    const orderId = `order-${String(i + 1).padStart(6, '0')}`;
    const acceptedAt = asOf - random.integer(1, 600) * MIN;
    const dueAt = acceptedAt + random.integer(60, 24 * 60) * MIN;
    const base = {
      orderId,
      ...(products.length > 1 && { product: product.id }),
      acceptedAt,
      dueAt,
      materialOrderedAt: acceptedAt,
      initialEta: acceptedAt + 10 * MIN,
    };
    /** The order with every step before `k` done, the last of them ending at `end` (earlier ones at their means before). */
    const doneUntil = (k: number, end: number, extra: Partial<OrderState> = {}): OrderState => {
      const steps: Record<string, StepState> = {};
      const state: Record<string, unknown> = { ...base, ...extra };
      for (let j = k - 1, t = end; j >= 0; j--) {
        const step = routing[j]!;
        if (step.kind === 'material') state.materialArrivedAt = t;
        else {
          steps[step.step] = { startedAt: t - mean[j]!, finishedAt: t };
          t -= mean[j]!;
        }
      }
      if (extra.steps) Object.assign(steps, extra.steps);
      const order = { ...(state as unknown as OrderState), steps };
      return { ...order, status: orderStatusOf(order) };
    };
    const u = random.next();
    if (i < units.length && products.length === 1) {
      const k = units[i]!;
      orders.push(
        doneUntil(k, asOf - 12 * MIN, { steps: { [routing[k]!.step]: { startedAt: asOf - 4 * MIN } } }),
      );
    } else if (u < 0.05) {
      orders.push(
        doneUntil(routing.length, acceptedAt + 10 * MIN + mean.slice(1).reduce((a, b) => a + b, 0)),
      );
    } else if (u < 0.4 && operations.length > 0) {
      const k =
        operations.length === 1 ? operations[0]! : operations[random.integer(0, operations.length - 1)]!;
      orders.push(doneUntil(k, asOf - random.integer(0, 300) * MIN));
    } else if (u < 0.85 && product.material >= 0) {
      orders.push({ ...base, status: 'awaiting-material', eta: asOf + random.integer(-5, 120) * MIN });
    } else {
      orders.push({
        orderId,
        ...(products.length > 1 && { product: product.id }),
        acceptedAt,
        dueAt,
        status: 'accepted',
      });
    }
  }
  return { asOf, orders };
}

export interface ForecastBenchResult {
  orders: number;
  /** The plant model's name. */
  model?: string;
  /** Monte Carlo forecasts only: draws of the future per forecast (model: examples/order-flow-uncertain.json). */
  replications?: number;
  /** The first forecast in the process, compilation included (a cold Lambda's first forecast). */
  freshMs: number;
  /** Median of `runs` forecasts after `warmupRuns` in the same process (a warm Lambda's forecast). */
  medianMs: number;
  minMs: number;
  events: number;
  runs: number;
  warmupRuns: number;
  /** The Node.js options of the process that measured (`twin bench` adds FORECAST_NODE_OPTIONS). */
  nodeOptions: string[];
}

/**
 * Forecasts a synthetic plant of `n` active orders: once fresh, then `warmupRuns` times unmeasured
 * (V8 optimises a forecast's code over its first runs, a warm Lambda's forecasts come after), then
 * `runs` times measured; the median is the warm figure.
 */
export function forecastBench(
  n: number,
  runs = 15,
  warmupRuns = 30,
  /** A Monte Carlo forecast of this many draws (default model: the demo plant with uncertain times). */
  replications?: number,
  /** The plant model (default: the demo plant). */
  plant?: PlantModel,
): ForecastBenchResult {
  const model = plant ?? (replications === undefined ? orderFlowModel : uncertainModel());
  const snapshot = syntheticSnapshot(n, 1, model);
  const once = () =>
    replications === undefined
      ? forecast(snapshot, model)
      : forecastMonteCarlo(snapshot, model, { replications });
  const timed = () => {
    const started = performance.now();
    const { events } = once();
    return { ms: performance.now() - started, events };
  };
  const fresh = timed();
  for (let i = 0; i < warmupRuns; i++) once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(timed().ms);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    orders: n,
    model: model.name,
    ...(replications !== undefined && { replications }),
    freshMs: round(fresh.ms),
    medianMs: round(quantileOf(times, 0.5)),
    minMs: round(quantileOf(times, 0)),
    events: fresh.events,
    runs,
    warmupRuns,
    nodeOptions: process.execArgv,
  };
}
