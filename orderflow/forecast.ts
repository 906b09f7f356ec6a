// Forecasting from work in process: every active order is put back where it stands in its routing
// (mid-operation orders keep the time already spent), the plant is simulated ahead, and each order's
// delay is attributed to its own material, to an overrunning operation, or to waiting behind others.
import { LATEST_TIME_MS } from '../contracts/time.ts';
import { Environment } from '../sim-core/kernel/Environment.ts';
import { RunLimits, type SimulationLimits } from '../sim-core/limits.ts';
import { Random, type Sampler } from '../sim-core/random/Random.ts';
import { SIM_CORE_VERSION } from '../sim-core/version.ts';
import { applyOutages, knownOutages, type Outage } from './downtime.ts';
import type { PlantModel } from './model/plantModel.ts';
import { type ModelSamplers, modelSamplers, type ResolvedModel, resolveModel } from './model/resolveModel.ts';
import { orderFlowModel } from './models/index.ts';
import { buildNetwork, type Network, type OrderUnit } from './network.ts';
import { type Plan, runPlan } from './plan.ts';
import { placeOrders, type Restored, type RestoredOrder, restoreOrders } from './restore.ts';
import { applyShifts, offShift } from './shifts.ts';
import {
  DelayCause,
  type Forecast,
  type ForecastWarning,
  type OrderForecast,
  type Snapshot,
  type StationForecast,
  type StationOutage,
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
  /** What-if: orders held until a time (epoch ms): each takes its next step no earlier. */
  holds?: ReadonlyMap<string, number>;
  /**
   * What-if: judge delays against this run's plan (the live plant's), not the snapshot's own: an
   * order it has keeps its plan; one it lacks (a rush order) gets its own.
   */
  planOf?: ForecastRun;
}

// Differences below a millisecond are rounding, not delay.
const TOLERANCE_MS = 0.5;

/**
 * What replications start from: the model resolved, every active order put back where it stands,
 * the units out of work that the snapshot knows of. A thread that runs replications needs this and
 * not the forecast at the means.
 */
export interface RestoredRun {
  asOf: number;
  resolved: ResolvedModel;
  restored: Restored;
  /** The units out of work that the snapshot knows of. */
  outages: Outage[];
  holds: ReadonlyMap<string, number> | undefined;
}

