// The original twin's own reference runs, and the seed article's sample flow.
import { describe, expect, it } from 'vitest';
import { demoOrders, forecast, type PlantOrder, runPlant, snapshotAt } from '../../orderflow/index.ts';
import { stepEnd, stepStart } from './spans.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

function sixOrders(): PlantOrder[] {
  return Array.from({ length: 6 }, (_, i) => ({
    orderId: `o${i + 1}`,
    acceptedAt: T0 + i * 10 * MIN,
    leadTime: 10 * MIN,
  }));
}

/** Every second order's material arrives 50 % late, announced halfway through its wait. */
function everySecondLate(): PlantOrder[] {
  return sixOrders().map((o, i) =>
    i % 2 === 1
      ? {
          ...o,
          leadTime: 15 * MIN,
          etaUpdates: [{ at: o.acceptedAt + 5 * MIN, eta: o.acceptedAt + 15 * MIN }],
        }
      : o,
  );
}

const lastEnd = (plant: ReturnType<typeof runPlant>) =>
  Math.max(...[...plant.values()].map((h) => h.completedAt));

describe('reference runs of the demo plant', () => {
  it('finishes six orders arriving every 10 minutes 70 minutes after the first arrives', () => {
    const plant = runPlant(sixOrders());

    expect(lastEnd(plant) - T0).toBe(70 * MIN);
  });

  it('finishes them after 75 minutes when every second order’s material is 50 % late', () => {
    const plant = runPlant(everySecondLate());

    expect(lastEnd(plant) - T0).toBe(75 * MIN);
  });

  it('forecasts 70 and 75 minutes from the snapshot taken when the last order arrives', () => {
    for (const [orders, minutes] of [
      [sixOrders(), 70],
      [everySecondLate(), 75],
    ] as const) {
      const snapshot = snapshotAt(runPlant(orders), T0 + 50 * MIN);

      const result = forecast(snapshot);

      expect(Math.max(...result.orders.map((o) => o.completedAt)) - T0).toBe(minutes * MIN);
    }
  });
});

describe("the seed article's sample flow", () => {
  const plant = runPlant(demoOrders(T0));
  const at = (minutes: number) => {
    const result = forecast(snapshotAt(plant, T0 + minutes * MIN));
    return Object.fromEntries(result.orders.map((o) => [o.orderId, o]));
  };

  it('expects order 2 on time before its supplier announces the slip', () => {
    const orders = at(12);

    expect(stepStart(orders['order-2']!, 'production')).toBe(T0 + 20 * MIN);
    expect(orders['order-2']!.delayCause).toBe('none');
  });

  it("shifts order 2's production by its own late material", () => {
    const orders = at(16);

    expect(stepEnd(orders['order-2']!, 'material')).toBe(T0 + 10 * MIN + (40 * MIN) / 3);
    expect(stepStart(orders['order-2']!, 'production')).toBe(stepEnd(orders['order-2']!, 'material'));
    expect(orders['order-2']!.delayMs).toBe(MIN * (10 / 3));
    expect(orders['order-2']!.delayCause).toBe('own-material');
  });

  it('starts order 3 late although its material is ready in time: knock-on', () => {
    const orders = at(16);
    const o3 = orders['order-3']!;

    expect(stepEnd(o3, 'material')).toBe(T0 + 25 * MIN);
    expect(stepStart(o3, 'production')).toBe(orders['order-2']!.completedAt);
    expect(stepStart(o3, 'production')).toBeGreaterThan(stepEnd(o3, 'material')!);
    expect(o3.delayCause).toBe('knock-on');
    expect(o3.delayStation).toBe('line');
    expect(o3.late).toBe(true);
  });

  it('knocks on order 4, which arrives when order 2 is almost done', () => {
    const orders = at(31);

    expect(orders['order-2']!.status).toBe('in-production');
    expect(orders['order-2']!.position).toEqual({ kind: 'operation', step: 'production', station: 'line' });
    expect(orders['order-2']!.delayCause).toBe('own-material');
    expect(orders['order-3']!.delayCause).toBe('knock-on');
    expect(orders['order-4']!.delayCause).toBe('knock-on');
    expect(stepStart(orders['order-4']!, 'production')).toBe(orders['order-3']!.completedAt);
    expect(orders['order-4']!.completedAt).toBe(T0 + 53 * MIN + 20_000);
  });

  it('agrees with what then happens in the plant', () => {
    const orders = at(31);

    for (const [id, history] of plant) {
      expect(orders[id]!.completedAt, id).toBe(history.completedAt);
    }
  });
});
