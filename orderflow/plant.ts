// A plant run: the ground truth for tests and the plant emulator. Orders of any plant model are
// accepted at their times, each with its real lead time, the ETAs its supplier announces, and
// (optionally) its real operation durations; the run records when each step happened, and gives
// the events a plant would send, in time order.
import type { OrderEvent } from '../contracts/events.ts';
import { orderStatusOf } from '../contracts/orderState.ts';
import { Environment } from '../sim-core/kernel/Environment.ts';
import { ModelError } from '../sim-core/kernel/errors.ts';
import { RunLimits, type SimulationLimits } from '../sim-core/limits.ts';
import { Random } from '../sim-core/random/Random.ts';
import type { PlantModel } from './model/plantModel.ts';
import { modelSamplers, resolveModel } from './model/resolveModel.ts';
import { orderFlowModel } from './models/index.ts';
import { buildNetwork, OrderUnit, takeOut, unitKeys } from './network.ts';
import { applyShifts } from './shifts.ts';
import type { OrderState, PlannedMaintenance, Snapshot, StepState } from './types.ts';

/** An order of a plant run, with what really happens to it. */
export interface PlantOrder {
  orderId: string;
  acceptedAt: number;
  /** Its product (default: the model's default product). */
  product?: string;
  dueAt?: number;
  priority?: number;
  /** Real time from the material order (when the order reaches its material step) to arrival (default: the model's mean). */
  leadTime?: number;
  /** Lead time first announced by the supplier (default: the model's mean lead time). */
  announcedLeadTime?: number;
  /** Later ETA announcements (epoch ms). */
  etaUpdates?: readonly { at: number; eta: number }[];
  /** Real durations of its operations, by step name (default: the model's mean). */
  durations?: Readonly<Record<string, number>>;
}

/** What happened in one routing step of a plant run. */
export interface PlantStep {
  step: string;
  kind: 'material' | 'operation';
  station?: string;
  /** Operations: when the order joined the station's queue. */
  queuedAt?: number;
  /** Material: when it was ordered; operations: when the order got a unit. */
  start: number;
  end: number;
}

/** What happened to one order in a plant run. */
export interface PlantHistory {
  order: PlantOrder;
  product: string;
  /** Its material's first ETA (when its routing has a material step). */
  initialEta?: number;
  /** Every routing step, in order. */
  steps: PlantStep[];
  /** The end of its last step. */
  completedAt: number;
}

export interface PlantRunOptions {
  /** Overrides of the model's parameters. */
  parameters?: Readonly<Record<string, unknown>>;
  limits?: SimulationLimits;
  /** Maintenance windows: each takes its unit (or every unit) of its station out of work, as a forecast does (and its shifts). */
  maintenance?: readonly PlannedMaintenance[];
  /** Breakdowns: a unit (or every unit) of a station out of work from `from` to `to`, as maintenance. */
  breakdowns?: readonly { station: string; unit?: number; from: number; to: number }[];
}

/** Runs the plant to the end; returns each order's history, by order id. Times not given are the model's means. */
export function runPlant(
  orders: readonly PlantOrder[],
  model: PlantModel = orderFlowModel,
  options: PlantRunOptions = {},
): Map<string, PlantHistory> {
  const limits = new RunLimits(options.limits);
  const resolved = resolveModel(model, options.parameters);
  const nominal = modelSamplers(resolved, new Random(0), true);
  const start = orders.reduce((t, o) => Math.min(t, o.acceptedAt), Number.POSITIVE_INFINITY);
  const env = new Environment(Number.isFinite(start) ? start : 0);
  const net = buildNetwork(resolved, nominal, env);
  const windows = [
    ...(options.maintenance ?? []).map((m) => ({ ...m, what: `maintenance ${m.maintenanceId}` })),
    ...(options.breakdowns ?? []).map((b) => ({
      ...b,
      what: `the breakdown at ${new Date(b.from).toISOString()}`,
    })),
  ];
  for (const m of windows) {
    const station = resolved.stations.find((s) => s.id === m.station);
    if (station === undefined)
      throw new ModelError(`${m.what}: model ${model.name} has no station "${m.station}"`);
    if (m.to >= env.now && m.to > m.from) takeOut(net, station.index, m.from, m.to, m.unit);
  }
  const products = orders.map((order) => {
    const product =
      order.product === undefined ? resolved.defaultProduct : resolved.productById.get(order.product);
    if (product === undefined) {
      throw new ModelError(`order ${order.orderId}: model ${model.name} has no product "${order.product}"`);
    }
    return product;
  });
  const times = new Float64Array(2 * products.reduce((n, p) => n + p.routing.length, 0)).fill(Number.NaN);
  let base = 0;
  const ids = orders.map((o) => o.orderId).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map(ids.map((id, i) => [id, i]));
  const runs = orders.map((order, k) => {
    const product = products[k]!;
    const routing = product.routing;
    const unit = new OrderUnit(unitKeys(order, rank.get(order.orderId)!), times, base, order.acceptedAt);
    base += 2 * routing.length;
    unit.durations = new Float64Array(routing.length).fill(Number.NaN);
    for (const step of routing) {
      const own = step.kind === 'material' ? order.leadTime : order.durations?.[step.step];
      if (own !== undefined) unit.durations[step.index] = own;
    }
    const first = net.steps[product.index]![0]!;
    env.timeout(order.acceptedAt - env.now).addCallback(() => (first.seize ?? first.delay).enter(unit));
    return { order, product, unit };
  });
  applyShifts(net, orders.length);
  limits.run(env);
  const histories = new Map<string, PlantHistory>();
  for (const { order, product, unit } of runs) {
    const at = (k: number) => times[unit.base + k]!;
    const steps = product.routing.map((step): PlantStep => {
      const i = step.index;
      const previousEnd = i === 0 ? order.acceptedAt : at(2 * i - 1);
      return step.kind === 'material'
        ? { step: step.step, kind: 'material', start: at(2 * i), end: at(2 * i + 1) }
        : {
            step: step.step,
            kind: 'operation',
            station: step.station!.id,
            queuedAt: previousEnd,
            start: at(2 * i),
            end: at(2 * i + 1),
          };
    });
    const material = steps.find((s) => s.kind === 'material');
    const completedAt = at(2 * product.routing.length - 1);
    const history: PlantHistory = { order, product: product.id, steps, completedAt };
    if (material !== undefined) {
      const nominalLead = nominal.steps[product.index]![product.material]!.mean;
      history.initialEta = material.start + (order.announcedLeadTime ?? nominalLead);
    }
    histories.set(order.orderId, history);
  }
  return histories;
}

