// The network of a plant model in a sim-core environment: one resource per station, dispatching at
// the end of each instant in the station's queue rule, and per product a chain of sim-core blocks
// (a delay for the material wait; seize, delay and release per operation) whose observers stamp
// each order with the times it starts and ends every step.
import { LATEST_TIME_MS } from '../contracts/time.ts';
import { type Block, type BlockObserver, Delay, Release, Seize, Sink } from '../sim-core/blocks/blocks.ts';
import { Entity, NO_ATTRIBUTES } from '../sim-core/blocks/Entity.ts';
import type { Environment } from '../sim-core/kernel/Environment.ts';
import {
  OrderedResource,
  type Request,
  type RequestOrder,
  type UnitListener,
} from '../sim-core/kernel/resources.ts';
import { type KeyedStreams, nameKey } from '../sim-core/random/KeyedStreams.ts';
import type { QueueRule } from './model/plantModel.ts';
import type { ModelSamplers, ResolvedModel, ResolvedStation } from './model/resolveModel.ts';
import type { ForecastWarning } from './types.ts';

/**
 * How many times one operation starts over (`restart`) before the rest of it runs as `resume`: an
 * operation longer than every time between failures, or than every shift, would never finish.
 */
export const MAX_RESTARTS = 10;

/** What a station's queue rule reads of an order, worked out once per order (and run). */
export interface UnitKeys {
  orderId: string;
  /** acceptedAt, −priority, dueAt (a missing one sorts last). */
  acceptedKey: number;
  priorityKey: number;
  dueKey: number;
  /** Its place among the run's orders by orderId: ties of a queue rule compare it, not the ids. */
  rank: number;
  /** Its random streams' key (two hashes of its orderId): the same in every run of every variant. */
  drawKey: number;
  drawKey2: number;
}

/** The queue-rule keys of `order`, whose orderId comes `rank`-th among the run's orders. */
export function unitKeys(
  order: { orderId: string; acceptedAt?: number; priority?: number; dueAt?: number },
  rank: number,
): UnitKeys {
  return {
    orderId: order.orderId,
    acceptedKey: order.acceptedAt ?? Number.POSITIVE_INFINITY,
    priorityKey: order.priority === undefined ? Number.POSITIVE_INFINITY : -order.priority,
    dueKey: order.dueAt ?? Number.POSITIVE_INFINITY,
    rank,
    drawKey: nameKey(order.orderId),
    drawKey2: nameKey(order.orderId, 1),
  };
}

/** An order flowing through the network: what queue rules read, and its step times. */
export class OrderUnit extends Entity {
  declare readonly id: string;
  readonly acceptedKey: number;
  readonly priorityKey: number;
  readonly dueKey: number;
  readonly rank: number;
  readonly drawKey: number;
  readonly drawKey2: number;
  /**
   * Per routing step i: times[base + 2i] when it started (a material wait: from the order; an
   * operation: when a unit was granted) and times[base + 2i + 1] when it ended; NaN until known.
   * One array holds the times of every order of a run.
   */
  readonly times: Float64Array;
  readonly base: number;
  /** When its material arrives, when known (a supplier's ETA); NaN: the model's lead time. */
  arrivesAt = Number.NaN;
  /** Real durations per routing step (a plant run's), NaN where the model's apply. */
  durations: Float64Array | undefined = undefined;
  /** The operation it is in (or was last in), and whether its unit is down under it. */
  operation: StepDelay | undefined = undefined;
  suspended = false;
  /** The first station whose downtime held it up: it waited while a unit was down, or its operation was cut. */
  downtimeStation: string | undefined = undefined;
  /** The first station whose shift's end held it up: it waited through one, or its operation was cut by one. */
  shiftStation: string | undefined = undefined;
  /** Times its operation has started over. */
  restarts = 0;
  /** At a station that starts only what fits its shift: the operation it waits for, and its duration once drawn. */
  next: StepDelay | undefined = undefined;
  drawn = Number.NaN;

  constructor(keys: UnitKeys, times: Float64Array, base: number, createdAt: number) {
    // No order reads or writes sim-core's attributes: its data are fields of its own.
    super(keys.orderId, createdAt, NO_ATTRIBUTES);
    this.acceptedKey = keys.acceptedKey;
    this.priorityKey = keys.priorityKey;
    this.dueKey = keys.dueKey;
    this.rank = keys.rank;
    this.drawKey = keys.drawKey;
    this.drawKey2 = keys.drawKey2;
    this.times = times;
    this.base = base;
  }

