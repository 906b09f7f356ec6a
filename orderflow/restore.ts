// The work in process, restored: each active order is placed where it stands at asOf by its
// product's routing and its own times (never by its status, a hint for people): in an operation,
// holding a unit of its station and keeping the time already spent; in a station's queue since it
// joined it; waiting for material; or not yet started. One restorer for the forecast, the plan and
// every Monte Carlo replication: the snapshot is read once (restoreOrders), then placed into as
// many networks as needed (placeOrders). What is still to come is conditioned on what is known:
// an operation (or a lead time) already `x` long lasts longer than x, and a supplier already `x`
// late slips by more than x.
import { OrderStatus, type StepState } from '../contracts/orderState.ts';
import type { Sampler } from '../sim-core/random/Random.ts';
import { type Outage, workDone } from './downtime.ts';
import type { ModelSamplers, ResolvedModel, ResolvedProduct, ResolvedStation } from './model/resolveModel.ts';
import { type Network, OrderUnit, type StepDelay, type UnitKeys, unitKeys } from './network.ts';
import { offShift } from './shifts.ts';
import type { ForecastWarning, OrderState, Position, Snapshot } from './types.ts';
import { reconcileOrderTimes } from './wipTimes.ts';

/**
 * The fields of an order that a forecast reads, in one shape for every order: a snapshot's orders
 * come in many shapes (whichever fields are known, often one shape per order), and V8 reads such
 * properties slowly.
 */
export class OrderFields {
  readonly orderId: string;
  readonly status: OrderStatus | undefined;
  readonly product: string | undefined;
  readonly steps: Readonly<Record<string, StepState>> | undefined;
  readonly priority: number | undefined;
  readonly acceptedAt: number | undefined;
  readonly dueAt: number | undefined;
  readonly materialOrderedAt: number | undefined;
  readonly materialArrivedAt: number | undefined;
  readonly initialEta: number | undefined;
  readonly eta: number | undefined;
  readonly deliveredAt: number | undefined;

  constructor(order: OrderState) {
    if (Object.getPrototypeOf(order) !== Object.prototype) {
      this.orderId = order.orderId;
      this.status = order.status;
      this.product = order.product;
      this.steps = order.steps;
      this.priority = order.priority;
      this.acceptedAt = order.acceptedAt;
      this.dueAt = order.dueAt;
      this.materialOrderedAt = order.materialOrderedAt;
      this.materialArrivedAt = order.materialArrivedAt;
      this.initialEta = order.initialEta;
      this.eta = order.eta;
      this.deliveredAt = order.deliveredAt;
      return;
    }
    // A plain object holds its fields as its own keys: read through them (which V8 keeps per shape)
    // instead of a slow lookup per field read by name, which costs the most on shapes seen once.
    this.orderId = undefined as unknown as string;
    const o = order as Readonly<Record<string, unknown>>;
    const keys = Object.keys(o);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      switch (key) {
        case 'orderId':
          this.orderId = o[key] as string;
          break;
        case 'status':
          this.status = o[key] as OrderStatus | undefined;
          break;
        case 'product':
          this.product = o[key] as string | undefined;
          break;
        case 'steps':
          this.steps = o[key] as Readonly<Record<string, StepState>> | undefined;
          break;
        case 'priority':
          this.priority = o[key] as number | undefined;
          break;
        case 'acceptedAt':
          this.acceptedAt = o[key] as number | undefined;
          break;
        case 'dueAt':
          this.dueAt = o[key] as number | undefined;
          break;
        case 'materialOrderedAt':
          this.materialOrderedAt = o[key] as number | undefined;
          break;
        case 'materialArrivedAt':
          this.materialArrivedAt = o[key] as number | undefined;
          break;
        case 'initialEta':
          this.initialEta = o[key] as number | undefined;
          break;
        case 'eta':
          this.eta = o[key] as number | undefined;
          break;
        case 'deliveredAt':
          this.deliveredAt = o[key] as number | undefined;
          break;
      }
    }
  }
}

