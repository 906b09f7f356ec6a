// The emulator's scenarios, each seeded and reproducible, for any plant model: `demo` (the seed
// article's sample flow, on the demo plant), `steady` (random orders of the model's products, due
// dates, supplier slips, for hours of plant time), `load` (a fixed event rate, for stress tests) and
// `breakdowns` (steady's orders, with stations that fail and are repaired, and a planned maintenance).

import { demoOrders } from '../orderflow/demo.ts';
import type { PlantModel } from '../orderflow/model/plantModel.ts';
import { modelSamplers, type ResolvedModel, type ResolvedProduct } from '../orderflow/model/resolveModel.ts';
import { orderFlowModel } from '../orderflow/models/index.ts';
import { Random, type Seed } from '../sim-core/index.ts';
import type { EmulatedOrder, PlantOutages } from './plant.ts';

const MIN = 60_000;

export const SCENARIOS = ['demo', 'steady', 'load', 'breakdowns'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** A scenario that does not fit the model (the demo on another plant). */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

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
  /** Stations that take any number of orders at once (`load`: a plant that never queues). */
  unlimitedStations: boolean;
  /** `breakdowns`: the units that fail and are repaired, and the maintenance planned ahead. */
  outages?: PlantOutages;
}

/** What a model's process looks like, whatever its times: stations, and each product's routing. */
function shapeOf(model: PlantModel): string {
  return JSON.stringify({
    stations: model.stations.map((s) => s.id),
    products: model.products.map((p) => ({
      id: p.id,
      routing: p.routing.map((s) => [s.step, s.kind, s.kind === 'operation' ? s.station : '']),
    })),
    defaultProduct: model.defaultProduct ?? null,
  });
}

const DEMO_SHAPE = shapeOf(orderFlowModel);

/** The scenarios that fit `model`: `demo` only on the demo plant (any times), the others on any model. */
export function scenariosFor(model: PlantModel): ScenarioName[] {
  return shapeOf(model) === DEMO_SHAPE ? [...SCENARIOS] : SCENARIOS.filter((name) => name !== 'demo');
}

/** The scenario to run when none is asked for: the demo on the demo plant, else steady. */
export function defaultScenario(model: PlantModel): ScenarioName {
  return scenariosFor(model)[0]!;
}

/** Throws a ScenarioError when `name` does not fit `model`, naming both and the scenarios that do. */
export function checkScenario(name: ScenarioName, model: PlantModel): void {
  const fitting = scenariosFor(model);
  if (fitting.includes(name)) return;
  throw new ScenarioError(
    `scenario ${name} is the seed article's four orders on the demo plant (${orderFlowModel.name}), and model ` +
      `${model.name} is another plant: its scenarios are ${fitting.slice(0, -1).join(', ')} and ${fitting.at(-1)}`,
  );
}

/** The orders of scenario `name` on the plant `resolved`; a ScenarioError if it does not fit. */
export function scenario(name: ScenarioName, resolved: ResolvedModel, options: ScenarioOptions): Scenario {
  checkScenario(name, resolved.model);
  switch (name) {
    case 'demo':
      return { name, unlimitedStations: false, orders: demo(options.start, resolved) };
    case 'steady':
      return { name, unlimitedStations: false, orders: steady(options, resolved) };
    case 'load':
      return { name, unlimitedStations: true, orders: load(options, resolved) };
    case 'breakdowns':
      return {
        name,
        unlimitedStations: false,
        orders: steady(options, resolved),
        outages: breakdowns(options, resolved),
      };
  }
}

/**
 * The seed flow, exactly: order 2's supplier slips by a third, announced 5 minutes in; lead times
 * and the slip are the article's, operations take the model's mean times.
 */
function demo(start: number, resolved: ResolvedModel): EmulatedOrder[] {
  const product = resolved.defaultProduct;
  const promisedLead = modelSamplers(resolved, new Random(0), true).steps[product.index]![product.material]!
    .mean;
  return demoOrders(start).map((o) => ({
    orderId: o.orderId,
    acceptedAt: o.acceptedAt,
    ...(o.dueAt !== undefined && { dueAt: o.dueAt }),
    material: {
      promisedLead,
      actualLead: o.leadTime ?? promisedLead,
      ...(o.etaUpdates?.[0] && { announceAfter: o.etaUpdates[0].at - o.acceptedAt }),
    },
    deliveryAfter: 5 * MIN,
  }));
}

/** How busy the steady scenario keeps the model's busiest station (the demo plant: an order every 12 minutes). */
const STEADY_UTILISATION = 5 / 6;

