// Forecasting from work in process: every active order is put back where it stands in its routing
// (mid-operation orders keep the time already spent), the plant is simulated ahead, and each order's
// delay is attributed to its own material, to an overrunning operation, or to waiting behind others.
import { Environment } from '../sim-core/kernel/Environment.ts';
import { RunLimits, type SimulationLimits } from '../sim-core/limits.ts';
import { Random, type Sampler } from '../sim-core/random/Random.ts';
import { SIM_CORE_VERSION } from '../sim-core/version.ts';
import type { PlantModel } from './model/plantModel.ts';
import { modelSamplers, type ResolvedModel, resolveModel } from './model/resolveModel.ts';
import { orderFlowModel } from './models/index.ts';
import { buildNetwork, type Network } from './network.ts';
import { runPlan } from './plan.ts';
import { placeOrders, type Restored, type RestoredOrder, restoreOrders } from './restore.ts';
import {
  DelayCause,
  type Forecast,
  type ForecastWarning,
  type OrderForecast,
  type Snapshot,
  type StationForecast,
  type StepKind,
  type StepSpan,
} from './types.ts';

export interface ForecastOptions {
  /** Overrides of the model's parameters, by name (values in the model's time unit). */
  parameters?: Readonly<Record<string, unknown>>;
  /**
   * Events per simulated run and wall time of the whole forecast (defaults: DEFAULT_MAX_EVENTS,
   * DEFAULT_MAX_WALL_MS); beyond them a SimulationLimitError ends it. A RunLimits shares its clock.
   */
  limits?: SimulationLimits | RunLimits;
}

// Differences below a millisecond are rounding, not delay.
const TOLERANCE_MS = 0.5;

/** A deterministic forecast's parts that a Monte Carlo forecast reuses. */
export interface ForecastRun {
  forecast: Forecast;
  resolved: ResolvedModel;
  restored: Restored;
  /** Index of each restored order's forecast in `forecast.orders`. */
  order: Int32Array;
}

/**
 * Forecasts every active order of `snapshot` with `model` at its means. A pure function: the same
 * snapshot and model always give the same forecast, whatever the order of the snapshot's orders.
 */
export function forecast(
  snapshot: Snapshot,
  model: PlantModel = orderFlowModel,
  options: ForecastOptions = {},
): Forecast {
  return forecastRun(snapshot, model, options).forecast;
}

/** `forecast`, with what it restored (for Monte Carlo forecasts). */
export function forecastRun(snapshot: Snapshot, model: PlantModel, options: ForecastOptions): ForecastRun {
  const asOf = snapshot.asOf;
  const limits = RunLimits.of(options.limits);
  const resolved = resolveModel(model, options.parameters);
  const nominal = modelSamplers(resolved, new Random(0), true);
  const warnings: ForecastWarning[] = [];
  const restored = restoreOrders(snapshot, resolved, nominal, warnings);

  const env = new Environment(asOf);
  const net = buildNetwork(resolved, nominal, env);
  const { times } = placeOrders(restored, net);
  limits.run(env);
  const plan = runPlan(restored, resolved, nominal, asOf, limits);

  const results = restored.orders.map((r) =>
    orderForecastOf(r, times, plan.times, asOf, nominal.steps[r.product.index]!),
  );
  const sequence = sortKeys(restored, times, results);
  const order = new Int32Array(results.length);
  for (let position = 0; position < sequence.length; position++) order[sequence[position]!] = position;
  const orders = Array.from(sequence, (k) => results[k]!);

  const horizonEnd = orders.reduce((end, o) => Math.max(end, o.completedAt), asOf);
  const late = orders.filter((o) => o.late);
  return {
    forecast: {
      asOf,
      model: resolved.summary,
      simCoreVersion: SIM_CORE_VERSION,
      orders,
      stations: stationForecasts(net, restored, times, asOf, horizonEnd),
      kpis: {
        activeOrders: orders.length,
        makespanMs: horizonEnd - asOf,
        ordersLate: late.length,
        meanLatenessMs: late.length === 0 ? 0 : late.reduce((s, o) => s + o.latenessMs!, 0) / late.length,
        ordersDelayed: orders.filter((o) => o.delayCause !== DelayCause.none).length,
      },
      warnings,
      events: env.eventsProcessed + plan.events,
    },
    resolved,
    restored,
    order,
  };
}

/**
 * The forecast's order of its orders: by the start of their first operation (when they are taken
 * up), then by orderId. Returns indices into `results`.
 */
function sortKeys(restored: Restored, times: Float64Array, results: readonly OrderForecast[]): Int32Array {
  const keys = new Float64Array(results.length);
  restored.orders.forEach((r, i) => {
    const first = r.product.firstOperation;
    keys[i] = first < 0 ? results[i]!.completedAt : times[r.base + 2 * first]!;
  });
  // Restored orders are in orderId order: equal keys keep it.
  const sequence = Array.from(results.keys()).sort((a, b) => keys[a]! - keys[b]! || a - b);
  return Int32Array.from(sequence);
}