/** A deterministic forecast's parts that a Monte Carlo forecast and a what-if reuse. */
export interface ForecastRun extends RestoredRun {
  forecast: Forecast;
  /** Index of each restored order's forecast in `forecast.orders`. */
  order: Int32Array;
  /** The plan its delays were judged against. */
  plan: Plan;
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

/** `snapshot` restored with `model`, as `forecastRun` restores it, without forecasting it. */
export function restoreRun(
  snapshot: Snapshot,
  model: PlantModel,
  options: Pick<ForecastOptions, 'parameters' | 'holds'>,
): RestoredRun {
  return restoring(snapshot, model, options, []).run;
}

function restoring(
  snapshot: Snapshot,
  model: PlantModel,
  options: Pick<ForecastOptions, 'parameters' | 'holds'>,
  warnings: ForecastWarning[],
): { run: RestoredRun; nominal: ModelSamplers } {
  const resolved = resolveModel(model, options.parameters);
  const nominal = modelSamplers(resolved, new Random(0), true);
  const outages = knownOutages(snapshot, resolved, warnings);
  const restored = restoreOrders(snapshot, resolved, nominal, warnings, outages);
  return { run: { asOf: snapshot.asOf, resolved, restored, outages, holds: options.holds }, nominal };
}

/** `forecast`, with what it restored (for Monte Carlo forecasts and what-ifs). */
export function forecastRun(snapshot: Snapshot, model: PlantModel, options: ForecastOptions): ForecastRun {
  const asOf = snapshot.asOf;
  const limits = RunLimits.of(options.limits);
  const warnings: ForecastWarning[] = [];
  const { run, nominal } = restoring(snapshot, model, options, warnings);
  const { resolved, restored, outages } = run;
  // A what-if judges an order's operations by the live model's durations: a faster machine in a
  // variant makes no operation on it an overrun that the live forecast does not call one.
  const judged = options.planOf === undefined ? nominal : liveDurations(options.planOf, restored, resolved);

  const env = new Environment(asOf);
  const net = buildNetwork(resolved, nominal, env);
  const { units, times } = placeOrders(restored, net, undefined, options.holds);
  applyOutages(net, outages);
  applyShifts(net, pendingOrders(restored));
  limits.run(env);
  warnings.push(...net.warnings.list);
  const ownPlan = () => runPlan(restored, resolved, nominal, asOf, limits);
  const plan = options.planOf === undefined ? ownPlan() : planOf(options.planOf, restored, ownPlan);

  const n = restored.orders.length;
  const results: OrderForecast[] = new Array(n);
  // The KPIs as the orders are made: one pass, no arrays of the late or delayed ones.
  let horizonEnd = asOf;
  let ordersLate = 0;
  let lateness = 0;
  let ordersDelayed = 0;
  for (let k = 0; k < n; k++) {
    const r = restored.orders[k]!;
    const o = orderForecastOf(
      r,
      times,
      plan.times,
      asOf,
      judged.steps[r.product.index]!,
      units[k]!,
      plan.shiftStations[k],
    );
    results[k] = o;
    horizonEnd = Math.max(horizonEnd, o.completedAt);
    if (o.late) {
      ordersLate++;
      lateness += o.latenessMs!;
    }
    if (o.delayCause !== DelayCause.none) ordersDelayed++;
  }
  const sequence = sortKeys(restored, times, results);
  const order = new Int32Array(n);
  const orders: OrderForecast[] = new Array(n);
  for (let position = 0; position < n; position++) {
    order[sequence[position]!] = position;
    orders[position] = results[sequence[position]!]!;
  }
  return {
    forecast: {
      asOf,
      model: resolved.summary,
      simCoreVersion: SIM_CORE_VERSION,
      orders,
      stations: stationForecasts(net, restored, times, asOf, horizonEnd, outages),
      kpis: {
        activeOrders: n,
        makespanMs: horizonEnd - asOf,
        ordersLate,
        meanLatenessMs: ordersLate === 0 ? 0 : lateness / ordersLate,
        ordersDelayed,
      },
      warnings,
      events: env.eventsProcessed + plan.events,
    },
    ...run,
    order,
    plan,
  };
}

/**
 * The live model's nominal durations by `resolved`'s product index; and, in `restored`, each
 * operation in progress an overrun only if `live` calls it one (its time left is the variant's).
 */
function liveDurations(live: ForecastRun, restored: Restored, resolved: ResolvedModel): ModelSamplers {
  const liveNominal = modelSamplers(live.resolved, new Random(0), true);
  const liveOrders = new Map(live.restored.orders.map((o) => [o.order.orderId, o]));
  for (const r of restored.orders) {
    if (r.position.kind !== 'operation') continue;
    const l = liveOrders.get(r.order.orderId);
    if (l === undefined || l.at !== r.at || l.product.id !== r.product.id) continue;
    r.overrun = l.overrun;
  }
  return {
    ...liveNominal,
    steps: resolved.products.map((p) => liveNominal.steps[live.resolved.productById.get(p.id)!.index]!),
  };
}

/**
 * The plan of `restored` (a variant's orders): live's plan of every order that `live` has, of the
 * same product; `own` (the plan of them all, run only if needed) of the others (a rush order).
 */
function planOf(live: ForecastRun, restored: Restored, own: () => Plan): Plan {
  const liveIndex = new Map(live.restored.orders.map((o, k) => [o.order.orderId, k]));
  const matches = restored.orders.map((r) => {
    const j = liveIndex.get(r.order.orderId);
    if (j === undefined) return -1;
    const l = live.restored.orders[j]!.product;
    // The same product of another resolution of the model (a variant's), with the same steps.
    return l.id === r.product.id && l.routing.length === r.product.routing.length ? j : -1;
  });
  const base: Plan = matches.includes(-1)
    ? own()
    : {
        times: new Float64Array(restored.times.length).fill(Number.NaN),
        // The events of the plan it is judged by: an empty variant's forecast is the live one.
        events: live.plan.events,
        shiftStations: new Array<string | undefined>(restored.orders.length).fill(undefined),
      };
  const times = base.times.slice();
  const shiftStations = base.shiftStations.slice();
  restored.orders.forEach((r, k) => {
    const j = matches[k]!;
    if (j < 0) return;
    const l = live.restored.orders[j]!;
    const size = 2 * r.product.routing.length;
    times.set(live.plan.times.subarray(l.base, l.base + size), r.base);
    shiftStations[k] = live.plan.shiftStations[j];
  });
  return { times, events: base.events, shiftStations };
}

/** Orders with a step still to do: shifts and breakdowns stop once they are all done. */
export function pendingOrders(restored: Restored): number {
  let n = 0;
  for (const o of restored.orders) if (o.position.kind !== 'completed') n++;
  return n;
}

/**
 * The forecast's order of its orders: by the start of their first operation (when they are taken
 * up), then by orderId. Returns indices into `results`.
 */
function sortKeys(restored: Restored, times: Float64Array, results: readonly OrderForecast[]): Int32Array {
  const n = results.length;
  const keys = new Float64Array(n);
  let numbers = true;
  for (let i = 0; i < n; i++) {
    const r = restored.orders[i]!;
    const first = r.product.firstOperation;
    keys[i] = first < 0 ? results[i]!.completedAt : times[r.base + 2 * first]!;
    if (Number.isNaN(keys[i]!)) numbers = false;
  }
  // Restored orders are in orderId order: equal keys keep it.
  if (!numbers) {
    const sequence = Array.from(results.keys()).sort((a, b) => keys[a]! - keys[b]! || a - b);
    return Int32Array.from(sequence);
  }
  // The keys sorted natively (no comparator to call), then each order put at the first free place
  // of its key, in orderId order: the same sequence, without a call per comparison.
  const sorted = keys.slice().sort();
  const taken = new Int32Array(n);
  const sequence = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    sequence[lo + taken[lo]!++] = i;
  }
  return sequence;
}

