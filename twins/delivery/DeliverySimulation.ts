// The product-delivery network on sim-core's kernel. Time is in hours from a Monday 00:00.
//
// Production is continuous but simulated by events: between two events a center's inventory grows
// linearly at its rate, and it is brought up to date exactly (with its holding-cost integral) whenever
// something happens at the center: an order, a rate taking effect, a review, the end of a day. A full
// store pauses production (nothing is made beyond capacity). An order that finds too little stock
// takes what there is and waits, first come first served: while orders wait, every unit made goes
// to the first of them, and it ships complete. Random numbers come from keyed streams (common random
// numbers): the k-th order check of a distributor on a day and the k-th rate change of a center draw
// the same in every scenario.
import { Environment, KeyedStreams, nameKey, type Random, replicationSeed } from '../../sim-core/index.ts';
import type { RunCenter, RunSetup } from './changes.ts';
import { nearestIndex } from './geo.ts';
import { MAX_RATE, type Policy } from './model.ts';

const HOURS_PER_DAY = 24;
const HOURS_PER_WEEK = 168;
// Activities of the keyed streams: the third part of a key.
const ORDER_STREAM = nameKey('order');
const DELAY_STREAM = nameKey('rate-change');
// Rounding of the continuous inventory: an order short of this many units at a time completes then (the
// clock's rounding would otherwise leave a sliver that no later instant can fill).
const EPSILON = 1e-6;

/** An order of a distributor, from its placing to its shipping. */
export interface DeliveryOrder {
  distributor: string;
  center: number;
  quantity: number;
  placedAt: number;
  /** When it shipped, or undefined while it waits. */
  fulfilledAt?: number;
  /** Whether it found too little stock and had to wait (a stockout). */
  waited: boolean;
}

/** A rate change that took effect: asked for at `requestedAt`, in effect `delay` hours later. */
export interface RateChange {
  center: string;
  requestedAt: number;
  delay: number;
  from: number;
  to: number;
}

interface Waiting {
  order: DeliveryOrder;
  remaining: number;
}

/** A center's live state. */
export interface CenterState {
  readonly setup: RunCenter;
  policy: Policy;
  /** Units on hand at `updatedAt`. */
  inventory: number;
  updatedAt: number;
  /** The rate its machines run at now (the policy's part; `setup.extraRate` comes on top). */
  rate: number;
  /** A rate asked for and not yet in effect. */
  pending: { target: number; requestedAt: number } | undefined;
  queue: Waiting[];
  /** ∫ inventory dt from the start to `updatedAt`. */
  inventoryHours: number;
  changes: number;
  /** Rate changes started (the key of the next delay's stream). */
  changesStarted: number;
  orders: number;
  stockouts: number;
  /** Orders placed here within the demand policy's window: (time, quantity). */
  recent: { at: number; quantity: number }[];
  wake: number;
  /** Outages going on now (they may overlap). */
  outagesNow: number;
}

/** Every KPI of a run (or of a run so far). */
export interface DeliveryKpis {
  meanFulfilmentHours: number;
  withinTargetShare: number;
  overLimitShare: number;
  stockouts: number;
  meanInventory: number;
  rateChanges: number;
  meanDailyCost: number;
  holdingCostPerDay: number;
  orders: number;
}

/** One center's part of a run's figures. */
export interface CenterSummary {
  name: string;
  orders: number;
  stockouts: number;
  meanInventory: number;
  rateChanges: number;
  holdingCost: number;
}

export interface DeliveryCosts {
  holding: number;
  machine: number;
  changes: number;
  total: number;
}

/** A product-delivery network simulated on one seed; `run()` it to the horizon, or step it from outside. */
export class DeliverySimulation {
  readonly env = new Environment(0);
  readonly centers: CenterState[];
  readonly orders: DeliveryOrder[] = [];
  readonly rateChanges: RateChange[] = [];
  /** The delay drawn for every rate change started, whether or not it changed the rate in the end. */
  readonly delays: number[] = [];
  /** The cost of each day that has ended. */
  readonly dailyCosts: number[] = [];
  readonly horizon: number;
  private readonly streams: KeyedStreams;
  private readonly random: Random;
  /** Per distributor (in the model's order), the center its orders go to: the nearest that is up. */
  readonly routes: readonly number[];
  private lastDayTotal = 0;
  private finished = false;