  /** Back to as it was made, for the next replication of the same orders (fewer objects per run). */
  reset(): void {
    this.enteredAt = this.createdAt;
    this.held = undefined;
    this.heldMore = undefined;
    this.timer = undefined;
    this.until = 0;
    this.work = 0;
    this.left = 0;
    this.arrivesAt = Number.NaN;
    this.durations = undefined;
    this.operation = undefined;
    this.suspended = false;
    this.downtimeStation = undefined;
    this.shiftStation = undefined;
    this.restarts = 0;
    this.next = undefined;
    this.drawn = Number.NaN;
  }
}

/** A routing step's delay: the order's own duration or material arrival where known, else a draw. */
export class StepDelay extends Delay {
  constructor(
    env: Environment,
    id: string,
    readonly sampler: ModelSamplers['steps'][number][number],
    readonly slot: number,
    readonly material: boolean,
    step: string,
    /** Common random numbers: the order's stream for this step, selected before each draw. */
    readonly streams?: KeyedStreams,
  ) {
    super(env, id, sampler, undefined, step);
  }

  override durationFor(entity: Entity): number {
    const unit = entity as OrderUnit;
    // Drawn already, to see whether it fits its shift (see `fitsShift`).
    const drawn = unit.drawn;
    if (!Number.isNaN(drawn)) {
      unit.drawn = Number.NaN;
      return drawn;
    }
    const own = unit.durations;
    if (own !== undefined) {
      const d = own[this.slot]!;
      if (!Number.isNaN(d)) return d;
    }
    if (this.material && !Number.isNaN(unit.arrivesAt)) return Math.max(0, unit.arrivesAt - this.env.now);
    this.streams?.select(unit.drawKey, unit.drawKey2, this.slot);
    return this.sampler.sample();
  }
}

/** A station's queue that tells each order the operation it waits for (at a station that admits only what fits its shift). */
class OperationSeize extends Seize {
  operation: StepDelay | undefined = undefined;

  protected override accept(entity: Entity): void {
    (entity as OrderUnit).next = this.operation;
    super.accept(entity);
  }

  override place(entity: Entity, since: number): void {
    (entity as OrderUnit).next = this.operation;
    super.place(entity, since);
  }
}

/** The blocks of one routing step. */
export interface StepBlocks {
  /** The material wait, or the operation itself. */
  delay: StepDelay;
  /** Operations: the queue in front of the station (entered first). */
  seize: Seize | undefined;
}

export interface Network {
  env: Environment;
  resolved: ResolvedModel;
  samplers: ModelSamplers;
  /** By station index. */
  stations: OrderedResource<Entity>[];
  /** steps[product.index][step.index] */
  steps: StepBlocks[][];
  /** Orders that have completed their routing in this run. */
  completed(): number;
  /** The station whose units a shift's end is taking out right now, or -1 (see `applyShifts`). */
  shiftEnding: number;
  /** Per station with shifts: its other outages (from, to), to tell a wait through one from a wait through a shift's end. */
  outages: ([number, number][] | undefined)[];
  warnings: NetworkWarnings;
}

/** Warnings of the networks of a forecast (every replication's), each kind once per station. */
export class NetworkWarnings {
  readonly list: ForecastWarning[] = [];
  /** The key of each warning of `list`. */
  readonly keys: string[] = [];
  private readonly seen = new Set<string>();

  once(key: string, warning: ForecastWarning): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.keys.push(key);
    this.list.push(warning);
  }
}

/**
 * Takes `unit` (every unit, when undefined) of station `index` out of work from `from` to `to`: a
 * breakdown, a maintenance. Out for good (`to` at LATEST_TIME_MS: a variant's extra unit at its
 * end, a unit taken away), a unit leaves: the order it holds then finishes its operation on it.
 */
export function takeOut(
  net: Network,
  index: number,
  from: number,
  to: number,
  unit: number | undefined,
): void {
  const station = net.stations[index]!;
  if (to >= LATEST_TIME_MS) {
    const at = Math.max(from, net.env.now);
    if (unit !== undefined) station.retire(at, unit);
    else for (let u = 1; u <= station.capacity; u++) station.retire(at, u);
    return;
  }
  station.outOfService(from, to, unit);
  net.outages[index]?.push([from, to]);
}