/** An event as the plant sends it: a v1 order event (contracts/events.ts), times as ISO-8601 strings. */
export type PlantEvent = OrderEvent;
type PlantEventBase = Pick<OrderEvent, 'eventId' | 'orderId' | 'occurredAt' | 'version'>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const iso = (ms: number) => new Date(ms).toISOString();

/** The ETA announcements of an order that come before its material arrives. */
function etaUpdatesOf(history: PlantHistory, arrivedAt: number): { at: number; eta: number }[] {
  return (history.order.etaUpdates ?? []).filter((u) => u.at <= arrivedAt);
}

/**
 * The events of a plant run, in the order they happen (ties: by order id, then in the order's own
 * sequence), up to and including time `until` (default: all): OrderAccepted (with its product when
 * the order names one), MaterialOrdered, EtaUpdated, MaterialArrived, StepStarted, StepFinished.
 */
export function plantEvents(
  histories: ReadonlyMap<string, PlantHistory>,
  until = Number.POSITIVE_INFINITY,
): PlantEvent[] {
  const timed: { at: number; orderId: string; seq: number; event: PlantEvent }[] = [];
  for (const history of histories.values()) {
    const { order } = history;
    const orderId = order.orderId;
    let seq = 0;
    const add = (at: number, event: DistributiveOmit<PlantEvent, keyof PlantEventBase>) => {
      seq++;
      if (at > until) return;
      timed.push({
        at,
        orderId,
        seq,
        event: { eventId: `${orderId}-${seq}`, orderId, occurredAt: iso(at), ...event } as PlantEvent,
      });
    };
    add(order.acceptedAt, {
      type: 'OrderAccepted',
      ...(order.product !== undefined && { product: order.product }),
      ...(order.dueAt !== undefined && { dueAt: iso(order.dueAt) }),
      ...(order.priority !== undefined && { priority: order.priority }),
    });
    for (const step of history.steps) {
      if (step.kind === 'material') {
        add(step.start, { type: 'MaterialOrdered', eta: iso(history.initialEta!) });
        for (const u of etaUpdatesOf(history, step.end)) add(u.at, { type: 'EtaUpdated', eta: iso(u.eta) });
        add(step.end, { type: 'MaterialArrived' });
      } else {
        add(step.start, { type: 'StepStarted', step: step.step, station: step.station! });
        add(step.end, { type: 'StepFinished', step: step.step });
      }
    }
  }
  timed.sort(
    (a, b) => a.at - b.at || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : a.seq - b.seq),
  );
  return timed.map((t) => t.event);
}

/** The state of an order as known at time `t` (everything that happened at or before `t`). */
function stateAt(history: PlantHistory, t: number): OrderState | undefined {
  const { order } = history;
  if (order.acceptedAt > t) return undefined;
  const state: OrderState & { steps: Record<string, StepState> } = {
    orderId: order.orderId,
    acceptedAt: order.acceptedAt,
    updatedAt: order.acceptedAt,
    steps: {},
  };
  if (order.product !== undefined) state.product = order.product;
  if (order.dueAt !== undefined) state.dueAt = order.dueAt;
  if (order.priority !== undefined) state.priority = order.priority;
  const seen = (at: number) => {
    state.updatedAt = Math.max(state.updatedAt!, at);
  };
  for (const step of history.steps) {
    if (step.start > t) break;
    if (step.kind === 'material') {
      state.materialOrderedAt = step.start;
      state.initialEta = history.initialEta!;
      state.eta = history.initialEta!;
      seen(step.start);
      for (const u of etaUpdatesOf(history, step.end)) {
        if (u.at > t) continue;
        state.eta = u.eta;
        seen(u.at);
      }
      if (step.end > t) break;
      state.materialArrivedAt = step.end;
      seen(step.end);
    } else {
      const s: StepState = { startedAt: step.start, station: step.station! };
      state.steps[step.step] = s;
      seen(step.start);
      if (step.end > t) break;
      s.finishedAt = step.end;
      seen(step.end);
    }
  }
  if (Object.keys(state.steps).length === 0) delete (state as { steps?: unknown }).steps;
  return { ...state, status: orderStatusOf(state) };
}

/** The snapshot of a plant run at time `t`: every order accepted by then. */
export function snapshotAt(histories: ReadonlyMap<string, PlantHistory>, t: number): Snapshot {
  const orders: OrderState[] = [];
  for (const history of histories.values()) {
    const state = stateAt(history, t);
    if (state) orders.push(state);
  }
  return { asOf: t, orders };
}
