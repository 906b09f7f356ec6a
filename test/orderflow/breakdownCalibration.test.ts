// Monte Carlo with a station's failure model is calibrated: over many plants whose machine really
// breaks down as the model says, the real completion of an order lies between the forecast's P10
// and P90 about as often as it should, and about half the time below its P50.
import { describe, expect, it } from 'vitest';
import {
  forecastMonteCarlo,
  type PlannedMaintenance,
  type PlantOrder,
  parsePlantModel,
  runPlant,
  type StationState,
  snapshotAt,
} from '../../orderflow/index.ts';
import { Random } from '../../sim-core/random/Random.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);

/** One press, 6 minutes a part; it breaks down every 90 minutes of work on average, for 10 to 30. */
const MODEL = parsePlantModel({
  name: 'breakdown-calibration',
  timeUnit: 'min',
  stations: [
    {
      id: 'press',
      capacity: 1,
      failures: {
        timeBetweenFailures: { dist: 'exponential', mean: 90 },
        timeToRepair: { dist: 'uniform', min: 10, max: 30 },
      },
    },
  ],
  products: [{ id: 'part', routing: [{ step: 'press', kind: 'operation', station: 'press', duration: 6 }] }],
  defaultProduct: 'part',
});

/**
 * The press's breakdowns in one plant, as the failure model has them: up for a draw of the time
 * between failures, then down for a draw of the time to repair, and again, from `from` to `until`.
 */
function breakdowns(random: Random, from: number, until: number): PlannedMaintenance[] {
  const windows: PlannedMaintenance[] = [];
  for (let t = from + random.exponential(90 * MIN); t < until; ) {
    const repair = (10 + 20 * random.next()) * MIN;
    windows.push({ maintenanceId: `b${windows.length}`, station: 'press', from: t, to: t + repair });
    t += repair + random.exponential(90 * MIN);
  }
  return windows;
}

/**
 * What the plant has said of the press by `asOf`: its latest StationDown or StationUp (the state
 * keeps the latest only); nothing when it has not broken down yet.
 */
function pressState(windows: readonly PlannedMaintenance[], asOf: number): StationState[] {
  const last = windows.findLast((w) => w.from <= asOf);
  if (last === undefined) return [];
  return last.to > asOf
    ? [{ station: 'press', down: true, since: last.from }]
    : [{ station: 'press', down: false, since: last.to }];
}

/**
 * Plants of the model, each forecast at a random moment with what the plant has said, and compared
 * with what then happens. Orders come every 8 minutes on average from 06:00 to the snapshot (drawn
 * between 08:00 and 10:00): with breakdowns the press is out or busy about 90 % of the time, so queues form
 * and a breakdown pushes back the orders behind it. The truth is the plant run to the end with its
 * breakdowns; no order is accepted after the snapshot (the forecast does not foresee new ones).
 *
 * How many: the orders of one snapshot share its breakdowns, so the snapshots must be many: 400
 * snapshots give 1,542 forecasts of an order, 347 of them made while the press is down. With these
 * seeds, 84.7 % of the real ends lie within P10–P90, 73.8 % of those forecast while it is down.
 */
function calibration() {
  const snapshots = 400;
  let orders = 0;
  let inRange = 0;
  let belowMedian = 0;
  let strictlyBelowMedian = 0;
  let behindDown = 0;
  let inRangeBehindDown = 0;
  for (let s = 1; s <= snapshots; s++) {
    const random = new Random(200_000 + s);
    const asOf = T0 + (120 + 120 * random.next()) * MIN;
    const plantOrders: PlantOrder[] = [];
    for (let at = T0 + random.exponential(8 * MIN); at <= asOf; at += random.exponential(8 * MIN)) {
      plantOrders.push({ orderId: `o${String(plantOrders.length).padStart(3, '0')}`, acceptedAt: at });
    }
    const windows = breakdowns(random, T0, asOf + 48 * 60 * MIN);
    const plant = runPlant(plantOrders, MODEL, { maintenance: windows });
    const stations = pressState(windows, asOf);
    const active = {
      asOf,
      orders: snapshotAt(plant, asOf).orders.filter((o) => o.status !== 'finished'),
      stations,
    };

    const result = forecastMonteCarlo(active, MODEL, { replications: 100, seed: s });

    for (const o of result.orders) {
      const end = plant.get(o.orderId)!.completedAt;
      orders++;
      if (o.completedAtP10! <= end && end <= o.completedAtP90!) inRange++;
      if (end <= o.completedAtP50!) belowMedian++;
      if (end < o.completedAtP50!) strictlyBelowMedian++;
      if (stations[0]?.down) {
        behindDown++;
        if (o.completedAtP10! <= end && end <= o.completedAtP90!) inRangeBehindDown++;
      }
    }
  }
  return {
    orders,
    inRange: inRange / orders,
    belowMedian: belowMedian / orders,
    strictlyBelowMedian: strictlyBelowMedian / orders,
    behindDown,
    inRangeBehindDown: inRangeBehindDown / behindDown,
  };
}

describe('Monte Carlo with a failure model', () => {
  it('holds the real completion between P10 and P90 70 to 90 % of the time, about half below P50', () => {
    const { orders, inRange, belowMedian, strictlyBelowMedian, behindDown, inRangeBehindDown } =
      calibration();

    expect(orders).toBeGreaterThan(1_000);
    expect(inRange).toBeGreaterThanOrEqual(0.7);
    expect(inRange).toBeLessThanOrEqual(0.9);
    // Most draws of a short horizon see no breakdown, so many forecasts put P50 on the same instant
    // as the real end: calibrated, a real end falls below P50 at most half the time, and at or
    // below it at least half the time.
    expect(strictlyBelowMedian).toBeLessThanOrEqual(0.6);
    expect(belowMedian).toBeGreaterThanOrEqual(0.4);
    // Forecasts made while the press is down: its repair still to come is drawn, longer than it has
    // lasted already (with the conditional mean in every draw instead, some 40 % of these are in range).
    expect(behindDown).toBeGreaterThan(200);
    expect(inRangeBehindDown).toBeGreaterThanOrEqual(0.65);
  }, 120_000);
});