/** Builds the network of `resolved` in `env`, with `samplers`' times; `warnings` may be shared by several. */
export function buildNetwork(
  resolved: ResolvedModel,
  samplers: ModelSamplers,
  env: Environment,
  warnings = new NetworkWarnings(),
): Network {
  // Filled in below: the listeners read the network's shift state.
  const net = { env, resolved, samplers, shiftEnding: -1, warnings } as Network;
  net.outages = resolved.stations.map((s) => (s.shifts === undefined ? undefined : []));
  const stations = resolved.stations.map((s) => {
    const resource = new OrderedResource<Entity>(env, queueOrder(s.queueRule), {
      capacity: s.capacity,
      dispatch: 'end-of-instant',
    });
    resource.unitListener = interruptions(s, net);
    if (s.shifts?.startOnlyIfFinishes) resource.admits = fitsShift(s, net);
    return resource;
  });
  const sinks: Sink[] = [];
  const steps = resolved.products.map((product) => {
    const blocks: StepBlocks[] = [];
    let last: Block | undefined;
    const chain = (block: Block): void => {
      // The forecast reads the orders' own times, not the blocks' statistics of them.
      block.recordTimes = false;
      if (last !== undefined) last.next = block;
      last = block;
    };
    for (const step of product.routing) {
      const slot = step.index;
      const id = `${product.id}/${step.step}`;
      const delay = new StepDelay(
        env,
        id,
        samplers.steps[product.index]![slot]!,
        slot,
        step.kind === 'material',
        step.step,
        samplers.streams,
      );
      if (step.kind === 'material') {
        delay.observer = materialStamp(slot);
        chain(delay);
        blocks.push({ delay, seize: undefined });
        continue;
      }
      const station = step.station as ResolvedStation;
      const resource = stations[station.index]!;
      const fits = station.shifts?.startOnlyIfFinishes === true;
      const seize = fits
        ? new OperationSeize(env, `${id}/queue`, resource, station.id, step.step)
        : new Seize(env, `${id}/queue`, resource, station.id, step.step);
      if (seize instanceof OperationSeize) seize.operation = delay;
      seize.observer = operationStamp(2 * slot, delay, resource, station.id, net.outages[station.index]);
      delay.observer = stamp(2 * slot + 1);
      chain(seize);
      chain(delay);
      chain(new Release(env, `${id}/release`, resource, station.id, step.step));
      blocks.push({ delay, seize });
    }
    const sink = new Sink(env, `${product.id}/completed`);
    sinks.push(sink);
    chain(sink);
    return blocks;
  });
  const completed = (): number => {
    let n = 0;
    for (const sink of sinks) n += sink.stats.left;
    return n;
  };
  net.stations = stations;
  net.steps = steps;
  net.completed = completed;
  return net;
}

/**
 * An operation's start: stamps it into times[k], and notes that the order waited while a unit of
 * its station was down, if it did (it joined the queue when it entered the seize): at a station with
 * shifts (`outages` its other outages), through an outage or through a shift's end.
 */
function operationStamp(
  k: number,
  operation: StepDelay,
  resource: OrderedResource<Entity>,
  station: string,
  outages: [number, number][] | undefined,
): BlockObserver {
  return {
    leave(_block, entity, time) {
      const unit = entity as OrderUnit;
      unit.times[unit.base + k] = time;
      unit.operation = operation;
      unit.restarts = 0;
      if (unit.downtimeStation !== undefined || !resource.outOfServiceSince(entity.enteredAt)) return;
      if (outages === undefined || outages.some(([from, to]) => from <= time && to > entity.enteredAt))
        unit.downtimeStation = station;
      else unit.shiftStation ??= station;
    },
  };
}

/**
 * What a station's operations do when their unit goes down (an outage, or a shift's end) and comes
 * back: its interruption rule; an operation that started over MAX_RESTARTS times runs the rest of
 * its time (a warning says so, once).
 */
