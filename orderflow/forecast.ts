// Forecasting from work in process: every active order is put back where it stands (mid-step
// orders keep the time already spent), the plant is simulated ahead, and each order's delay is
// attributed to its own material, to a production overrun, or to another order's delay.
import { orderStatusOf } from '../contracts/orderState.ts';
import { Entity } from '../sim-core/blocks/Entity.ts';
import { closedLoop } from '../sim-core/blocks/loops.ts';
import type { ModelDefinition, ParameterValue } from '../sim-core/blocks/ModelDefinition.ts';
import { Environment } from '../sim-core/kernel/Environment.ts';
import { ModelError } from '../sim-core/kernel/errors.ts';
import { RunLimits, type SimulationLimits } from '../sim-core/limits.ts';
import { SIM_CORE_VERSION } from '../sim-core/version.ts';
import { orderFlowModel } from './models/index.ts';
import { type OrderAttributes, type OrderFlowNetwork, orderEntity, orderFlowNetwork } from './network.ts';
import {
  DelayCause,
  type Forecast,
  type ForecastWarning,
  type OrderForecast,
  type OrderState,
  OrderStatus,
  type Snapshot,
  Step,
  type StepSpan,
} from './types.ts';
import { reconcileOrderTimes } from './wipTimes.ts';

export interface ForecastOptions {
  /** Overrides of the model's parameters (for example `{ lines: 2 }`). */
  parameters?: Record<string, ParameterValue>;
  /**
   * Events per simulated run and wall time of the whole forecast (defaults: DEFAULT_MAX_EVENTS,
   * DEFAULT_MAX_WALL_MS); beyond them a SimulationLimitError ends it. A RunLimits shares its clock.
   */
  limits?: SimulationLimits | RunLimits;
}

// Differences below a millisecond are rounding, not delay.
const TOLERANCE_MS = 0.5;

export interface Placed {
  order: OrderState;
  entity: Entity & { attributes: OrderAttributes };
  overrun: boolean;
  overdue: boolean;
}

/**
 * Forecasts every active order of `snapshot` with the (deterministic) order-flow `model`. A pure
 * function: the same snapshot and model always give the same forecast, whatever the order of the
 * snapshot's orders.
 */
export function forecast(
  snapshot: Snapshot,
  model: ModelDefinition = orderFlowModel,
  options: ForecastOptions = {},
): Forecast {
  const asOf = snapshot.asOf;
  const limits = RunLimits.of(options.limits);
  checkForecastEnds(model);
  const warnings: ForecastWarning[] = [];
  const orders = activeOrders(snapshot, warnings);

  const env = new Environment(asOf);
  const net = orderFlowNetwork(model, env, { parameters: options.parameters });
  const placed = placeWorkInProcess(orders, asOf, net, warnings);
  limits.run(env);

  const plan = planEnds(orders, asOf, model, options, limits);
  const productionTime = net.production.durationFor(new Entity('nominal', asOf));
  const results: OrderForecast[] = placed.map((p) =>
    orderForecastOf(p, asOf, plan.get(p.order.orderId)!, productionTime),
  );
  results.sort((a, b) => a.productionStartAt - b.productionStartAt || (a.orderId < b.orderId ? -1 : 1));

  const horizonEnd = results.reduce((end, o) => Math.max(end, o.productionEndAt), asOf);
  const late = results.filter((o) => o.late);
  const line = net.queue.resource;
  return {
    asOf,
    model: { name: model.name, parameters: { ...net.model.parameters } },
    simCoreVersion: SIM_CORE_VERSION,
    orders: results,
    kpis: {
      activeOrders: results.length,
      makespanMs: horizonEnd - asOf,
      lineUtilisation: horizonEnd > asOf ? line.busyTime() / (line.capacity * (horizonEnd - asOf)) : 0,
      ordersLate: late.length,
      meanLatenessMs: late.length === 0 ? 0 : late.reduce((s, o) => s + o.latenessMs!, 0) / late.length,
      ordersDelayed: results.filter((o) => o.delayCause !== DelayCause.none).length,
    },
    warnings,
    events: env.eventsProcessed + plan.events,
  };
}