/** The forecast of a restored order after the run: its steps, cut at asOf, and why it is late, if it is. */
function orderForecastOf(
  r: RestoredOrder,
  times: Float64Array,
  plan: Float64Array,
  asOf: number,
  nominal: readonly Sampler[],
  unit: OrderUnit,
  planShiftStation: string | undefined,
): OrderForecast {
  const { fields: order, product, base: b } = r;
  const routing = product.routing;
  const steps: StepSpan[] = [];
  // The operation that took (or takes) longest beyond its nominal duration, if any (its station).
  let overrunStation: string | undefined;
  let overrunExcess = 0;
  // The station where the order waits longest beyond the plan.
  let knockOnStation: string | undefined;
  let knockOnExcess = 0;
  let previousEnd = r.entry;
  for (let k = 0; k < routing.length; k++) {
    const step = routing[k]!;
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
      if (overran && !(overrunStation !== undefined && overrunExcess >= excess)) {
        overrunExcess = excess;
        overrunStation = station;
      }
      // How much longer it waits in the station's queue than in the plan.
      const waited = start - previousEnd - (plan[b + 2 * i]! - (i === 0 ? r.entry : plan[b + 2 * i - 1]!));
      if (waited > TOLERANCE_MS && !(knockOnStation !== undefined && knockOnExcess >= waited)) {
        knockOnExcess = waited;
        knockOnStation = station;
      }
    }
    previousEnd = end;
  }
  const last = b + 2 * routing.length - 1;
  const completedAt = times[last]!;
  const plannedCompletedAt = plan[last]!;
  const delayMs = completedAt - plannedCompletedAt;
  let delayCause: DelayCause = DelayCause.none;
  let delayStation: string | undefined;
  if (overrunStation !== undefined) {
    delayCause = DelayCause.overrun;
    delayStation = overrunStation;
  } else if (r.overdue) delayCause = DelayCause.overdueMaterial;
  else if (delayMs > TOLERANCE_MS) {
    const m = product.material;
    if (m >= 0 && times[b + 2 * m + 1]! > plan[b + 2 * m + 1]! + TOLERANCE_MS)
      delayCause = DelayCause.ownMaterial;
    else if (unit.downtimeStation !== undefined) {
      delayCause = DelayCause.downtime;
      delayStation = unit.downtimeStation;
    } else if (unit.shiftStation !== undefined && unit.shiftStation !== planShiftStation) {
      // Pushed over a shift's end that the plan did not cross (there): the plan has the shifts too.
      delayCause = DelayCause.downtime;
      delayStation = unit.shiftStation;
    } else {
      delayCause = DelayCause.knockOn;
      delayStation = knockOnStation;
    }
  }
  const latenessMs = order.dueAt === undefined ? undefined : completedAt - order.dueAt;
  // Every order's forecast has every field, in one order (one shape for the code that reads them):
  // those not known are undefined, which JSON leaves out, so that its output carries no nulls.
  return {
    orderId: order.orderId,
    product: product.id,
    position: r.position,
    completedAt,
    plannedCompletedAt,
    delayMs,
    late: latenessMs !== undefined && latenessMs > 0,
    delayCause,
    steps,
    delayStation,
    status: order.status,
    acceptedAt: order.acceptedAt,
    initialEta: order.initialEta,
    eta: order.eta,
    dueAt: order.dueAt,
    latenessMs,
  };
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
  outages: readonly Outage[],
): StationForecast[] {
  const stations = net.resolved.stations;
  // The waits in each station's queue after asOf.
  const joins: number[][] = stations.map(() => []);
  const leaves: number[][] = stations.map(() => []);
  for (let k = 0; k < restored.orders.length; k++) {
    const r = restored.orders[k]!;
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
  return stations.map((s) => {
    const station: StationForecast = {
      station: s.id,
      name: s.name,
      capacity: s.capacity,
      utilisation: horizon > 0 ? net.stations[s.index]!.busyTime() / (s.capacity * horizon) : 0,
      maxQueue: mostAtOnce(Float64Array.from(joins[s.index]!), Float64Array.from(leaves[s.index]!)),
    };
    const out = stationOutages(outages, s.index, asOf, horizonEnd);
    // Off shift within the horizon: the windows the run took the station's units out (every unit).
    if (s.shifts !== undefined && horizonEnd > asOf) {
      for (const [from, to] of offShift(s.shifts.calendar, asOf, horizonEnd)) {
        out.push({ from, to, kind: 'off-shift' });
      }
      out.sort((a, b) => a.from - b.from || (a.unit ?? 0) - (b.unit ?? 0));
    }
    if (out.length > 0) station.outages = out;
    return station;
  });
}

/**
 * The outages of station `index` that reach into the forecast [asOf, horizonEnd] (a unit down now
 * from its `since`), by start: the windows the forecast applied, as it applied them.
 */
function stationOutages(
  outages: readonly Outage[],
  index: number,
  asOf: number,
  horizonEnd: number,
): StationOutage[] {
  const out: StationOutage[] = [];
  for (const o of outages) {
    if (o.station !== index || o.to < asOf || o.from > horizonEnd) continue;
    const kind = o.kind ?? 'down';
    // A window without an end (a what-if's unit taken away for good) is shown to the horizon's end.
    const to = o.to >= LATEST_TIME_MS ? Math.max(horizonEnd, o.from) : o.to;
    out.push(o.unit === undefined ? { from: o.from, to, kind } : { unit: o.unit, from: o.from, to, kind });
  }
  return out.sort((a, b) => a.from - b.from || (a.unit ?? 0) - (b.unit ?? 0));
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
