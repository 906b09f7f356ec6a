// The flow shop of examples/models/flow-shop.json, forecast from a snapshot worked out by hand:
// material 10 min, then cut on the saw (1 unit, 4 min), weld on a welder (2 units, 9 min), paint in
// the booth (1 unit, 5 min), every queue first in, first out. Times are minutes from 09:00 (asOf).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  forecast,
  type OrderForecast,
  type OrderState,
  parsePlantModel,
  type Snapshot,
} from '../../orderflow/index.ts';
import { stepEnd, stepStart } from './spans.ts';

const MIN = 60_000;
const T = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (minutes: number) => T + minutes * MIN;
const flowShop = parsePlantModel(JSON.parse(readFileSync('examples/models/flow-shop.json', 'utf8')));

/** An order whose material came `ordered` → `arrived`, and whose operations ran as `steps` say. */
function frame(
  n: number,
  accepted: number,
  due: number,
  material?: { ordered: number; eta: number; initialEta?: number; arrived?: number },
  steps: Record<string, [number, number?]> = {},
): OrderState {
  const order: OrderState = {
    orderId: `frame-${n}`,
    acceptedAt: at(accepted),
    dueAt: at(due),
  };
  if (material) {
    order.materialOrderedAt = at(material.ordered);
    order.initialEta = at(material.initialEta ?? material.eta);
    order.eta = at(material.eta);
    if (material.arrived !== undefined) order.materialArrivedAt = at(material.arrived);
  }
  const entries = Object.entries(steps);
  if (entries.length > 0) {
    order.steps = Object.fromEntries(
      entries.map(([step, [start, end]]) => [
        step,
        { startedAt: at(start), ...(end !== undefined && { finishedAt: at(end) }) },
      ]),
    );
  }
  return order;
}

/** The plant at 09:00, order by order (the status is a hint; the times say where each stands). */
const orders: OrderState[] = [
  // Done: painted from -27 to -22.
  frame(
    1,
    -50,
    -10,
    { ordered: -50, eta: -40, arrived: -40 },
    { cut: [-40, -36], weld: [-36, -27], paint: [-27, -22] },
  ),
  // In the booth since -3.
  frame(
    2,
    -26,
    5,
    { ordered: -26, eta: -16, arrived: -16 },
    { cut: [-16, -12], weld: [-12, -3], paint: [-3] },
  ),
  // On the two welders since -5 and -1.
  frame(3, -19, 10, { ordered: -19, eta: -9, arrived: -9 }, { cut: [-9, -5], weld: [-5] }),
  frame(4, -16, 20, { ordered: -16, eta: -6, arrived: -6 }, { cut: [-5, -1], weld: [-1] }),
  // On the saw since -1.
  frame(5, -14, 25, { ordered: -14, eta: -4, arrived: -4 }, { cut: [-1] }),
  // Waiting for the saw since its material came at -2.
  frame(6, -12, 25, { ordered: -12, eta: -2, arrived: -2 }),
  // Material due at +6; frame 9's too, though it was first promised for -20.
  frame(7, -4, 30, { ordered: -4, eta: 6 }),
  frame(9, -30, 20, { ordered: -30, eta: 6, initialEta: -20 }),
  // Accepted, no material ordered yet: ordered now, here at +10.
  frame(8, -1, 45),
];
const snapshot: Snapshot = { asOf: T, orders };

/**
 * Worked out by hand (minutes from asOf):
 * saw (1):     frame-5 -1→3; frame-6 (queued since -2) 3→7; frames 9 and 7 both arrive at 6, frame 9
 *              first (accepted earlier, the tie rule): frame-9 7→11, frame-7 11→15; frame-8 (material
 *              at 10) 15→19.
 * welder (2):  frame-3 until 4, frame-4 until 8; frame-5 ready at 3 → 4→13; frame-6 ready at 7 → 8→17;
 *              frame-9 ready at 11 → 13→22; frame-7 ready at 15 → 17→26; frame-8 ready at 19 → 22→31.
 * booth (1):   frame-2 until 2; frame-3 4→9; frame-4 9→14 (ready at 8); frame-5 14→19; frame-6 19→24;
 *              frame-9 24→29; frame-7 29→34; frame-8 34→39.
 */
const expected: Record<string, { cut: [number, number]; weld: [number, number]; paint: [number, number] }> = {
  'frame-1': { cut: [-40, -36], weld: [-36, -27], paint: [-27, -22] },
  'frame-2': { cut: [-16, -12], weld: [-12, -3], paint: [-3, 2] },
  'frame-3': { cut: [-9, -5], weld: [-5, 4], paint: [4, 9] },
  'frame-4': { cut: [-5, -1], weld: [-1, 8], paint: [9, 14] },
  'frame-5': { cut: [-1, 3], weld: [4, 13], paint: [14, 19] },
  'frame-6': { cut: [3, 7], weld: [8, 17], paint: [19, 24] },
  'frame-7': { cut: [11, 15], weld: [17, 26], paint: [29, 34] },
  'frame-8': { cut: [15, 19], weld: [22, 31], paint: [34, 39] },
  'frame-9': { cut: [7, 11], weld: [13, 22], paint: [24, 29] },
};

