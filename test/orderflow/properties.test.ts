// Laws of the forecast, for all inputs: a forecast from a mid-run snapshot equals the run
// continued, the order of the snapshot's orders never matters, and a Monte Carlo forecast's spread
// is ordered and never reaches back before the snapshot.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  forecast,
  forecastMonteCarlo,
  orderFlowModel,
  type PlantOrder,
  runPlant,
  snapshotAt,
} from '../../orderflow/index.ts';
import { stepEnd, stepStart } from './spans.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

interface Scenario {
  orders: PlantOrder[];
  lines: number;
  queueRule: 'fifo' | 'priority' | 'due-date';
  /** When the snapshot is taken: after every acceptance and every ETA announcement. */
  snapshotAt: number;
}

/**
 * Orders with ETA slips (or early arrivals) announced before the snapshot, on 1 to 3 lines. Times
 * are whole minutes, so that simultaneous arrivals, finishes and snapshots are frequent.
 */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    gaps: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 14 }),
    leads: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 14, maxLength: 14 }),
    announce: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 14, maxLength: 14 }),
    priorities: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 14, maxLength: 14 }),
    dues: fc.array(fc.integer({ min: 10, max: 120 }), { minLength: 14, maxLength: 14 }),
    lines: fc.integer({ min: 1, max: 3 }),
    queueRule: fc.constantFrom('fifo' as const, 'priority' as const, 'due-date' as const),
    after: fc.integer({ min: 0, max: 90 * 60 }),
  })
  .map(({ gaps, leads, announce, priorities, dues, lines, queueRule, after }) => {
    let t = T0;
    let lastKnown = T0;
    const orders = gaps.map((gap, i): PlantOrder => {
      t += gap * MIN;
      const leadTime = leads[i]! * MIN;
      const order: PlantOrder = {
        orderId: `o${String(i).padStart(2, '0')}`,
        acceptedAt: t,
        leadTime,
        priority: priorities[i]!,
        dueAt: t + dues[i]! * MIN,
      };
      lastKnown = Math.max(lastKnown, t);
      if (leadTime !== 10 * MIN) {
        // The supplier announces the real ETA before the material arrives (and before the snapshot).
        const at = t + Math.floor(announce[i]! * Math.min(leadTime, 10 * MIN));
        order.etaUpdates = [{ at, eta: t + leadTime }];
        lastKnown = Math.max(lastKnown, at);
      }
      return order;
    });
    return { orders, lines, queueRule, snapshotAt: lastKnown + after * 1000 };
  });