/** An active order as read from the snapshot, ready to be placed into a network. */
export interface RestoredOrder {
  order: OrderState;
  /** The order's fields that the forecast reads (those of `order`). */
  fields: OrderFields;
  /** What queue rules read of it (its rank: its place by orderId among the restored orders). */
  keys: UnitKeys;
  product: ResolvedProduct;
  /** Routing position of the step where it stands; the routing's length when every step is done. */
  at: number;
  position: Position;
  /**
   * Where its times start in the restored times (`Restored.times`): [start, end] per routing step,
   * as the snapshot gives them (reconciled), NaN where not (yet) known.
   */
  base: number;
  /** When it joined its routing: acceptedAt, else asOf (a first operation's queue starts then). */
  entry: number;
  /** When it entered the step where it stands: the operation's start, its queue's, the material order. */
  since: number;
  /** Waiting for material (now, or at a step still ahead) with a known ETA: when (else NaN). */
  eta: number;
  /**
   * When its material is expected (with an ETA; else NaN): the ETA, if it has not passed; past it,
   * the ETA plus the mean of the model's slips longer than the supplier is already late, or asOf
   * when the model has no slip that long.
   */
  arrival: number;
  /** In an operation, or waiting for material ordered without an ETA: time left at the means. */
  remaining: number;
  /** In an operation: the work done in it (the time since it began, less what a unit down cut out). */
  done: number;
  /** In an operation that a unit going down has cut: its station; cut by a shift's end: its station. */
  cutAt: string | undefined;
  shiftCutAt: string | undefined;
  /** Its material order is known (an ETA, an order time, an arrival, or a later step has begun). */
  materialOrdered: boolean;
  /** The operation it is in has taken longer than its nominal duration. */
  overrun: boolean;
  /** Its ETA (or lead time) has passed and the material has not arrived. */
  overdue: boolean;
}

/** The restored orders, and the times the snapshot gives of them, all in one array. */
export interface Restored {
  orders: RestoredOrder[];
  times: Float64Array;
  /**
   * The orders waiting in a station's queue (indices into `orders`), in the order they joined it
   * (then by acceptance and orderId): placed so, a first-come queue takes them in without sorting.
   * Worked out once, for every run placed from these orders.
   */
  queued?: readonly number[];
}

/** Draws of a network placed for a Monte Carlo replication: the times still to come are drawn. */
export interface PlacementDraws {
  /** Extra wait after a supplier's ETA (ms). */
  etaSlip?: Sampler | undefined;
}

// Positions are values: orders share them.
const COMPLETED: Position = Object.freeze({ kind: 'completed' });
const MATERIAL: Position = Object.freeze({ kind: 'material' });
const NOT_STARTED: Position = Object.freeze({ kind: 'not-started' });

/**
 * The snapshot's active orders (not delivered), by orderId (the forecast never depends on the
 * snapshot's order), each placed in its routing; what had to be assumed is in `warnings`.
 * `nominal`: the model's deterministic samplers (means, and means above a time already spent).
 */
export function restoreOrders(
  snapshot: Snapshot,
  resolved: ResolvedModel,
  nominal: ModelSamplers,
  warnings: ForecastWarning[],
  outages: readonly Outage[] = [],
): Restored {
  const asOf = snapshot.asOf;
  const worked =
    outages.length === 0 && resolved.stations.every((s) => s.shifts === undefined)
      ? undefined
      : workOnUnits(resolved, outages, asOf);
  // One pass over the snapshot (each order read once while it is in the cache): the active orders,
  // and whether they are in orderId order already (a store often lists them so; checking costs far
  // less than sorting).
  const all = snapshot.orders;
  let orders: OrderState[] = [];
  let fields: OrderFields[] = [];
  let inIdOrder = true;
  for (let i = 0; i < all.length; i++) {
    const o = all[i]!;
    const f = new OrderFields(o);
    if (f.status === OrderStatus.delivered || f.deliveredAt !== undefined) continue;
    if (inIdOrder && fields.length > 0 && !(fields[fields.length - 1]!.orderId < f.orderId))
      inIdOrder = false;
    orders.push(o);
    fields.push(f);
  }
  if (!inIdOrder) {
    // By orderId; orders with one id keep their order.
    const ids = fields;
    const sequence = Array.from(ids.keys()).sort((a, b) => {
      const x = ids[a]!.orderId;
      const y = ids[b]!.orderId;
      return x < y ? -1 : x > y ? 1 : a - b;
    });
    const given = orders;
    orders = sequence.map((i) => given[i]!);
    fields = sequence.map((i) => ids[i]!);
  }
  const n = orders.length;
  const products: (ResolvedProduct | undefined)[] = [];
  let size = 0;
  for (let k = 0; k < n; k++) {
    const id = fields[k]!.product;
    const product = id === undefined ? resolved.defaultProduct : resolved.productById.get(id);
    products.push(product);
    size += 2 * (product ?? resolved.defaultProduct).routing.length;
  }
  const times = new Float64Array(size);
  let base = 0;
  const restored: RestoredOrder[] = [];
  for (let k = 0; k < n; k++) {
    const order = orders[k]!;
    let product = products[k];
    if (product === undefined) {
      product = resolved.defaultProduct;
      warnings.push({
        orderId: order.orderId,
        kind: 'unknown-product',
        message: `order ${order.orderId}'s product "${order.product}" is not in model ${resolved.model.name}; forecast as its default product ${product.id}`,
      });
    }
    restored.push(restoreOrder(order, fields[k]!, product, asOf, times, base, k, nominal, warnings, worked));
    base += 2 * product.routing.length;
  }
  // Orders in operations per station; the stations in the order their first one comes.
  const busy = new Int32Array(resolved.stations.length);
  const busyStations: ResolvedStation[] = [];
  for (let k = 0; k < n; k++) {
    const r = restored[k]!;
    if (r.position.kind !== 'operation') continue;
    const station = r.product.routing[r.at]!.station!;
    if (busy[station.index]!++ === 0) busyStations.push(station);
  }
  for (const station of busyStations) {
    const count = busy[station.index]!;
    if (count > station.capacity) {
      warnings.push({
        kind: 'over-capacity',
        message: `${count} orders are in operations at station ${station.id}, which has ${station.capacity} unit(s); all are assumed to continue`,
      });
    }
  }
  return { orders: restored, times };
}