  constructor(
    readonly setup: RunSetup,
    seed: number,
    replication = 0,
  ) {
    this.streams = new KeyedStreams(replicationSeed(seed, replication));
    this.random = this.streams.random;
    this.horizon = setup.weeks * HOURS_PER_WEEK;
    this.centers = setup.centers.map((c) => ({
      setup: c,
      policy: c.policy,
      inventory: c.initialInventory,
      updatedAt: 0,
      rate: c.up ? c.initialRate : 0,
      pending: undefined,
      queue: [],
      inventoryHours: 0,
      changes: 0,
      changesStarted: 0,
      orders: 0,
      stockouts: 0,
      recent: [],
      wake: 0,
      outagesNow: 0,
    }));
    const up = setup.centers.map((c, i) => ({ c, i })).filter(({ c }) => c.up);
    const upCenters = up.map(({ c }) => c);
    this.routes = setup.model.distributors.map((d) => up[nearestIndex(d, upCenters)]!.i);
    this.env.process(this.orderChecks());
    this.env.process(this.reviews());
    this.env.process(this.days());
    for (const c of this.centers) {
      for (const outage of c.setup.outages) {
        if (c.setup.up && outage.from < this.horizon) this.env.process(this.outage(c, outage));
      }
    }
  }

  /** Runs to the horizon and closes the books. */
  run(): this {
    this.env.run({ until: this.horizon });
    this.finish();
    return this;
  }

  /** Brings every center up to the horizon and books the last day; the run's figures are final. */
  finish(): void {
    if (this.finished) return;
    for (const c of this.centers) this.advance(c, this.horizon);
    this.closeDays(this.horizon);
    this.finished = true;
  }

  /** Units a center makes an hour right now (nothing while its store is full and nobody waits). */
  output(c: CenterState): number {
    return c.setup.up && c.outagesNow === 0 ? c.rate + c.setup.extraRate : 0;
  }

  /** Puts a center under manual control and asks for `rate`; it takes effect after the delay. */
  setManualRate(center: number, rate: number): void {
    const c = this.centers[center]!;
    if (!c.setup.up) return;
    c.policy = { type: 'manual' };
    this.request(c, rate);
  }

  /** Brings a center's inventory, waiting orders and holding integral up to time `t`. */
  advance(c: CenterState, t: number): void {
    let now = c.updatedAt;
    if (t < now) return;
    const r = this.output(c);
    while (c.queue.length > 0 && now <= t) {
      const head = c.queue[0]!;
      if (head.remaining - r * (t - now) <= EPSILON) {
        now = r > 0 ? Math.min(t, now + head.remaining / r) : now;
        head.order.fulfilledAt = now;
        c.queue.shift();
      } else if (now === t) {
        break;
      } else {
        head.remaining -= r * (t - now);
        now = t;
      }
    }
    if (c.queue.length === 0 && now < t) {
      const span = t - now;
      const untilFull = r > 0 ? (c.setup.capacity - c.inventory) / r : Number.POSITIVE_INFINITY;
      if (untilFull >= span) {
        c.inventoryHours += c.inventory * span + (r * span * span) / 2;
        c.inventory = Math.min(c.setup.capacity, c.inventory + r * span);
      } else {
        c.inventoryHours += c.inventory * untilFull + (r * untilFull * untilFull) / 2;
        c.inventoryHours += c.setup.capacity * (span - untilFull);
        c.inventory = c.setup.capacity;
      }
    }
    c.updatedAt = t;
  }

  /** Units owed to the orders waiting at a center. */
  owed(c: CenterState): number {
    return c.queue.reduce((sum, w) => sum + w.remaining, 0);
  }

  /** The rate a center runs at, or will once its pending change takes effect. */
  target(c: CenterState): number {
    return c.pending?.target ?? c.rate;
  }