/**
 * The mean time between orders that keeps the busiest station `STEADY_UTILISATION` busy, when
 * orders are of every product alike (at least a second).
 */
function meanInterArrival(resolved: ResolvedModel, means: number[][]): number {
  const work = new Array<number>(resolved.stations.length).fill(0);
  for (const product of resolved.products) {
    for (const step of product.routing) {
      if (step.station === undefined) continue;
      work[step.station.index]! += means[product.index]![step.index]! / resolved.products.length;
    }
  }
  const busiest = Math.max(0, ...resolved.stations.map((s) => work[s.index]! / s.capacity));
  return Math.max(1_000, busiest / STEADY_UTILISATION);
}

/**
 * Orders of the model's products, alike in number, at random, the busiest station busy five sixths
 * of the time (the demo plant: an order every 12 minutes on average), each due 3 to 9 times its
 * product's mean flow time after acceptance (the demo plant: 1 to 3 hours). Suppliers promise about
 * the model's lead time (0.8 to 1.5 times a draw of it); a third of them slip by 20 % to 100 %, and
 * of those most announce it (often late, after the promised time), some never do. Operations take a
 * draw of the model's duration, times a factor of mean 1 and spread 0.15, never exactly the model's.
 */
function* steady(
  { start, seed, duration }: ScenarioOptions,
  resolved: ResolvedModel,
): Generator<EmulatedOrder> {
  const r = new Random(seed);
  const draws = modelSamplers(resolved, r, false).steps;
  const means = modelSamplers(resolved, r, true).steps.map((steps) => steps.map((s) => s.mean));
  const flowTime = means.map((steps) => steps.reduce((sum, m) => sum + m, 0));
  const interArrival = meanInterArrival(resolved, means);
  const products = resolved.products;
  const draw = (product: ResolvedProduct, i: number) => Math.max(0, draws[product.index]![i]!.sample());
  for (let t = start, n = 1; t < start + duration; t += r.exponential(interArrival), n++) {
    const acceptedAt = Math.round(t);
    const product = products.length === 1 ? products[0]! : products[r.integer(0, products.length - 1)]!;
    let material: EmulatedOrder['material'];
    const durations: Record<string, number> = {};
    for (const step of product.routing) {
      if (step.kind === 'material') {
        const promisedLead = Math.round(draw(product, step.index) * r.triangular(0.8, 1, 1.5));
        const slips = r.next() < 1 / 3;
        const actualLead = slips ? Math.round(promisedLead * r.uniform(1.2, 2)) : promisedLead;
        const announces = slips && r.next() < 0.85;
        material = {
          promisedLead,
          actualLead,
          ...(announces && {
            announceAfter: Math.round(r.uniform(0.3, 1.1) * Math.min(promisedLead, actualLead - 1)),
          }),
        };
      } else {
        durations[step.step] = Math.round(draw(product, step.index) * r.truncatedNormal(1, 0.15));
      }
    }
    yield {
      orderId: `order-${String(n).padStart(4, '0')}`,
      acceptedAt,
      ...(products.length > 1 && { product: product.id }),
      dueAt: acceptedAt + Math.round(r.uniform(3, 9) * flowTime[product.index]!),
      priority: r.integer(1, 3),
      ...(material && { material }),
      durations,
      deliveryAfter: Math.round(r.uniform(0.25, 0.75) * flowTime[product.index]!),
    };
  }
}

/** Events an order of `product` sends in the load scenario: accepted, its material's three, two per operation, delivered. */
function loadEvents(product: ResolvedProduct): number {
  return product.routing.reduce((n, step) => n + (step.kind === 'material' ? 3 : 2), 2);
}

/**
 * Orders that produce `rate` events per wall-clock second at the given speed: the model's products
 * in turn, each step a second or two, every supplier slipping and saying so, on stations that never
 * queue (the demo plant: seven events per order within a few plant seconds).
 */
function* load(
  { start, seed, duration, rate, speed }: ScenarioOptions,
  resolved: ResolvedModel,
): Generator<EmulatedOrder> {
  const r = new Random(seed);
  const products = resolved.products;
  const perOrder = products.reduce((n, p) => n + loadEvents(p), 0) / products.length;
  // Without pacing (speed max) the rate is per second of plant time.
  const interval = (perOrder * 1000 * (Number.isFinite(speed) ? speed : 1)) / rate;
  for (let t = start, n = 1; t < start + duration; t += interval, n++) {
    const product = products[(n - 1) % products.length]!;
    yield {
      orderId: `load-${n}`,
      acceptedAt: Math.round(t),
      ...(products.length > 1 && { product: product.id }),
      ...(product.material >= 0 && {
        material: { promisedLead: 1000, actualLead: 1500 + r.integer(0, 100), announceAfter: 200 },
      }),
      durations: Object.fromEntries(
        product.routing.filter((s) => s.kind === 'operation').map((s) => [s.step, 1000]),
      ),
      deliveryAfter: 500,
    };
  }
}