function restoreOrder(
  given: OrderState,
  givenFields: OrderFields,
  product: ResolvedProduct,
  asOf: number,
  all: Float64Array,
  b: number,
  rank: number,
  nominal: ModelSamplers,
  warnings: ForecastWarning[],
  worked: WorkOnUnits | undefined,
): RestoredOrder {
  const routing = product.routing;
  const n = routing.length;
  const orderId = givenFields.orderId;
  const steps = givenFields.steps;
  if (steps !== undefined) {
    for (const step in steps) {
      if (!Object.hasOwn(steps, step) || product.stepIndex.has(step)) continue;
      warnings.push({
        orderId,
        step,
        kind: 'unknown-step',
        message: `order ${orderId} has times for step "${step}", which the routing of product ${product.id} does not have; ignored`,
      });
    }
  }
  const order = reconcileOrderTimes(given, product, asOf, all, b, warnings, givenFields);
  const fields = order === given ? givenFields : new OrderFields(order);

  // The furthest step with a time: every step before it is done, whatever the snapshot lacks.
  let last = -1;
  for (let i = n - 1; i >= 0 && last < 0; i--) {
    if (!Number.isNaN(all[b + 2 * i]!) || !Number.isNaN(all[b + 2 * i + 1]!)) last = i;
  }
  if (last > 0) {
    // The earliest time known from here on: when the steps before had to be done by.
    let bound = firstTime(all, b, last);
    for (let i = last - 1; i >= 0; i--) {
      const start = all[b + 2 * i]!;
      const end = all[b + 2 * i + 1]!;
      if (Number.isNaN(end)) {
        const what = Number.isNaN(start) ? 'no times' : 'no end';
        const step = routing[i]!.step;
        // A plant need not report its material: a later step says that it came.
        if (routing[i]!.kind === 'operation')
          warnings.push({
            orderId,
            step,
            kind: 'missing-time',
            message: `order ${orderId} has times for step ${routing[last]!.step} but ${what} for the earlier step ${step}; assumed ${step} ended when the next step began`,
          });
        all[b + 2 * i + 1] = bound;
        if (Number.isNaN(start) && routing[i]!.kind === 'operation') all[b + 2 * i] = bound;
      }
      bound = firstTime(all, b, i);
    }
  }

  for (let i = 0; i <= last; i++) {
    if (routing[i]!.kind !== 'operation' || !Number.isNaN(all[b + 2 * i]!)) continue;
    const step = routing[i]!.step;
    warnings.push({
      orderId,
      step,
      kind: 'missing-time',
      message: `order ${orderId}'s step ${step} has an end but no start; assumed it took no time`,
    });
    all[b + 2 * i] = all[b + 2 * i + 1]!;
  }

  let at = 0;
  while (at < n && !Number.isNaN(all[b + 2 * at + 1]!)) at++;
  const entry = Math.min(fields.acceptedAt ?? asOf, asOf);
  const previousEnd = at === 0 ? entry : all[b + 2 * at - 1]!;
  const materialOrdered =
    fields.materialOrderedAt !== undefined ||
    fields.eta !== undefined ||
    fields.initialEta !== undefined ||
    fields.materialArrivedAt !== undefined;
  const restored: RestoredOrder = {
    order,
    fields,
    keys: unitKeys(fields, rank),
    product,
    at,
    position: COMPLETED,
    base: b,
    entry,
    since: previousEnd,
    eta: Number.NaN,
    arrival: Number.NaN,
    remaining: 0,
    done: 0,
    cutAt: undefined,
    shiftCutAt: undefined,
    materialOrdered: materialOrdered || last >= 0,
    overrun: false,
    overdue: false,
  };
  if (at === n) return restored;

  // A material step still ahead: its material arrives at its ETA (or later, once it has passed).
  if (product.material > at) {
    restored.eta = fields.eta ?? fields.initialEta ?? Number.NaN;
    restored.arrival = expectedArrival(restored.eta, asOf, nominal.etaSlip);
  }
  const step = routing[at]!;
  const sampler = nominal.steps[product.index]![at]!;
  if (step.kind === 'operation') {
    const started = all[b + 2 * at]!;
    if (Number.isNaN(started)) {
      restored.position = step.queued!;
      return restored;
    }
    restored.position = step.working!;
    restored.since = started;
    let elapsed = asOf - started;
    if (worked !== undefined) {
      const work = worked(step.station!, started);
      elapsed = work.done;
      if (work.cut) restored.cutAt = step.station!.id;
      else if (work.shiftCut) restored.shiftCutAt = step.station!.id;
    }
    restored.done = elapsed;
    const planned = sampler.mean;
    // Expected: what is left of a duration longer than elapsed (the planned one minus elapsed for a
    // fixed one); nothing when no duration of the model is that long.
    const above = sampler.meanAbove(elapsed);
    restored.remaining = Math.max(0, above === undefined ? planned - elapsed : above - elapsed);
    if (elapsed > planned) {
      restored.overrun = true;
      const late = `order ${orderId} has been in ${step.step} ${Math.round((elapsed - planned) / 1000)} s longer than planned`;
      warnings.push({
        orderId,
        step: step.step,
        kind: 'overrun',
        message:
          restored.remaining > 0
            ? `${late}; expected to finish in ${Math.round(restored.remaining / 1000)} s (the model's times longer than that)`
            : `${late}; assumed to finish now`,
      });
    }
    return restored;
  }

  // Waiting for material.
  const eta = fields.eta ?? fields.initialEta;
  if (eta !== undefined) {
    restored.position = MATERIAL;
    restored.eta = eta;
    restored.arrival = expectedArrival(eta, asOf, nominal.etaSlip);
    restored.since = Math.min(fields.materialOrderedAt ?? (at === 0 ? entry : previousEnd), asOf);
    if (eta < asOf) {
      restored.overdue = true;
      const due = `order ${orderId}'s material was due ${Math.round((asOf - eta) / 1000)} s ago`;
      warnings.push({
        orderId,
        step: step.step,
        kind: 'overdue-material',
        message:
          restored.arrival > asOf
            ? `${due}; expected in ${Math.round((restored.arrival - asOf) / 1000)} s (the model's slips longer than that)`
            : `${due}; assumed to arrive now`,
      });
    }
    return restored;
  }
  if (fields.materialOrderedAt !== undefined) {
    // Ordered, with no ETA: the lead time runs as an operation does, from the order on.
    restored.position = MATERIAL;
    restored.since = fields.materialOrderedAt;
    const elapsed = asOf - fields.materialOrderedAt;
    const above = sampler.meanAbove(elapsed);
    restored.remaining = above === undefined ? 0 : above - elapsed;
    if (above === undefined) {
      restored.overdue = true;
      warnings.push({
        orderId,
        step: step.step,
        kind: 'overdue-material',
        message: `order ${orderId}'s material, ordered ${Math.round(elapsed / 1000)} s ago with no ETA, is later than every lead time of the model; assumed to arrive now`,
      });
    }
    return restored;
  }
  // Not ordered: it is ordered now.
  restored.position = at === 0 ? NOT_STARTED : MATERIAL;
  restored.since = asOf;
  return restored;
}