/**
 * Throws a ModelError when `model` has a loop with no way out: a forecast runs until every order
 * has been produced, and an order in such a loop never would be.
 */
export function checkForecastEnds(model: ModelDefinition): void {
  const closed = closedLoop(model);
  if (closed !== undefined) {
    throw new ModelError(
      `model "${model.name}": the blocks ${closed.join(' → ')} form a loop with no way out: an order in it would never be produced`,
    );
  }
}

/**
 * The snapshot's active orders by orderId (the forecast never depends on the snapshot's order),
 * with times that contradict each other or asOf reconciled, each with a warning (wipTimes.ts).
 */
export function activeOrders(snapshot: Snapshot, warnings?: ForecastWarning[]): OrderState[] {
  return snapshot.orders
    .map((o) => (o.status === undefined ? { ...o, status: orderStatusOf(o) } : o))
    .filter((o) => o.status !== OrderStatus.delivered)
    .sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0))
    .map((o) => reconcileOrderTimes(o, snapshot.asOf, warnings));
}

/**
 * How a Monte Carlo replication draws what the deterministic forecast takes as known: an order in
 * production gets a production time drawn longer than the time it has already spent, and a
 * supplier's ETA may slip by a drawn extra wait.
 */
export interface WipDraws {
  /** Extra wait after the material's ETA (ms), drawn per order. */
  etaSlip?: () => number;
}

/** Draws of a production time longer than `elapsed` before the order is assumed to finish now. */
const CONDITIONAL_DRAWS = 100;

/**
 * Puts each active order where it stands at `asOf`: production first (it holds its line), then the
 * queue, then material. With `draws` (a Monte Carlo replication), the times still to come are drawn.
 */