const minutes = (ms: number | undefined) => (ms === undefined ? undefined : (ms - T) / MIN);
const byId = (orders: readonly OrderForecast[]) => Object.fromEntries(orders.map((o) => [o.orderId, o]));

describe('the flow shop, forecast from a snapshot worked out by hand', () => {
  const result = forecast(snapshot, flowShop);
  const o = byId(result.orders);

  it('forecasts every operation of every order as worked out by hand', () => {
    for (const [id, steps] of Object.entries(expected)) {
      for (const step of ['cut', 'weld', 'paint'] as const) {
        expect([minutes(stepStart(o[id]!, step)), minutes(stepEnd(o[id]!, step))], `${id} ${step}`).toEqual(
          steps[step],
        );
      }
      expect(minutes(o[id]!.completedAt), id).toBe(steps.paint[1]);
    }
    expect(result.warnings).toEqual([]);
  });

  it('places each order where it stands, by its times', () => {
    expect(Object.fromEntries(result.orders.map((x) => [x.orderId, x.position]))).toEqual({
      'frame-1': { kind: 'completed' },
      'frame-2': { kind: 'operation', step: 'paint', station: 'booth' },
      'frame-3': { kind: 'operation', step: 'weld', station: 'welder' },
      'frame-4': { kind: 'operation', step: 'weld', station: 'welder' },
      'frame-5': { kind: 'operation', step: 'cut', station: 'saw' },
      'frame-6': { kind: 'queue', step: 'cut', station: 'saw' },
      'frame-7': { kind: 'material' },
      'frame-8': { kind: 'not-started' },
      'frame-9': { kind: 'material' },
    });
  });

  it("draws frame 5's way as spans: material, queues and operations, cut at asOf", () => {
    expect(
      o['frame-5']!.steps.map((s) => [s.step, s.kind, s.station, minutes(s.start), minutes(s.end), s.actual]),
    ).toEqual([
      ['material', 'material', undefined, -14, -4, true],
      ['cut', 'queue', 'saw', -4, -1, true],
      ['cut', 'operation', 'saw', -1, 0, true],
      ['cut', 'operation', 'saw', 0, 3, false],
      ['weld', 'queue', 'welder', 3, 4, false],
      ['weld', 'operation', 'welder', 4, 13, false],
      ['paint', 'queue', 'booth', 13, 14, false],
      ['paint', 'operation', 'booth', 14, 19, false],
    ]);
  });

  it("reports each station's load and longest queue over the horizon (asOf to 39 min)", () => {
    expect(result.kpis.makespanMs).toBe(39 * MIN);
    expect(result.stations).toEqual([
      // Busy 3 + 4 + 4 + 4 + 4 = 19 min; frames 9 and 7 wait together from 6 to 7.
      { station: 'saw', name: 'Saw', capacity: 1, utilisation: 19 / 39, maxQueue: 2 },
      // 4 + 8 + 9 × 5 = 57 unit-minutes of 2 × 39.
      { station: 'welder', name: 'Welder', capacity: 2, utilisation: 57 / 78, maxQueue: 1 },
      // 2 + 5 × 7 = 37 min.
      { station: 'booth', name: 'Paint booth', capacity: 1, utilisation: 37 / 39, maxQueue: 1 },
    ]);
  });

  it('compares with the plan: frame 9 is late by its own material, and lateness is against the due date', () => {
    expect(o['frame-9']!.delayCause).toBe('own-material');
    expect(o['frame-9']!.delayMs).toBeGreaterThan(0);
    // Due at +20, completes at +29.
    expect(o['frame-9']!.latenessMs).toBe(9 * MIN);
    // Due at +10, completes at +9.
    expect(o['frame-3']!.late).toBe(false);
    expect(o['frame-3']!.latenessMs).toBe(-1 * MIN);
  });

  it('never depends on the order of the snapshot’s orders', () => {
    const reversed = forecast({ asOf: T, orders: [...orders].reverse() }, flowShop);

    expect(reversed).toEqual(result);
  });

  it('is the snapshot of examples/flow-shop-snapshot.json, the worked example of docs/model-file.md', () => {
    const example = JSON.parse(readFileSync('examples/flow-shop-snapshot.json', 'utf8')) as Snapshot;

    expect(forecast(example, flowShop).orders).toEqual(
      result.orders.map((x) => ({ ...x, status: expect.any(String) })),
    );
  });
});
