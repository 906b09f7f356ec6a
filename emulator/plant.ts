// The emulated plant: the network of any plant model (the order domain's own: the same stations,
// queue rules and end-of-instant dispatch as the forecast's), run with the times the scenario drew
// for each order, which are its own randomness (operations that take longer or shorter, suppliers
// that slip and announce it late or never). Every state change becomes an order event, and what
// really happened to each order is recorded step by step. Units that break down and planned
// maintenance take their units out of work as in the order domain's plant runs, and are announced
// with station events.
import type { OrderEvent, PlantEvent as StationEvent } from '../contracts/events.ts';
import type { ResolvedModel, ResolvedProduct } from '../orderflow/model/resolveModel.ts';
import { modelSamplers } from '../orderflow/model/resolveModel.ts';
import { buildNetwork, OrderUnit, unitKeys } from '../orderflow/network.ts';
import type { PlannedMaintenance } from '../orderflow/types.ts';
import type { Block, BlockObserver, Entity, Environment, ProcessGenerator } from '../sim-core/index.ts';
import { ModelError, Random } from '../sim-core/index.ts';

/** One order as the scenario defines it: when it comes, what it is, and how its supplier and stations behave. */
export interface EmulatedOrder {
  orderId: string;
  acceptedAt: number;
  /** Its product (default: the model's default product). */
  product?: string;
  dueAt?: number;
  priority?: number;
  /**
   * Its material step, when its routing has one: the lead time the supplier first promises, the one
   * it really takes, and when after the material order the supplier announces the real ETA
   * (undefined: never). Default: the model's mean lead time, as promised.
   */
  material?: { promisedLead: number; actualLead: number; announceAfter?: number };
  /** Real durations of its operations (ms), by step name; a step not named takes the model's mean. */
  durations?: Readonly<Record<string, number>>;
  /** Time from the end of its last routing step to its delivery. */
  deliveryAfter: number;
}

/** What really happened to an order in one step (the ground truth). */
export interface TruthRecord {
  orderId: string;
  product: string;
  kind: 'material' | 'queue' | 'operation' | 'delivery';
  /** The routing step; for a queue, the operation it waits for; none for the delivery. */
  step?: string;
  station?: string;
  start: string;
  end: string;
}

/** A unit of a station (every unit, without `unit`) that fails at `from` and is repaired at `to` (epoch ms). */
export interface Breakdown {
  station: string;
  unit?: number;
  from: number;
  to: number;
  /** What its StationDown says of when it is expected up (none: it says nothing). */
  expectedUpAt?: number;
}

/** The units out of work in an emulated run: breakdowns, and maintenance announced ahead. */
export interface PlantOutages {
  breakdowns: Breakdown[];
  /** Each announced with a MaintenancePlanned at `announcedAt` (at or before `from`). */
  maintenance: (PlannedMaintenance & { announcedAt: number })[];
}

export interface PlantSinks {
  event(event: OrderEvent | StationEvent): void;
  truth?(record: TruthRecord): void;
}

export interface PlantOptions {
  /** Comes first in every event id, so that ids stay unique across runs (default: the start time). */
  runId?: string;
  /** Every station takes any number of orders at once (a load test's plant, which never queues). */
  unlimitedStations?: boolean;
  /**
   * Units that break down (a StationDown at the start, a StationUp at the end) and maintenance
   * (a MaintenancePlanned when announced): each takes its unit, or every unit, out of work.
   */
  outages?: PlantOutages;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** An order in the emulated plant: the network's unit, with the scenario's order and its product. */
class LiveOrder extends OrderUnit {
  constructor(
    rank: number,
    readonly order: EmulatedOrder,
    readonly product: ResolvedProduct,
  ) {
    super(
      unitKeys(order, rank),
      new Float64Array(2 * product.routing.length).fill(Number.NaN),
      0,
      order.acceptedAt,
    );
  }
  /** When routing step i started (material: ordered; operation: a unit granted) and ended. */
  startOf(i: number): number {
    return this.times[2 * i]!;
  }
  endOf(i: number): number {
    return this.times[2 * i + 1]!;
  }
}

/**
 * Places in the order of orderIds, for the queue rules' last tie-break, handed out as orders arrive:
 * a new order's place lies between those of its neighbours among the orders in the plant. Orders
 * whose ids grow as they arrive (every scenario's) are simply appended.
 */
export class IdRanks {
  private readonly ids: string[] = [];
  private readonly ranks: number[] = [];
  private readonly gone = new Set<string>();

