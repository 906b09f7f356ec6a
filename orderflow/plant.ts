// A plant run of the order-flow model with known disruptions: the ground truth that forecasts are
// checked against. Each order brings its real material lead time, the ETAs its supplier
// announces, and (optionally) its real production time; the run records when each step happened.
import { Entity } from '../sim-core/blocks/Entity.ts';
import type { ModelDefinition, ParameterValue } from '../sim-core/blocks/ModelDefinition.ts';
import { Environment } from '../sim-core/kernel/Environment.ts';
import { RunLimits, type SimulationLimits } from '../sim-core/limits.ts';
import { checkForecastEnds } from './forecast.ts';
import { orderFlowModel } from './models/index.ts';
import { orderEntity, orderFlowNetwork } from './network.ts';
import { type OrderState, OrderStatus, type Snapshot } from './types.ts';

/** An order of a plant run, with what really happens to it. */
export interface PlantOrder {
  orderId: string;
  acceptedAt: number;
  dueAt?: number;
  priority?: number;
  /** Real time from material order (at acceptance) to arrival. */
  leadTime: number;
  /** Lead time first announced by the supplier (default: the model's nominal lead time). */
  announcedLeadTime?: number;
  /** Later ETA announcements. */
  etaUpdates?: readonly { at: number; eta: number }[];
  /** Real production time (default: the model's nominal production time). */
  productionTime?: number;
}

/** What happened to one order in a plant run. */
export interface PlantHistory {
  order: PlantOrder;
  initialEta: number;
  materialArrivedAt: number;
  productionStartedAt: number;
  productionFinishedAt: number;
}

/** Runs the plant to the end; returns each order's history, by order id. */
export function runPlant(
  orders: readonly PlantOrder[],
  model: ModelDefinition = orderFlowModel,
  options: { parameters?: Record<string, ParameterValue>; limits?: SimulationLimits } = {},
): Map<string, PlantHistory> {
  const limits = new RunLimits(options.limits);
  checkForecastEnds(model);
  const start = orders.reduce((t, o) => Math.min(t, o.acceptedAt), Number.POSITIVE_INFINITY);
  const env = new Environment(Number.isFinite(start) ? start : 0);
  const net = orderFlowNetwork(model, env, { parameters: options.parameters });
  const nominalLead = net.material.durationFor(new Entity('nominal', env.now));
  const entities = orders.map((order) => {
    const entity = orderEntity(order, order.acceptedAt, {
      leadTime: order.leadTime,
      ...(order.productionTime !== undefined && { productionTime: order.productionTime }),
    });
    env.timeout(order.acceptedAt - env.now).addCallback(() => net.material.enter(entity));
    return { order, entity };
  });
  limits.run(env);
  const histories = new Map<string, PlantHistory>();
  for (const { order, entity } of entities) {
    const a = entity.attributes;
    histories.set(order.orderId, {
      order,
      initialEta: order.acceptedAt + (order.announcedLeadTime ?? nominalLead),
      materialArrivedAt: a.materialReadyAt as number,
      productionStartedAt: a.productionStartAt as number,
      productionFinishedAt: a.productionEndAt as number,
    });
  }
  return histories;
}

/** The state of an order as known at time `t` (everything that happened at or before `t`). */
function stateAt(history: PlantHistory, t: number): OrderState | undefined {
  const { order } = history;
  if (order.acceptedAt > t) return undefined;
  const state: OrderState = {
    orderId: order.orderId,
    status: OrderStatus.awaitingMaterial,
    acceptedAt: order.acceptedAt,
    materialOrderedAt: order.acceptedAt,
    initialEta: history.initialEta,
    eta: history.initialEta,
    updatedAt: order.acceptedAt,
  };
  if (order.dueAt !== undefined) state.dueAt = order.dueAt;
  if (order.priority !== undefined) state.priority = order.priority;
  for (const update of order.etaUpdates ?? []) {
    if (update.at <= t) {
      state.eta = update.eta;
      state.updatedAt = Math.max(state.updatedAt!, update.at);
    }
  }
  const steps = [
    ['materialArrivedAt', history.materialArrivedAt, OrderStatus.ready],
    ['productionStartedAt', history.productionStartedAt, OrderStatus.inProduction],
    ['productionFinishedAt', history.productionFinishedAt, OrderStatus.finished],
  ] as const;
  for (const [field, time, status] of steps) {
    if (time > t) break;
    if (field === 'materialArrivedAt') state.materialArrivedAt = time;
    else {
      const at = field === 'productionStartedAt' ? 'startedAt' : 'finishedAt';
      state.steps = { production: { ...state.steps?.production, [at]: time } };
    }
    state.status = status;
    state.updatedAt = Math.max(state.updatedAt!, time);
  }
  return state;
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