/** The work done by asOf in an operation at `station` begun at `started`, and whether an outage (or else a shift's end) cut it. */
type WorkOnUnits = (
  station: ResolvedStation,
  started: number,
) => { done: number; cut: boolean; shiftCut: boolean };

/**
 * The work done by the orders in progress, called for each in orderId order: the snapshot does not
 * say which unit an order is on, so they take units 1, 2, … of their station in that order (as the
 * kernel numbers the units they hold once placed), each with its station's and its unit's outages.
 */
function workOnUnits(resolved: ResolvedModel, outages: readonly Outage[], asOf: number): WorkOnUnits {
  const taken = new Int32Array(resolved.stations.length);
  return (station, started) => {
    const unit = ++taken[station.index]!;
    const mine = outages.filter(
      (o) =>
        o.station === station.index &&
        (o.unit === undefined || (o.unit === unit && unit <= station.capacity)),
    );
    const restart = station.interruption === 'restart';
    if (station.shifts === undefined) return { ...workDone(mine, started, asOf, restart), shiftCut: false };
    const off = offShift(station.shifts.calendar, started, asOf).map(
      ([from, to]): Outage => ({ station: station.index, unit: undefined, from, to }),
    );
    const work = workDone(mine.concat(off), started, asOf, restart);
    const byOutage = work.cut && workDone(mine, started, asOf, restart).cut;
    return { done: work.done, cut: byOutage, shiftCut: work.cut && !byOutage };
  };
}