export function placeWorkInProcess(
  orders: readonly OrderState[],
  asOf: number,
  net: OrderFlowNetwork,
  warnings: ForecastWarning[],
  draws?: WipDraws,
): Placed[] {
  const placed: Placed[] = [];
  const missing = (order: OrderState, field: string, assumption: string): void => {
    warnings.push({
      orderId: order.orderId,
      kind: 'missing-time',
      message: `order ${order.orderId} is ${order.status} but has no ${field}; assumed ${assumption}`,
    });
  };
  const buckets = new Map<OrderStatus, OrderState[]>(
    Object.values(OrderStatus).map((status) => [status, []]),
  );
  for (const order of orders) buckets.get(order.status!)?.push(order);
  const byStatus = (status: OrderStatus): OrderState[] => buckets.get(status)!;

  for (const order of byStatus(OrderStatus.finished)) {
    const entity = orderEntity(order, order.acceptedAt ?? asOf);
    const end = order.steps?.production?.finishedAt ?? asOf;
    if (order.steps?.production?.finishedAt === undefined) missing(order, 'productionFinishedAt', 'asOf');
    const start = order.steps?.production?.startedAt ?? end;
    entity.attributes.productionEndAt = end;
    entity.attributes.productionStartAt = start;
    entity.attributes.materialReadyAt = order.materialArrivedAt ?? start;
    placed.push({ order, entity, overrun: false, overdue: false });
  }

  const inProduction = byStatus(OrderStatus.inProduction);
  const capacity = net.queue.resource.capacity;
  if (inProduction.length > capacity) {
    warnings.push({
      kind: 'over-capacity',
      message: `${inProduction.length} orders are in production on ${capacity} line(s); all are assumed to continue`,
    });
  }
  for (const order of inProduction) {
    const entity = orderEntity(order, order.acceptedAt ?? asOf);
    let start = order.steps?.production?.startedAt;
    if (start === undefined) {
      missing(order, 'productionStartedAt', 'it started at asOf');
      start = asOf;
    }
    entity.attributes.materialReadyAt = order.materialArrivedAt ?? start;
    entity.attributes.productionStartAt = start;
    net.queue.hold(entity, start);
    const elapsed = asOf - start;
    const planned = net.production.durationFor(entity);
    let remaining: number;
    if (draws) {
      // Drawn: the order is still in production, so its production time is longer than elapsed.
      remaining = planned - elapsed;
      for (let n = 1; remaining < 0 && n < CONDITIONAL_DRAWS; n++)
        remaining = net.production.durationFor(entity) - elapsed;
    } else {
      // Expected: what is left of a production time longer than elapsed (the planned time minus
      // elapsed for a fixed one); nothing when no production time of the model is that long.
      remaining = net.production.expectedRemaining(entity, elapsed) ?? planned - elapsed;
    }
    const overrun = elapsed > planned;
    if (overrun) {
      const late = `order ${order.orderId} has been in production ${Math.round((elapsed - planned) / 1000)} s longer than planned`;
      warnings.push({
        orderId: order.orderId,
        kind: 'overrun',
        message:
          remaining > 0
            ? `${late}; expected to finish in ${Math.round(remaining / 1000)} s (the model's times longer than that)`
            : `${late}; assumed to finish now`,
      });
    }
    net.production.place(entity, start, Math.max(0, remaining));
    placed.push({ order, entity, overrun, overdue: false });
  }

  for (const order of byStatus(OrderStatus.ready)) {
    const entity = orderEntity(order, order.acceptedAt ?? asOf);
    let since = order.materialArrivedAt;
    if (since === undefined) {
      missing(order, 'materialArrivedAt', 'it arrived at asOf');
      since = asOf;
    }
    entity.attributes.materialReadyAt = since;
    net.queue.place(entity, since);
    placed.push({ order, entity, overrun: false, overdue: false });
  }

  for (const order of byStatus(OrderStatus.awaitingMaterial)) {
    const entity = orderEntity(order, order.acceptedAt ?? asOf);
    const eta = order.eta ?? order.initialEta;
    if (eta === undefined) {
      missing(order, 'eta', 'material is ordered now');
      net.material.enter(entity);
      placed.push({ order, entity, overrun: false, overdue: false });
      continue;
    }
    const overdue = eta < asOf;
    if (overdue) {
      warnings.push({
        orderId: order.orderId,
        kind: 'overdue-material',
        message: `order ${order.orderId}'s material was due ${Math.round((asOf - eta) / 1000)} s ago; assumed to arrive now`,
      });
    }
    const since = Math.min(order.materialOrderedAt ?? order.acceptedAt ?? asOf, asOf);
    const slip = draws?.etaSlip?.() ?? 0;
    net.material.place(entity, since, Math.max(eta, asOf) - asOf + slip);
    placed.push({ order, entity, overrun: false, overdue });
  }

  for (const order of byStatus(OrderStatus.accepted)) {
    const entity = orderEntity(order, order.acceptedAt ?? asOf);
    net.material.enter(entity);
    placed.push({ order, entity, overrun: false, overdue: false });
  }
  return placed;
}

interface Plan {
  materialReadyAt: number;
  productionEndAt: number;
}

/**
 * The plan: the same orders run from their material orders with every ETA as first announced and
 * nominal production times. A forecast later than the plan is a delay.
 */