describe('forecast properties', () => {
  it('equals the run continued when nothing unforeseen happens after the snapshot', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const parameters = { lines: s.lines, queueRule: s.queueRule };
        const plant = runPlant(s.orders, undefined, { parameters });

        const result = forecast(snapshotAt(plant, s.snapshotAt), undefined, { parameters });

        expect(result.orders).toHaveLength(s.orders.length);
        for (const o of result.orders) {
          const [material, production] = plant.get(o.orderId)!.steps;
          // A step that takes no time has no span: it ends when the next begins.
          expect(stepEnd(o, 'material') ?? material!.end, `${o.orderId} material`).toBe(material!.end);
          expect(stepStart(o, 'production'), `${o.orderId} start`).toBe(production!.start);
          expect(o.completedAt, `${o.orderId} end`).toBe(production!.end);
        }
        expect(result.warnings).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('equals the run continued when the line is maintained, before, across or after the snapshot (resume and restart)', () => {
    const windows = fc.array(
      fc.record({ from: fc.integer({ min: 0, max: 150 }), length: fc.integer({ min: 1, max: 40 }) }),
      { maxLength: 3 },
    );
    fc.assert(
      fc.property(
        scenario,
        windows,
        fc.constantFrom('resume' as const, 'restart' as const),
        (s, w, interruption) => {
          const parameters = { lines: s.lines, queueRule: s.queueRule };
          const model = {
            ...orderFlowModel,
            stations: orderFlowModel.stations.map((st) => ({ ...st, interruption })),
          };
          const maintenance = w.map((m, i) => ({
            maintenanceId: `m${i}`,
            station: 'line',
            from: T0 + m.from * MIN,
            to: T0 + (m.from + m.length) * MIN,
          }));
          const plant = runPlant(s.orders, model, { parameters, maintenance });

          const result = forecast({ ...snapshotAt(plant, s.snapshotAt), maintenance }, model, { parameters });

          for (const o of result.orders) {
            const production = plant.get(o.orderId)!.steps[1]!;
            expect(stepStart(o, 'production'), `${o.orderId} start`).toBe(production.start);
            expect(o.completedAt, `${o.orderId} end`).toBe(production.end);
          }
          expect(result.warnings).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals the run continued when the line works in shifts, the snapshot on or off shift (resume and restart, starting only what fits or not)', () => {
    // Monday 5 January 2026 (UTC) in short shifts with breaks of 10 to 60 minutes, the evening off.
    const day: [string, string][] = [
      ['08:00', '08:50'],
      ['09:10', '10:00'],
      ['10:30', '11:15'],
      ['11:25', '12:00'],
      ['13:00', '18:00'],
    ];
    fc.assert(
      fc.property(
        scenario,
        fc.constantFrom('resume' as const, 'restart' as const),
        fc.boolean(),
        (s, interruption, startOnlyIfFinishes) => {
          const parameters = { lines: s.lines, queueRule: s.queueRule };
          const model = {
            ...orderFlowModel,
            stations: orderFlowModel.stations.map((st) => ({
              ...st,
              interruption,
              shifts: { mon: day, tue: day, exceptions: {}, startOnlyIfFinishes },
            })),
          };
          const plant = runPlant(s.orders, model, { parameters });

          const result = forecast(snapshotAt(plant, s.snapshotAt), model, { parameters });

          for (const o of result.orders) {
            const production = plant.get(o.orderId)!.steps[1]!;
            expect(stepStart(o, 'production'), `${o.orderId} start`).toBe(production.start);
            expect(o.completedAt, `${o.orderId} end`).toBe(production.end);
          }
          expect(result.warnings).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never depends on the order of the snapshot’s orders', () => {
    fc.assert(
      fc.property(scenario, fc.integer(), (s, seed) => {
        const parameters = { lines: s.lines, queueRule: s.queueRule };
        const snapshot = snapshotAt(runPlant(s.orders, undefined, { parameters }), s.snapshotAt);
        const shuffled = fc.sample(
          fc.shuffledSubarray([...snapshot.orders], { minLength: snapshot.orders.length }),
          {
            seed,
            numRuns: 1,
          },
        )[0]!;

        const a = forecast(snapshot, undefined, { parameters });
        const b = forecast({ asOf: snapshot.asOf, orders: shuffled }, undefined, { parameters });

        expect(b).toEqual(a);
      }),
      { numRuns: 150 },
    );
  });

  it('splits every step at the snapshot into actual and forecast parts', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const plant = runPlant(s.orders, undefined, { parameters: { lines: s.lines } });
        const result = forecast(snapshotAt(plant, s.snapshotAt), undefined, {
          parameters: { lines: s.lines },
        });

        for (const o of result.orders) {
          for (const span of o.steps) {
            expect(span.end).toBeGreaterThan(span.start);
            if (span.actual) expect(span.end).toBeLessThanOrEqual(result.asOf);
            else expect(span.start).toBeGreaterThanOrEqual(result.asOf);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('spreads every order’s end in order (P10 ≤ P50 ≤ P90), from the snapshot on, around the same forecast', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 1_000 }), (s, seed) => {
        const parameters = {
          lines: s.lines,
          queueRule: s.queueRule,
          productionTime: { dist: 'triangular' as const, min: 6 * MIN, mode: 9 * MIN, max: 18 * MIN },
        };
        const snapshot = snapshotAt(
          runPlant(s.orders, undefined, { parameters: { lines: s.lines, queueRule: s.queueRule } }),
          s.snapshotAt,
        );

        const result = forecastMonteCarlo(snapshot, undefined, { parameters, replications: 30, seed });

        expect(
          result.orders.map(
            ({ completedAtP10, completedAtP50, completedAtP90, onTimeProbability, ...o }) => o,
          ),
        ).toEqual(forecast(snapshot, undefined, { parameters }).orders);
        for (const o of result.orders) {
          expect(o.completedAtP10!).toBeLessThanOrEqual(o.completedAtP50!);
          expect(o.completedAtP50!).toBeLessThanOrEqual(o.completedAtP90!);
          if (o.position.kind === 'completed') expect(o.completedAtP10).toBe(o.completedAt);
          else expect(o.completedAtP10!).toBeGreaterThanOrEqual(result.asOf);
          if (o.dueAt === undefined) expect(o.onTimeProbability).toBeUndefined();
          else expect(o.onTimeProbability! * 30).toSatisfy(Number.isInteger);
        }
      }),
      { numRuns: 60 },
    );
  });
});