  /** Costs from the start to time `t` (every center brought up to `t` first). */
  costsAt(t: number): DeliveryCosts {
    const { costs } = this.setup.model;
    let inventoryHours = 0;
    let changes = 0;
    let running = 0;
    for (const c of this.centers) {
      this.advance(c, t);
      inventoryHours += c.inventoryHours;
      changes += c.changes;
      if (c.setup.up) running++;
    }
    const holding = costs.holdingPerUnitHour * inventoryHours;
    const machine = costs.machinePerHour * running * t;
    const change = costs.perRateChange * changes;
    return { holding, machine, changes: change, total: holding + machine + change };
  }

  /** The KPIs of the run so far (at the horizon, after `finish`, the run's). */
  kpis(): DeliveryKpis {
    const t = this.finished ? this.horizon : this.env.now;
    const { withinHours, limitHours } = this.setup.model.targets;
    let sum = 0;
    let within = 0;
    let over = 0;
    for (const o of this.orders) {
      // An order still waiting counts with its wait so far, and never as on target.
      const hours = (o.fulfilledAt ?? t) - o.placedAt;
      sum += hours;
      if (o.fulfilledAt !== undefined && hours <= withinHours) within++;
      if (hours > limitHours) over++;
    }
    const n = this.orders.length;
    const costs = this.costsAt(t);
    const days = t / HOURS_PER_DAY;
    const upCenters = this.centers.filter((c) => c.setup.up);
    return {
      meanFulfilmentHours: n === 0 ? 0 : sum / n,
      withinTargetShare: n === 0 ? 100 : (100 * within) / n,
      overLimitShare: n === 0 ? 0 : (100 * over) / n,
      stockouts: upCenters.reduce((s, c) => s + c.stockouts, 0),
      meanInventory: t === 0 ? 0 : upCenters.reduce((s, c) => s + c.inventoryHours, 0) / t,
      rateChanges: upCenters.reduce((s, c) => s + c.changes, 0),
      meanDailyCost: days === 0 ? 0 : costs.total / days,
      holdingCostPerDay: days === 0 ? 0 : costs.holding / days,
      orders: n,
    };
  }

  /** Per center that is up, its share of the KPIs so far: orders, stockouts, mean inventory, rate changes. */
  centerSummaries(): CenterSummary[] {
    const t = this.finished ? this.horizon : this.env.now;
    return this.centers
      .filter((c) => c.setup.up)
      .map((c) => {
        this.advance(c, t);
        return {
          name: c.setup.name,
          orders: c.orders,
          stockouts: c.stockouts,
          meanInventory: t === 0 ? c.inventory : c.inventoryHours / t,
          rateChanges: c.changes,
          holdingCost: this.setup.model.costs.holdingPerUnitHour * c.inventoryHours,
        };
      });
  }

  private *orderChecks() {
    const { model } = this.setup;
    const hours = [...new Set(model.orderCheckHours)].sort((a, b) => a - b);
    const days = this.setup.weeks * 7;
    for (let day = 0; day < days; day++) {
      const multiplier = this.setup.demandOn(day);
      for (const hour of hours) {
        const at = day * HOURS_PER_DAY + hour;
        yield this.env.timeout(at - this.env.now);
        model.distributors.forEach((d, i) => {
          this.streams.select(nameKey(d.name), day * HOURS_PER_DAY + hour, ORDER_STREAM);
          if (!(this.random.next() < d.orderProbability[day % 7]!)) return;
          const size = d.orderSize ?? model.orderSize;
          const drawn = this.random.normal(size.mean, size.sd);
          const quantity = Math.max(size.min, Math.round(drawn * multiplier));
          if (multiplier > 0) this.place(d.name, this.routes[i]!, quantity);
        });
      }
    }
  }

  private place(distributor: string, center: number, quantity: number): void {
    const c = this.centers[center]!;
    const now = this.env.now;
    this.advance(c, now);
    const order: DeliveryOrder = { distributor, center, quantity, placedAt: now, waited: false };
    this.orders.push(order);
    c.orders++;
    c.recent.push({ at: now, quantity });
    if (c.queue.length === 0 && c.inventory >= quantity) {
      c.inventory -= quantity;
      order.fulfilledAt = now;
      return;
    }
    order.waited = true;
    c.stockouts++;
    // The units on hand are set aside for it; the rest it waits for.
    const taken = c.queue.length === 0 ? c.inventory : 0;
    c.inventory -= taken;
    c.queue.push({ order, remaining: quantity - taken });
    this.scheduleWake(c);
  }