/** The forecast of a restored order after the run: its steps, cut at asOf, and why it is late, if it is. */
function orderForecastOf(
  r: RestoredOrder,
  times: Float64Array,
  plan: Float64Array,
  asOf: number,
  nominal: readonly Sampler[],
): OrderForecast {
  const { order, product, base: b } = r;
  const routing = product.routing;
  const steps: StepSpan[] = [];
  // The operation that took (or takes) longest beyond its nominal duration, if any.
  let overrun: { excess: number; station: string } | undefined;
  // The station where the order waits longest beyond the plan.
  let knockOn: { excess: number; station: string } | undefined;
  let previousEnd = r.entry;
  for (const step of routing) {
    const i = step.index;
    const start = times[b + 2 * i]!;
    const end = times[b + 2 * i + 1]!;
    if (step.kind === 'material') {
      const from = !Number.isNaN(start)
        ? start
        : i === 0
          ? Math.min(order.materialOrderedAt ?? order.acceptedAt ?? end, end)
          : Math.min(previousEnd, end);
      split(steps, step.step, undefined, 'material', from, end, asOf);
    } else {
      const station = step.station!.id;
      split(steps, step.step, station, 'queue', previousEnd, start, asOf);
      split(steps, step.step, station, 'operation', start, end, asOf);
      // Done, it took longer than its nominal duration; in progress, it has already.
      const planned = nominal[i]!.mean;
      const overran = i < r.at ? end - start - planned > TOLERANCE_MS : i === r.at && r.overrun;
      const excess = (i < r.at ? end : asOf) - start - planned;
      if (overran && !(overrun !== undefined && overrun.excess >= excess)) overrun = { excess, station };
      // How much longer it waits in the station's queue than in the plan.
      const waited = start - previousEnd - (plan[b + 2 * i]! - (i === 0 ? r.entry : plan[b + 2 * i - 1]!));
      if (waited > TOLERANCE_MS && !(knockOn && knockOn.excess >= waited))
        knockOn = { excess: waited, station };
    }
    previousEnd = end;
  }
  const last = b + 2 * routing.length - 1;
  const completedAt = times[last]!;
  const plannedCompletedAt = plan[last]!;
  const delayMs = completedAt - plannedCompletedAt;
  let delayCause: DelayCause = DelayCause.none;
  let delayStation: string | undefined;
  if (overrun !== undefined) {
    delayCause = DelayCause.overrun;
    delayStation = overrun.station;
  } else if (r.overdue) delayCause = DelayCause.overdueMaterial;
  else if (delayMs > TOLERANCE_MS) {
    const m = product.material;
    if (m >= 0 && times[b + 2 * m + 1]! > plan[b + 2 * m + 1]! + TOLERANCE_MS)
      delayCause = DelayCause.ownMaterial;
    else {
      delayCause = DelayCause.knockOn;
      delayStation = knockOn?.station;
    }
  }
  const latenessMs = order.dueAt === undefined ? undefined : completedAt - order.dueAt;
  const result: OrderForecast = {
    orderId: order.orderId,
    product: product.id,
    position: r.position,
    completedAt,
    plannedCompletedAt,
    delayMs,
    late: latenessMs !== undefined && latenessMs > 0,
    delayCause,
    steps,
  };
  // Optional fields are set only when known, so that JSON output carries no nulls.
  if (delayStation !== undefined) result.delayStation = delayStation;
  if (order.status !== undefined) result.status = order.status;
  if (order.acceptedAt !== undefined) result.acceptedAt = order.acceptedAt;
  if (order.initialEta !== undefined) result.initialEta = order.initialEta;
  if (order.eta !== undefined) result.eta = order.eta;
  if (order.dueAt !== undefined) {
    result.dueAt = order.dueAt;
    result.latenessMs = latenessMs;
  }
  return result;
}

/** Adds the span [start, end] to `steps`, cut at `asOf` into its actual and forecast parts. */
function split(
  steps: StepSpan[],
  step: string,
  station: string | undefined,
  kind: StepKind,
  start: number,
  end: number,
  asOf: number,
): void {
  if (!(end > start)) return;
  if (start < asOf) steps.push(span(step, station, kind, start, Math.min(end, asOf), true));
  if (end > asOf) steps.push(span(step, station, kind, Math.max(start, asOf), end, false));
}

function span(
  step: string,
  station: string | undefined,
  kind: StepKind,
  start: number,
  end: number,
  actual: boolean,
): StepSpan {
  return station === undefined
    ? { step, kind, start, end, actual }
    : { step, station, kind, start, end, actual };
}

/** Each station's utilisation and longest queue over the horizon [asOf, horizonEnd]. */
function stationForecasts(
  net: Network,
  restored: Restored,
  times: Float64Array,
  asOf: number,
  horizonEnd: number,
): StationForecast[] {
  const stations = net.resolved.stations;
  // The waits in each station's queue after asOf.
  const joins: number[][] = stations.map(() => []);
  const leaves: number[][] = stations.map(() => []);
  for (const r of restored.orders) {
    const b = r.base;
    const routing = r.product.routing;
    for (let i = r.at; i < routing.length; i++) {
      const station = routing[i]!.station;
      if (station === undefined) continue;
      const join = Math.max(i === 0 ? r.entry : times[b + 2 * i - 1]!, asOf);
      const leave = times[b + 2 * i]!;
      if (!(leave > join)) continue;
      joins[station.index]!.push(join);
      leaves[station.index]!.push(leave);
    }
  }
  const horizon = horizonEnd - asOf;
  return stations.map((s) => ({
    station: s.id,
    name: s.name,
    capacity: s.capacity,
    utilisation: horizon > 0 ? net.stations[s.index]!.busyTime() / (s.capacity * horizon) : 0,
    maxQueue: mostAtOnce(Float64Array.from(joins[s.index]!), Float64Array.from(leaves[s.index]!)),
  }));
}

/** The most intervals [join, leave) that overlap at once; a leave at an instant comes before a join. */
function mostAtOnce(joins: Float64Array, leaves: Float64Array): number {
  joins.sort();
  leaves.sort();
  let most = 0;
  let now = 0;
  let j = 0;
  for (let i = 0; i < joins.length; i++) {
    while (j < leaves.length && leaves[j]! <= joins[i]!) {
      j++;
      now--;
    }
    now++;
    if (now > most) most = now;
  }
  return most;
}