  /** The place of `id` among the ids added and not removed. */
  add(id: string): number {
    const i = this.search(id);
    const before = i > 0 ? this.ranks[i - 1] : undefined;
    const after = i < this.ids.length ? this.ranks[i] : undefined;
    const rank =
      before === undefined
        ? after === undefined
          ? 0
          : after - 1
        : after === undefined
          ? before + 1
          : before + (after - before) / 2;
    this.ids.splice(i, 0, id);
    this.ranks.splice(i, 0, rank);
    return rank;
  }

  /** Forgets `id` (its order has left the plant's queues). */
  remove(id: string): void {
    this.gone.add(id);
    // Gone ids keep their places until they are half of all: forgetting one is then cheap on average.
    if (this.gone.size * 2 <= this.ids.length) return;
    let k = 0;
    for (let i = 0; i < this.ids.length; i++) {
      if (this.gone.has(this.ids[i]!)) continue;
      this.ids[k] = this.ids[i]!;
      this.ranks[k++] = this.ranks[i]!;
    }
    this.ids.length = k;
    this.ranks.length = k;
    this.gone.clear();
  }

  private search(id: string): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ids[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Adds `hooks` to a block's observer, after the one it has (which stamps the order's times). */
function observe(
  block: Block,
  hooks: { enter?: (unit: LiveOrder) => void; leave?: (unit: LiveOrder) => void },
) {
  const inner: BlockObserver | undefined = block.observer;
  block.observer = {
    enter(b: Block, entity: Entity, time: number) {
      inner?.enter?.(b, entity, time);
      hooks.enter?.(entity as LiveOrder);
    },
    leave(b: Block, entity: Entity, time: number) {
      inner?.leave?.(b, entity, time);
      hooks.leave?.(entity as LiveOrder);
    },
  };
}

/**
 * Starts the plant of `resolved` in `env`: each of `orders` (in the order of acceptedAt) is accepted
 * at its time and flows through its product's routing with its own times, sharing the stations.
 */
export function startPlant(
  env: Environment,
  resolved: ResolvedModel,
  orders: Iterable<EmulatedOrder>,
  sinks: PlantSinks,
  options: PlantOptions = {},
): void {
  const plant = options.unlimitedStations
    ? {
        ...resolved,
        stations: resolved.stations.map((s) => ({ ...s, capacity: Number.POSITIVE_INFINITY })),
      }
    : resolved;
  // A time the scenario does not give is the model's mean, as in the order domain's plant runs.
  const nominal = modelSamplers(plant, new Random(0), true);
  const net = buildNetwork(plant, nominal, env);
  const ranks = new IdRanks();
  // Event ids stay unique across runs of the emulator: the run's id comes first.
  const runId = options.runId ?? env.now.toString(36);
  let sequence = 0;
  const emit = (type: OrderEvent['type'], orderId: string, extra: Record<string, unknown> = {}) => {
    const eventId = `${runId}-${orderId}-${++sequence}`;
    sinks.event({ eventId, orderId, occurredAt: iso(env.now), type, ...extra } as OrderEvent);
  };
  startOutages(env, plant, net.stations, options.outages, (key, event) =>
    sinks.event({ eventId: `${runId}-${key}-${++sequence}`, ...event } as StationEvent),
  );
  const truth = (unit: LiveOrder, record: Omit<TruthRecord, 'orderId' | 'product' | 'end'>) =>
    sinks.truth?.({ orderId: unit.order.orderId, product: unit.product.id, ...record, end: iso(env.now) });

  const completed = (unit: LiveOrder) => {
    const { order } = unit;
    const completedAt = env.now;
    ranks.remove(order.orderId);
    env.timeout(order.deliveryAfter).addCallback(() => {
      emit('OrderDelivered', order.orderId);
      truth(unit, { kind: 'delivery', start: iso(completedAt) });
    });
  };

  for (const product of plant.products) {
    const blocks = net.steps[product.index]!;
    const last = product.routing.length - 1;
    for (const step of product.routing) {
      const i = step.index;
      const { delay, seize } = blocks[i]!;
      if (step.kind === 'material') {
        const promisedMean = nominal.steps[product.index]![i]!.mean;
        observe(delay, {
          enter: (unit) => {
            const orderedAt = env.now;
            const material = unit.order.material;
            const promised = material?.promisedLead ?? promisedMean;
            emit('MaterialOrdered', unit.order.orderId, { eta: iso(orderedAt + promised) });
            if (material?.announceAfter === undefined || material.actualLead === promised) return;
            env.timeout(material.announceAfter).addCallback(() => {
              // The material came first: nothing left to announce.
              if (Number.isNaN(unit.endOf(i))) {
                emit('EtaUpdated', unit.order.orderId, { eta: iso(orderedAt + material.actualLead) });
              }
            });
          },
          leave: (unit) => {
            emit('MaterialArrived', unit.order.orderId);
            truth(unit, { kind: 'material', step: step.step, start: iso(unit.startOf(i)) });
            if (i === last) completed(unit);
          },
        });
        continue;
      }
      const station = step.station!.id;
      observe(seize!, {
        leave: (unit) => {
          emit('StepStarted', unit.order.orderId, { step: step.step, station });
          const queuedAt = i === 0 ? unit.order.acceptedAt : unit.endOf(i - 1);
          truth(unit, { kind: 'queue', step: step.step, station, start: iso(queuedAt) });
        },
      });
      observe(delay, {
        leave: (unit) => {
          emit('StepFinished', unit.order.orderId, { step: step.step });
          truth(unit, { kind: 'operation', step: step.step, station, start: iso(unit.startOf(i)) });
          if (i === last) completed(unit);
        },
      });
    }
  }

  const accept = (order: EmulatedOrder) => {
    const product = order.product === undefined ? plant.defaultProduct : plant.productById.get(order.product);
    if (product === undefined) {
      throw new ModelError(
        `order ${order.orderId}: model ${plant.model.name} has no product "${order.product}"`,
      );
    }
    const unit = new LiveOrder(ranks.add(order.orderId), order, product);
    const durations = new Float64Array(product.routing.length).fill(Number.NaN);
    for (const step of product.routing) {
      const own = step.kind === 'material' ? order.material?.actualLead : order.durations?.[step.step];
      if (own !== undefined) durations[step.index] = own;
    }
    unit.durations = durations;
    emit('OrderAccepted', order.orderId, {
      // As a plant sends it: the product, when the model has several (docs/model-file.md).
      ...(plant.products.length > 1 && { product: product.id }),
      ...(order.dueAt !== undefined && { dueAt: iso(order.dueAt) }),
      ...(order.priority !== undefined && { priority: order.priority }),
    });
    const first = net.steps[product.index]![0]!;
    (first.seize ?? first.delay).enter(unit);
  };

  // Orders arrive one after the other: the next one is created when it is due, so that an endless
  // scenario does not build all its orders up front.
  function* arrivals(): ProcessGenerator<void> {
    for (const order of orders) {
      if (order.acceptedAt > env.now) yield env.timeout(order.acceptedAt - env.now);
      accept(order);
    }
  }
  env.process(arrivals());
}

/**
 * Takes the units of `outages` out of work in `stations` (the plant run's way: `runPlant`'s
 * `maintenance` and `breakdowns`), and sends each one's station events at their times: StationDown
 * and StationUp around a breakdown, MaintenancePlanned when a maintenance is announced.
 */
function startOutages(
  env: Environment,
  resolved: ResolvedModel,
  stations: readonly { outOfService(from: number, to: number, unit?: number): void }[],
  outages: PlantOutages | undefined,
  send: (
    key: string,
    event: StationEvent extends infer E ? (E extends unknown ? Omit<E, 'eventId'> : never) : never,
  ) => void,
): void {
  if (outages === undefined) return;
  const at = (t: number, f: () => void) => env.timeout(Math.max(0, t - env.now)).addCallback(f);
  const stationOf = (id: string, what: string) => {
    const station = resolved.stations.find((s) => s.id === id);
    if (station === undefined)
      throw new ModelError(`${what}: model ${resolved.model.name} has no station "${id}"`);
    return station;
  };
  for (const m of outages.maintenance) {
    const station = stationOf(m.station, `maintenance ${m.maintenanceId}`);
    stations[station.index]!.outOfService(m.from, m.to, m.unit);
    at(m.announcedAt, () =>
      send(m.maintenanceId, {
        type: 'MaintenancePlanned',
        occurredAt: iso(env.now),
        maintenanceId: m.maintenanceId,
        station: m.station,
        ...(m.unit !== undefined && { unit: m.unit }),
        from: iso(m.from),
        to: iso(m.to),
      }),
    );
  }
  for (const b of outages.breakdowns) {
    const station = stationOf(b.station, `a breakdown at ${iso(b.from)}`);
    stations[station.index]!.outOfService(b.from, b.to, b.unit);
    const unit = b.unit === undefined ? {} : { unit: b.unit };
    at(b.from, () =>
      send(b.station, {
        type: 'StationDown',
        occurredAt: iso(env.now),
        station: b.station,
        ...unit,
        ...(b.expectedUpAt !== undefined && { expectedUpAt: iso(b.expectedUpAt) }),
      }),
    );
    at(b.to, () =>
      send(b.station, { type: 'StationUp', occurredAt: iso(env.now), station: b.station, ...unit }),
    );
  }
}
