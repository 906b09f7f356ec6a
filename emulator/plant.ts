// The emulated plant: a sim-core model with its own randomness (production times vary, suppliers'
// ETAs slip and are announced late, sometimes not at all), written with the kernel's generator
// processes. It emits every state change as a v1 order event, and records what really happened.
import type { OrderEvent } from '../contracts/events.ts';
import { type Environment, Interrupt, type ProcessGenerator, Resource } from '../sim-core/index.ts';

/** One order as the scenario defines it: when it comes, and how its supplier and line behave. */
export interface EmulatedOrder {
  orderId: string;
  acceptedAt: number;
  dueAt?: number;
  priority?: number;
  /** Lead time the supplier first promises. */
  promisedLead: number;
  /** Lead time it really takes. */
  actualLead: number;
  /** When (after the material order) the supplier announces the real ETA; undefined: never. */
  announceAfter?: number;
  productionTime: number;
  /** Time from production end to delivery. */
  deliveryAfter: number;
}

/** What really happened to an order in one step (the ground truth). */
export interface TruthRecord {
  orderId: string;
  step: 'material' | 'queue' | 'production' | 'delivery';
  start: string;
  end: string;
}

export interface PlantSinks {
  event(event: OrderEvent): void;
  truth?(record: TruthRecord): void;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Starts the plant's processes in `env`: one per order, all sharing `lines` production lines. */
export function startPlant(
  env: Environment,
  orders: Iterable<EmulatedOrder>,
  sinks: PlantSinks,
  options: { lines?: number; runId?: string } = {},
): void {
  const line = new Resource<string>(env, { capacity: options.lines ?? 1 });
  // Event ids stay unique across runs of the emulator: the run's id comes first.
  const runId = options.runId ?? env.now.toString(36);
  let sequence = 0;
  const emit = (type: OrderEvent['type'], orderId: string, extra: Record<string, unknown> = {}) => {
    const eventId = `${runId}-${orderId}-${++sequence}`;
    sinks.event({ eventId, orderId, occurredAt: iso(env.now), type, ...extra } as OrderEvent);
  };
  const truth = (orderId: string, step: TruthRecord['step'], start: number) =>
    sinks.truth?.({ orderId, step, start: iso(start), end: iso(env.now) });

  function* supplier(order: EmulatedOrder, orderedAt: number): ProcessGenerator<void> {
    if (order.announceAfter === undefined || order.actualLead === order.promisedLead) return;
    try {
      yield env.timeout(order.announceAfter);
    } catch (error) {
      if (error instanceof Interrupt) return; // the material came first: nothing left to announce
      throw error;
    }
    emit('EtaUpdated', order.orderId, { eta: iso(orderedAt + order.actualLead) });
  }

  function* lifecycle(order: EmulatedOrder): ProcessGenerator<void> {
    const { orderId } = order;
    emit('OrderAccepted', orderId, {
      ...(order.dueAt !== undefined && { dueAt: iso(order.dueAt) }),
      ...(order.priority !== undefined && { priority: order.priority }),
    });
    const orderedAt = env.now;
    emit('MaterialOrdered', orderId, { eta: iso(orderedAt + order.promisedLead) });
    const announcement = env.process(supplier(order, orderedAt));
    yield env.timeout(order.actualLead);
    if (announcement.isAlive) announcement.interrupt('material arrived before the announcement');
    emit('MaterialArrived', orderId);
    truth(orderId, 'material', orderedAt);
    const queuedAt = env.now;
    const request = line.request(orderId);
    yield request;
    emit('ProductionStarted', orderId);
    truth(orderId, 'queue', queuedAt);
    const startedAt = env.now;
    yield env.timeout(order.productionTime);
    line.release(request);
    emit('ProductionFinished', orderId);
    truth(orderId, 'production', startedAt);
    const finishedAt = env.now;
    yield env.timeout(order.deliveryAfter);
    emit('OrderDelivered', orderId);
    truth(orderId, 'delivery', finishedAt);
  }

  // Orders arrive one after the other: the next one is created when it is due, so that an endless
  // scenario does not build all its orders up front.
  function* arrivals(): ProcessGenerator<void> {
    for (const order of orders) {
      if (order.acceptedAt > env.now) yield env.timeout(order.acceptedAt - env.now);
      env.process(lifecycle(order));
    }
  }
  env.process(arrivals());
}
