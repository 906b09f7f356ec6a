// The emulator's scenarios, each seeded and reproducible: `demo` (the seed article's sample flow),
// `steady` (random arrivals, due dates, supplier slips, for hours of plant time) and `load` (a fixed
// event rate, for stress tests).

import { demoOrders } from '../orderflow/index.ts';
import { Random, type Seed } from '../sim-core/index.ts';
import type { EmulatedOrder } from './plant.ts';

const MIN = 60_000;

export const SCENARIOS = ['demo', 'steady', 'load'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioOptions {
  /** Plant time at which the scenario starts (epoch ms). */
  start: number;
  seed: Seed;
  /** How long orders keep arriving (plant time, ms). */
  duration: number;
  /** `load`: events per second of wall-clock time at the given speed. */
  rate: number;
  speed: number;
}

export interface Scenario {
  name: ScenarioName;
  orders: Iterable<EmulatedOrder>;
  /** Production lines of the emulated plant. */
  lines: number;
}

/** The orders of scenario `name`. */
export function scenario(name: ScenarioName, options: ScenarioOptions): Scenario {
  switch (name) {
    case 'demo':
      return { name, lines: 1, orders: demo(options.start) };
    case 'steady':
      return { name, lines: 1, orders: steady(options) };
    case 'load':
      return { name, lines: 1_000_000, orders: load(options) };
  }
}

/** The seed flow, exactly: order 2's supplier slips by a third, announced 5 minutes in. */
function demo(start: number): EmulatedOrder[] {
  return demoOrders(start).map((o) => ({
    orderId: o.orderId,
    acceptedAt: o.acceptedAt,
    ...(o.dueAt !== undefined && { dueAt: o.dueAt }),
    promisedLead: 10 * MIN,
    actualLead: o.leadTime ?? 10 * MIN,
    ...(o.etaUpdates?.[0] && { announceAfter: o.etaUpdates[0].at - o.acceptedAt }),
    productionTime: 10 * MIN,
    deliveryAfter: 5 * MIN,
  }));
}

/**
 * Orders every 12 minutes on average, due 1 to 3 hours after acceptance. Suppliers promise 8 to 15
 * minutes; a third of them slip (by 20 % to 100 %), and of those, most announce it (often late,
 * after the promised time), some never do. Production takes about 10 minutes, never exactly.
 */
function* steady({ start, seed, duration }: ScenarioOptions): Generator<EmulatedOrder> {
  const r = new Random(seed);
  for (let t = start, n = 1; t < start + duration; t += r.exponential(12 * MIN), n++) {
    const acceptedAt = Math.round(t);
    const promisedLead = Math.round(r.triangular(8, 10, 15) * MIN);
    const slips = r.next() < 1 / 3;
    const actualLead = slips ? Math.round(promisedLead * r.uniform(1.2, 2)) : promisedLead;
    const announces = slips && r.next() < 0.85;
    yield {
      orderId: `order-${String(n).padStart(4, '0')}`,
      acceptedAt,
      dueAt: acceptedAt + Math.round(r.uniform(60, 180) * MIN),
      priority: r.integer(1, 3),
      promisedLead,
      actualLead,
      ...(announces && {
        announceAfter: Math.round(r.uniform(0.3, 1.1) * Math.min(promisedLead, actualLead - 1)),
      }),
      productionTime: Math.round(r.truncatedNormal(10, 1.5) * MIN),
      deliveryAfter: Math.round(r.uniform(5, 15) * MIN),
    };
  }
}

/**
 * Orders that produce `rate` events per wall-clock second at the given speed: each order emits 7
 * events within a few plant seconds, on lines that never queue.
 */
function* load({ start, seed, duration, rate, speed }: ScenarioOptions): Generator<EmulatedOrder> {
  const r = new Random(seed);
  // Without pacing (speed max) the rate is per second of plant time.
  const interval = (7 * 1000 * (Number.isFinite(speed) ? speed : 1)) / rate;
  for (let t = start, n = 1; t < start + duration; t += interval, n++) {
    yield {
      orderId: `load-${n}`,
      acceptedAt: Math.round(t),
      promisedLead: 1000,
      // Every supplier slips and says so: seven events per order, a steady rate.
      actualLead: 1500 + r.integer(0, 100),
      announceAfter: 200,
      productionTime: 1000,
      deliveryAfter: 500,
    };
  }
}