  /** An event when the first waiting order will be complete, so that it ships on time. */
  private scheduleWake(c: CenterState): void {
    const token = ++c.wake;
    const r = this.output(c);
    if (c.queue.length === 0 || r <= 0) return;
    const at = c.queue[0]!.remaining / r;
    this.env.timeout(at).addCallback(() => {
      if (token !== c.wake) return;
      this.advance(c, this.env.now);
      this.scheduleWake(c);
    });
  }

  /** Asks for a new rate: it takes effect after an exponential delay; a later ask replaces a pending one. */
  request(c: CenterState, rate: number): void {
    const target = Math.max(0, Math.min(c.setup.rateCap, MAX_RATE, rate));
    if (c.pending !== undefined) {
      c.pending.target = target;
      return;
    }
    if (target === c.rate) return;
    this.streams.select(nameKey(c.setup.name), c.changesStarted++, DELAY_STREAM);
    const delay = this.random.exponential(this.setup.model.rateChangeDelayHours);
    this.delays.push(delay);
    const requestedAt = this.env.now;
    c.pending = { target, requestedAt };
    this.env.timeout(delay).addCallback(() => {
      const now = this.env.now;
      this.advance(c, now);
      const from = c.rate;
      const to = c.pending!.target;
      c.pending = undefined;
      if (to === from) return;
      c.rate = to;
      c.changes++;
      this.rateChanges.push({ center: c.setup.name, requestedAt, delay: now - requestedAt, from, to });
      this.scheduleWake(c);
    });
  }

  private *reviews() {
    const { reviewHours, deadband } = this.setup.model;
    for (;;) {
      yield this.env.timeout(reviewHours);
      const now = this.env.now;
      for (const c of this.centers) {
        if (!c.setup.up) continue;
        this.advance(c, now);
        const wanted = this.policyRate(c, now);
        if (wanted === undefined) continue;
        if (Math.abs(wanted - this.target(c)) >= deadband || (wanted === 0) !== (this.target(c) === 0)) {
          this.request(c, wanted);
        }
      }
    }
  }

  /** The rate a center's policy asks for now, or undefined if it asks for nothing. */
  policyRate(c: CenterState, now: number): number | undefined {
    const p = c.policy;
    const position = c.inventory - this.owed(c);
    switch (p.type) {
      case 'static':
        return p.rate;
      case 'manual':
        return undefined;
      case 'linear': {
        const shortfall = Math.max(0, Math.min(1, (p.threshold - position) / p.threshold));
        return p.minRate + (p.maxRate - p.minRate) * shortfall;
      }
      case 'demand': {
        const from = now - p.windowHours;
        while (c.recent.length > 0 && c.recent[0]!.at <= from) c.recent.shift();
        const span = Math.min(p.windowHours, now);
        if (span <= 0) return undefined;
        const demand = c.recent.reduce((s, o) => s + o.quantity, 0) / span;
        const correction =
          p.targetInventory === undefined ? 0 : (p.targetInventory - position) / p.correctionHours;
        return Math.max(0, Math.min(MAX_RATE, p.factor * demand + correction));
      }
    }
  }

  /** A machine outage: production stops at its start and resumes at its end. */
  private *outage(c: CenterState, { from, to }: { from: number; to: number }) {
    yield this.env.timeout(from);
    this.advance(c, this.env.now);
    c.outagesNow++;
    this.scheduleWake(c);
    yield this.env.timeout(to - from);
    this.advance(c, this.env.now);
    c.outagesNow--;
    this.scheduleWake(c);
  }

  private *days() {
    for (;;) {
      yield this.env.timeout(HOURS_PER_DAY);
      this.closeDays(this.env.now);
    }
  }

  /** Books the cost of every whole day that ended by `t`. */
  private closeDays(t: number): void {
    const ended = Math.floor(t / HOURS_PER_DAY + 1e-9);
    while (this.dailyCosts.length < ended) {
      const total = this.costsAt((this.dailyCosts.length + 1) * HOURS_PER_DAY).total;
      this.dailyCosts.push(total - this.lastDayTotal);
      this.lastDayTotal = total;
    }
  }
}
