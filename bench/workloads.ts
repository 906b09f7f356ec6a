// Benchmark workloads: Casymda's model and forecasts of synthetic plants of a given size.
import { orderStatusOf } from '../contracts/orderState.ts';
import uncertainPlant from '../examples/order-flow-uncertain.json' with { type: 'json' };
import { forecastMonteCarloInThreads } from '../forecast/threads/monteCarloInThreads.ts';
import { ReplicationPool } from '../forecast/threads/ReplicationPool.ts';
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
import type { ResolvedProduct } from '../orderflow/model/resolveModel.ts';
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

/**
 * Runs Casymda's benchmark model once. Its blocks keep their counts and mean times but not every
 * entity's time (the KPIs' p95), as the SimPy peer keeps none, unless `percentiles`.
 */
export function casymda(entities: number, interArrival: number, percentiles = false): CasymdaResult {
  const started = performance.now();
  const result = runModel(casymdaBenchmarkModel(), { parameters: { entities, interArrival }, percentiles });
  const wallMs = performance.now() - started;
  const run = result.replications[0]!;
  return { endTime: run.endTime, events: run.events, wallMs: Math.round(wallMs * 10) / 10 };
}

const MIN = 60_000;

/**
 * A plant of `model` (default: the demo plant) with `n` active orders at `asOf`: about 1 in 20
 * completed, one in each unit of every station, a third queued at one of their operations, the rest
 * waiting for material (some ETAs slipped, some overdue) or not yet ordered. Products take turns.
 *
 * Physically consistent, as a plant would report it: the operations already done are laid out on
 * the units of their stations, back to back into the past from what each unit works on at asOf, so
 * that no unit ever does two at once; every order's steps follow one another along its routing,
 * after it was accepted and its material ordered.
 */
export function syntheticSnapshot(n: number, seed = 1, model: PlantModel = orderFlowModel): Snapshot {
  const random = new Random(seed);
  const resolved = resolveModel(model);
  const products = resolved.products;
  // Each step's mean time in ms: the times of the steps an order has done.
  const means = products.map((p) =>
    p.routing.map((s) => sampler(s.duration, random, true).mean * resolved.unitMs),
  );
  const asOf = Date.UTC(2026, 0, 5, 12, 0, 0);
  // Per station, per unit: the time before which the unit is free (its work laid out backwards).
  const free = resolved.stations.map((s) => new Array<number>(s.capacity).fill(asOf));
  /** Lays operation j of `product` on the unit of its station free latest, ending by `by`; returns its start. */
  const layOut = (product: ResolvedProduct, j: number, by: number, steps: Record<string, StepState>) => {
    const units = free[product.routing[j]!.station!.index]!;
    let u = 0;
    for (let v = 1; v < units.length; v++) if (units[v]! > units[u]!) u = v;
    const end = Math.min(by, units[u]!);
    const start = end - means[product.index]![j]!;
    units[u] = start;
    steps[product.routing[j]!.step] = { startedAt: start, finishedAt: end };
    return start;
  };
  // One order in each unit of every station first, of a product whose routing visits it.
  const inOperation = resolved.stations.flatMap((s) => {
    const visits = products.flatMap((p) =>
      p.routing.filter((step) => step.station === s).map((step) => ({ product: p, k: step.index })),
    );
    return visits.length === 0
      ? []
      : Array.from({ length: s.capacity }, (_, u) => visits[u % visits.length]!);
  });
  const orders: OrderState[] = [];
  for (let i = 0; i < n; i++) {
    const current = i < inOperation.length ? inOperation[i] : undefined;
    const product = current?.product ?? products[i % products.length]!;
    const routing = product.routing;
    const operations = routing.filter((s) => s.kind === 'operation').map((s) => s.index);
    const orderId = `order-${String(i + 1).padStart(6, '0')}`;
    let acceptedAt = asOf - random.integer(1, 600) * MIN;
    const steps: Record<string, StepState> = {};
    const extra: Partial<OrderState> = {};
    /**
     * Every step before `k` done, the last of them ending by `by`: operations on their stations'
     * units, the material arrived (ordered its mean lead time, or a little more, before).
     */
    const doneUntil = (k: number, by: number): void => {
      let t = by;
      for (let j = k - 1; j >= 0; j--) {
        if (routing[j]!.kind === 'operation') t = layOut(product, j, t, steps);
        else {
          const lead = means[product.index]![j]!;
          extra.materialArrivedAt = t;
          extra.materialOrderedAt = t - lead - random.integer(0, 30) * MIN;
          extra.initialEta = extra.materialOrderedAt + lead;
          t = extra.materialOrderedAt;
        }
      }
      acceptedAt = Math.min(acceptedAt, t);
    };
    const u = random.next();
    if (current !== undefined) {
      const started = asOf - Math.min(4 * MIN, means[product.index]![current.k]! / 2);
      const units = free[routing[current.k]!.station!.index]!;
      units[units.indexOf(asOf)] = started;
      steps[routing[current.k]!.step] = { startedAt: started };
      doneUntil(current.k, started - random.integer(0, 10) * MIN);
    } else if (u < 0.05) {
      doneUntil(routing.length, asOf - random.integer(0, 60) * MIN);
    } else if (u < 0.4 && operations.length > 0) {
      const k =
        operations.length === 1 ? operations[0]! : operations[random.integer(0, operations.length - 1)]!;
      doneUntil(k, asOf - random.integer(0, 300) * MIN);
    } else if (u < 0.85 && product.material >= 0) {
      const ordered = acceptedAt;
      doneUntil(product.material, ordered);
      extra.materialOrderedAt = ordered;
      extra.initialEta = ordered + 10 * MIN;
      extra.eta = asOf + random.integer(-5, 120) * MIN;
    }
    if (extra.materialOrderedAt !== undefined && routing[0]!.kind === 'material') {
      acceptedAt = extra.materialOrderedAt;
    }
    const order: OrderState = {
      orderId,
      ...(products.length > 1 && { product: product.id }),
      acceptedAt,
      dueAt: acceptedAt + random.integer(60, 24 * 60) * MIN,
      ...extra,
      ...(Object.keys(steps).length > 0 && { steps }),
    };
    orders.push({ ...order, status: orderStatusOf(order) });
  }
  return { asOf, orders };
}