function planEnds(
  orders: readonly OrderState[],
  asOf: number,
  model: ModelDefinition,
  options: ForecastOptions,
  limits: RunLimits,
): Map<string, Plan> & { events: number } {
  const entries = orders.map((o) =>
    o.status === OrderStatus.accepted ? asOf : Math.min(o.materialOrderedAt ?? o.acceptedAt ?? asOf, asOf),
  );
  const start = entries.reduce((t, e) => Math.min(t, e), asOf);
  const env = new Environment(start);
  const net = orderFlowNetwork(model, env, { parameters: options.parameters });
  const entities: Entity[] = [];
  orders.forEach((order, i) => {
    const entry = entries[i]!;
    const entity = orderEntity(order, entry);
    const ready =
      order.status === OrderStatus.accepted
        ? undefined
        : (order.initialEta ?? order.eta ?? order.materialArrivedAt);
    const leadTime = ready === undefined ? net.material.durationFor(entity) : Math.max(0, ready - entry);
    entities.push(entity);
    // Every order waits for its material from its entry on: placed at once, no event to enter.
    net.material.place(entity, entry, entry - start + leadTime);
  });
  limits.run(env);
  const plan = new Map<string, Plan>() as Map<string, Plan> & { events: number };
  for (const entity of entities) {
    plan.set(entity.attributes.orderId as string, {
      materialReadyAt: entity.attributes.materialReadyAt as number,
      productionEndAt: entity.attributes.productionEndAt as number,
    });
  }
  plan.events = env.eventsProcessed;
  return plan;
}

/** The forecast of a placed order after the run: its steps, cut at asOf, and why it is late, if it is. */
function orderForecastOf(p: Placed, asOf: number, plan: Plan, productionTime: number): OrderForecast {
  const { order, entity } = p;
  const a = entity.attributes;
  const materialReadyAt = a.materialReadyAt as number;
  const productionStartAt = a.productionStartAt as number;
  const productionEndAt = a.productionEndAt as number;
  const materialStart =
    order.status === OrderStatus.accepted
      ? asOf
      : Math.min(order.materialOrderedAt ?? order.acceptedAt ?? materialReadyAt, materialReadyAt);
  const steps: StepSpan[] = [];
  split(steps, Step.material, materialStart, materialReadyAt, asOf);
  split(steps, Step.queue, materialReadyAt, productionStartAt, asOf);
  split(steps, Step.production, productionStartAt, productionEndAt, asOf);

  const overran =
    p.overrun ||
    (order.status === OrderStatus.finished &&
      productionEndAt - productionStartAt > productionTime + TOLERANCE_MS);
  const delayMs = productionEndAt - plan.productionEndAt;
  let delayCause: DelayCause = DelayCause.none;
  if (overran) delayCause = DelayCause.overrun;
  else if (p.overdue) delayCause = DelayCause.overdueMaterial;
  else if (delayMs > TOLERANCE_MS) {
    delayCause =
      materialReadyAt > plan.materialReadyAt + TOLERANCE_MS ? DelayCause.ownMaterial : DelayCause.knockOn;
  }
  const latenessMs = order.dueAt === undefined ? undefined : productionEndAt - order.dueAt;
  const result: OrderForecast = {
    orderId: order.orderId,
    status: order.status!,
    materialReadyAt,
    productionStartAt,
    productionEndAt,
    plannedEndAt: plan.productionEndAt,
    delayMs,
    late: latenessMs !== undefined && latenessMs > 0,
    delayCause,
    steps,
  };
  // Optional fields are set only when known, so that JSON output carries no nulls.
  if (order.acceptedAt !== undefined) result.acceptedAt = order.acceptedAt;
  if (order.initialEta !== undefined) result.initialEta = order.initialEta;
  if (order.eta !== undefined) result.eta = order.eta;
  if (order.dueAt !== undefined) {
    result.dueAt = order.dueAt;
    result.latenessMs = latenessMs;
  }
  return result;
}

/** Adds the step [start, end] to `steps`, cut at `asOf` into its actual and forecast parts. */
function split(steps: StepSpan[], step: Step, start: number, end: number, asOf: number): void {
  if (!(end > start)) return;
  if (start < asOf) steps.push({ step, start, end: Math.min(end, asOf), actual: true });
  if (end > asOf) steps.push({ step, start: Math.max(start, asOf), end, actual: false });
}