/**
 * The expected arrival of material due at `eta`: the ETA, if it has not passed; past it, the supplier
 * is already asOf − eta late, so its slip is longer than that: eta + E[slip | slip > asOf − eta],
 * or asOf when the model has no slip that long (or none at all).
 */
function expectedArrival(eta: number, asOf: number, slip: Sampler | undefined): number {
  if (!(eta < asOf)) return eta;
  const above = slip?.meanAbove(asOf - eta);
  return above === undefined ? asOf : eta + above;
}

/**
 * A drawn arrival of the material of `r` (with an ETA): the ETA plus a slip of the model; past the
 * ETA, a slip longer than the supplier is already late (asOf when the model has none that long).
 */
function drawnArrival(r: RestoredOrder, asOf: number, slip: Sampler, net: Network, unit: OrderUnit): number {
  net.samplers.streams?.select(unit.drawKey, unit.drawKey2, SLIP_STREAM);
  if (!(r.eta < asOf)) return r.eta + Math.max(0, slip.sample());
  const drawn = slip.drawAbove(asOf - r.eta);
  return drawn === undefined ? asOf : r.eta + drawn;
}

/** The stream of an order's supplier slip: apart from its steps' (numbered from 0). */
const SLIP_STREAM = -1;

/** The earliest time known of step i (its start, else its end). */
function firstTime(times: Float64Array, b: number, i: number): number {
  const start = times[b + 2 * i]!;
  return Number.isNaN(start) ? times[b + 2 * i + 1]! : start;
}

/** The orders placed in a network: one unit per restored order, and the array of their times. */
export interface Placement {
  units: OrderUnit[];
  times: Float64Array;
}

/**
 * Places `restored` orders into `net` at asOf: operations first (each holds its unit), then queues
 * (restored in the station's rule by the time each order joined), then material waits and the
 * orders not yet started. With `draws` (a Monte Carlo replication), the times still to come are
 * drawn from the network's samplers, each given what is known: an operation or lead time longer
 * than the time already spent, a slip longer than the supplier is already late. Returns one unit
 * per order, in the same order, and the array of their times (laid out as the restored times),
 * which fills in as the network runs. With `reuse` (an earlier placement of the same orders, whose
 * run is over, read and released by `releasePlacement`), its units and times are placed again
 * instead of made anew.
 */