export interface ForecastBenchResult {
  orders: number;
  /** The plant model's name. */
  model?: string;
  /** Monte Carlo forecasts only: draws of the future per forecast (model: examples/order-flow-uncertain.json). */
  replications?: number;
  /** Monte Carlo forecasts only: threads that ran the replications, the calling one included. */
  threads?: number;
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
 * A pool of worker threads that, with the calling thread, makes `threads`. Refuses when its threads
 * cannot start (their entry is not where this code looks for it): a figure reported for `threads`
 * threads must be one that ran on them, not on the calling thread alone.
 */
export function benchPool(threads: number): ReplicationPool {
  const pool = new ReplicationPool(threads - 1);
  if (threads > 1 && !pool.available) {
    throw new Error(
      `${threads} threads were asked for, but the worker threads cannot start: their entry ${pool.entry} is missing`,
    );
  }
  return pool;
}

/**
 * Forecasts a synthetic plant of `n` active orders: once fresh, then `warmupRuns` times unmeasured
 * (V8 optimises a forecast's code over its first runs, a warm Lambda's forecasts come after), then
 * `runs` times measured; the median is the warm figure.
 */
export async function forecastBench(
  n: number,
  runs = 15,
  warmupRuns = 30,
  /** A Monte Carlo forecast of this many draws (default model: the demo plant with uncertain times). */
  replications?: number,
  /** The plant model (default: the demo plant). */
  plant?: PlantModel,
  /** Threads that run a Monte Carlo forecast's replications, the calling one included (default 1). */
  threads = 1,
): Promise<ForecastBenchResult> {
  const model = plant ?? (replications === undefined ? orderFlowModel : uncertainModel());
  const snapshot = syntheticSnapshot(n, 1, model);
  const pool = benchPool(threads);
  const once = async () =>
    replications === undefined
      ? forecast(snapshot, model)
      : threads === 1
        ? forecastMonteCarlo(snapshot, model, { replications })
        : await forecastMonteCarloInThreads(snapshot, model, { replications }, pool);
  const timed = async () => {
    const started = performance.now();
    const { events } = await once();
    return { ms: performance.now() - started, events };
  };
  const fresh = await timed();
  for (let i = 0; i < warmupRuns; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed()).ms);
  await pool.close();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    orders: n,
    model: model.name,
    ...(replications !== undefined && { replications, threads }),
    freshMs: round(fresh.ms),
    medianMs: round(quantileOf(times, 0.5)),
    minMs: round(quantileOf(times, 0)),
    events: fresh.events,
    runs,
    warmupRuns,
    nodeOptions: process.execArgv,
  };
}