/** Time between failures of a unit without a failure model, in steady's mean times between orders (the demo plant: 4 h). */
const DEFAULT_FAILURES_APART = 20;
/** Time to repair without a failure model, in steady's mean times between orders (the demo plant: 10 to 30 min). */
const DEFAULT_REPAIR = [5 / 6, 5 / 2] as const;
/** The share of StationDown events that say when the unit is expected back. */
const EXPECTED_UP_SHARE = 0.7;

/**
 * The outages of the breakdowns scenario over `duration` from `start`: each unit of each station
 * fails after a drawn time between failures and is repaired after a drawn time to repair, again and
 * again (the station's `failures` model; without one, exponential times between failures of mean 20
 * times steady's mean time between orders, repairs uniform from 5/6 to 5/2 of it: on the demo plant
 * every 4 h and 10 to 30 min). Most StationDown events say when the unit is expected up (an estimate
 * within −20 % to +30 % of the real repair), some do not. One maintenance of a station (every unit),
 * of 2 to 4 times between orders, starts between 30 % and 60 % of the duration and is announced a
 * tenth to a quarter of the duration before; no unit breaks down while in it. Its own random
 * numbers (drawn from the seed), so that its orders are steady's of the same seed.
 */
function breakdowns({ start, seed, duration }: ScenarioOptions, resolved: ResolvedModel): PlantOutages {
  // A stream of its own, seeded by the seed's first draw: the orders stay steady's of the same seed.
  const own = new Random(new Random(seed).integer(0, 2 ** 31 - 1));
  const means = modelSamplers(resolved, own, true).steps.map((steps) => steps.map((s) => s.mean));
  const apart = meanInterArrival(resolved, means);
  const end = start + duration;
  const stations = resolved.stations;
  const chosen = stations[own.integer(0, stations.length - 1)]!;
  const from = Math.round(start + own.uniform(0.3, 0.6) * duration);
  const maintenance = {
    maintenanceId: `maintenance-${chosen.id}-1`,
    station: chosen.id,
    from,
    to: Math.round(from + own.uniform(2, 4) * apart),
    announcedAt: Math.max(start, Math.round(from - own.uniform(0.1, 0.25) * duration)),
  };
  const samplers = modelSamplers(resolved, own, false).failures;
  const outages: PlantOutages = { breakdowns: [], maintenance: [maintenance] };
  for (const station of stations) {
    const failures = samplers[station.index];
    const between = () =>
      failures === undefined
        ? own.exponential(DEFAULT_FAILURES_APART * apart)
        : failures.timeBetweenFailures.sample();
    const repair = () =>
      failures === undefined
        ? own.uniform(DEFAULT_REPAIR[0] * apart, DEFAULT_REPAIR[1] * apart)
        : failures.timeToRepair.sample();
    for (let unit = 1; unit <= station.capacity; unit++) {
      let t = start;
      for (;;) {
        t += Math.max(1_000, between());
        if (t >= end) break;
        // A unit in maintenance does not fail: it is down from when the maintenance ends.
        if (station === chosen && t >= maintenance.from && t < maintenance.to) t = maintenance.to;
        const down = Math.round(t);
        let up = Math.round(t + Math.max(1_000, repair()));
        // A repair runs into no maintenance: it ends when the maintenance begins, the rest is maintenance.
        if (station === chosen && down < maintenance.from && up > maintenance.from) up = maintenance.from;
        const says = own.next() < EXPECTED_UP_SHARE;
        const estimate = Math.round(down + (up - down) * own.uniform(0.8, 1.3));
        outages.breakdowns.push({
          station: station.id,
          ...(station.capacity > 1 && { unit }),
          from: down,
          to: up,
          ...(says && { expectedUpAt: Math.max(estimate, down + 1_000) }),
        });
        t = up;
      }
    }
  }
  outages.breakdowns.sort(
    (a, b) => a.from - b.from || (a.station < b.station ? -1 : 1) || (a.unit ?? 0) - (b.unit ?? 0),
  );
  return outages;
}