export function placeOrders(
  restoredOrders: Restored,
  net: Network,
  draws?: PlacementDraws,
  holds?: ReadonlyMap<string, number>,
  reuse?: Placement,
): Placement {
  const { orders: restored, times: known } = restoredOrders;
  const asOf = net.env.now;
  let times: Float64Array;
  let units: OrderUnit[];
  if (reuse === undefined) {
    times = known.slice();
    units = restored.map((r) => new OrderUnit(r.keys, times, r.base, r.entry));
  } else {
    times = reuse.times;
    times.set(known);
    units = reuse.units;
  }
  // Pass 1: operations in progress hold their units before anyone queues.
  for (let k = 0; k < restored.length; k++) {
    const r = restored[k]!;
    if (r.position.kind !== 'operation') continue;
    const { delay, seize } = net.steps[r.product.index]![r.at]!;
    const unit = units[k]!;
    seize!.hold(unit, r.since);
    unit.operation = delay;
    unit.downtimeStation = r.cutAt;
    unit.shiftStation = r.shiftCutAt;
    const remaining = Math.max(0, draws === undefined ? r.remaining : drawnRemaining(delay, r.done, unit));
    delay.place(unit, r.since, remaining, r.done + remaining);
  }
  const slip = draws?.etaSlip;
  // Pass 2: the rest but the queues.
  for (let k = 0; k < restored.length; k++) {
    const r = restored[k]!;
    const unit = units[k]!;
    const kind = r.position.kind;
    if (r.product.material > r.at && !Number.isNaN(r.eta)) {
      unit.arrivesAt = slip === undefined ? r.arrival : drawnArrival(r, asOf, slip, net, unit);
    }
    if (kind === 'operation' || kind === 'completed') continue;
    const { delay, seize } = net.steps[r.product.index]![r.at]!;
    const held = holds?.get(r.order.orderId);
    if (held !== undefined && held > asOf && (kind === 'queue' || kind === 'not-started')) {
      // Held (what-if): it joins its queue, or starts its routing, then.
      const step = seize ?? delay;
      net.env.timeout(held - asOf).addCallback(() => step.enter(unit));
      continue;
    }
    // Queues are placed below, once the rest is.
    if (kind === 'queue') continue;
    if (r.product.material === r.at && !Number.isNaN(r.eta)) {
      const arrival = slip === undefined ? r.arrival : drawnArrival(r, asOf, slip, net, unit);
      times[r.base + 2 * r.at] = r.since;
      // Held (what-if): its material wait lasts at least until then.
      delay.place(unit, r.since, Math.max(0, arrival - asOf, (held ?? asOf) - asOf));
    } else if (r.since < asOf) {
      // Ordered without an ETA: the lead time, longer than what has passed.
      const remaining = draws === undefined ? r.remaining : drawnRemaining(delay, asOf - r.since, unit);
      times[r.base + 2 * r.at] = r.since;
      delay.place(unit, r.since, Math.max(0, remaining, (held ?? asOf) - asOf));
    } else {
      delay.enter(unit);
    }
  }
  // Pass 3: the queues, in the order their orders joined them. Any order gives the same run (the
  // queue's rule ranks every pair of orders); this one spares a first-come queue its sorting.
  for (const k of queuedInOrder(restoredOrders)) {
    const r = restored[k]!;
    const held = holds?.get(r.order.orderId);
    if (held !== undefined && held > asOf) continue;
    net.steps[r.product.index]![r.at]!.seize!.place(units[k]!, r.since);
  }
  return { units, times };
}

/**
 * Sets `placement`'s units back as they were made, once its run's times are read, for `placeOrders`
 * to place again: and lets go at once of what the run left in them (its timers and requests, and
 * through them its environment and network), which kept until the next replication of the same
 * orders would outlive a young-generation collection or two (copied, then promoted) while a what-if
 * runs its other variants.
 */
export function releasePlacement(placement: Placement): void {
  const units = placement.units;
  for (let k = 0; k < units.length; k++) units[k]!.reset();
}

/** `Restored.queued`, worked out on first use. */
function queuedInOrder(restored: Restored): readonly number[] {
  if (restored.queued === undefined) {
    const { orders } = restored;
    const queued: number[] = [];
    for (let k = 0; k < orders.length; k++) if (orders[k]!.position.kind === 'queue') queued.push(k);
    queued.sort((i, j) => {
      const a = orders[i]!;
      const b = orders[j]!;
      if (a.since !== b.since) return a.since < b.since ? -1 : 1;
      if (a.keys.acceptedKey !== b.keys.acceptedKey) return a.keys.acceptedKey < b.keys.acceptedKey ? -1 : 1;
      return a.keys.rank - b.keys.rank;
    });
    restored.queued = queued;
  }
  return restored.queued;
}

/**
 * What is left of a drawn duration of a step the order has been in for `elapsed`: the order is still
 * in it, so the duration is drawn among those longer than that; none left when no duration of the
 * model is that long.
 */
function drawnRemaining(delay: StepDelay, elapsed: number, unit: OrderUnit): number {
  delay.streams?.select(unit.drawKey, unit.drawKey2, delay.slot);
  const drawn = delay.sampler.drawAbove(elapsed);
  return drawn === undefined ? 0 : drawn - elapsed;
}