function interruptions(station: ResolvedStation, net: Network): UnitListener<Entity> {
  const restart = station.interruption === 'restart';
  return {
    down(holder) {
      const unit = holder.owner as OrderUnit;
      // As of now, even for a unit down since before a restored run began: the time an order restored
      // in progress has left already counts only its work before the unit went down.
      if (unit.operation === undefined || !unit.operation.suspend(unit, unit.operation.env.now)) return;
      unit.suspended = true;
      if (net.shiftEnding === station.index) unit.shiftStation ??= station.id;
      else unit.downtimeStation ??= station.id;
    },
    up(holder) {
      const unit = holder.owner as OrderUnit;
      if (!unit.suspended) return;
      unit.suspended = false;
      const operation = unit.operation!;
      if (restart && ++unit.restarts > MAX_RESTARTS) {
        net.warnings.once(`restarts:${station.id}`, {
          orderId: unit.id,
          ...(operation.step !== undefined && { step: operation.step }),
          kind: 'interruption',
          message: `order ${unit.id}'s operation at station ${station.id} was cut and started over ${MAX_RESTARTS} times: the rest of it runs as resume`,
        });
        operation.resume(unit, false);
        return;
      }
      operation.resume(unit, restart);
    },
  };
}

/**
 * Whether an order may start its operation at `station` now: if it ends (its duration drawn once,
 * and kept) before the shift does. One that does not waits for a later shift, and later orders that
 * fit may pass it; at a shift's start every one starts, so that one longer than a whole shift is not
 * kept waiting for ever: that shift's end cuts it (a warning says so, once per station).
 */
function fitsShift(station: ResolvedStation, net: Network): (request: Request<Entity>) => boolean {
  const calendar = station.shifts!.calendar;
  return (request) => {
    const unit = request.owner as OrderUnit;
    const operation = unit.next!;
    if (Number.isNaN(unit.drawn)) unit.drawn = operation.durationFor(unit);
    const now = net.env.now;
    const shift = calendar.windowAt(now);
    if (now + unit.drawn <= shift.to) return true;
    if (shift.from !== now) return false;
    net.warnings.once(`longer:${station.id}`, {
      orderId: unit.id,
      ...(operation.step !== undefined && { step: operation.step }),
      kind: 'interruption',
      message: `order ${unit.id}'s operation at station ${station.id} is longer than its shift: it starts at a shift's start and is cut at its end (${station.interruption})`,
    });
    return true;
  };
}

/** Stamps the time an order leaves a block into its times[k]. */
function stamp(k: number): BlockObserver {
  return {
    leave(_block, entity, time) {
      const unit = entity as OrderUnit;
      unit.times[unit.base + k] = time;
    },
  };
}

/** A material wait: its start is when the order enters it (unless already known), its end when it leaves. */
function materialStamp(slot: number): BlockObserver {
  return {
    enter(_block, entity, time) {
      const unit = entity as OrderUnit;
      const k = unit.base + 2 * slot;
      if (Number.isNaN(unit.times[k]!)) unit.times[k] = time;
    },
    leave(_block, entity, time) {
      const unit = entity as OrderUnit;
      unit.times[unit.base + 2 * slot + 1] = time;
    },
  };
}

type Req = Request<Entity>;
const unit = (r: Req) => r.owner as OrderUnit;
const byAcceptedThenId = (a: Req, b: Req): number => {
  const x = unit(a);
  const y = unit(b);
  if (x.acceptedKey !== y.acceptedKey) return x.acceptedKey < y.acceptedKey ? -1 : 1;
  return x.rank - y.rank;
};

/**
 * How a station orders its waiting orders: fifo by the time each joined its queue; priority (higher
 * first) or due date (earlier first, none last), then fifo; ties: acceptedAt, then orderId.
 */
export function queueOrder(rule: QueueRule): RequestOrder<Entity> {
  let order: RequestOrder<Entity>;
  if (rule === 'fifo') {
    order = (a, b) =>
      a.requestedAt !== b.requestedAt ? a.requestedAt - b.requestedAt : byAcceptedThenId(a, b);
    order.rank = (r) => r.requestedAt;
    order.rank2 = (r) => unit(r).acceptedKey;
    order.rank3 = (r) => unit(r).rank;
    return order;
  }
  const key = rule === 'priority' ? (r: Req) => unit(r).priorityKey : (r: Req) => unit(r).dueKey;
  order = (a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    if (a.requestedAt !== b.requestedAt) return a.requestedAt - b.requestedAt;
    return byAcceptedThenId(a, b);
  };
  order.rank = key;
  order.rank2 = (r) => r.requestedAt;
  order.rank3 = (r) => unit(r).acceptedKey;
  return order;
}
