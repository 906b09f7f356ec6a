// The seed article's sample flow: order 2's material ETA slips by a third, order 3 arrives while
// order 2 is delayed and order 4 when order 2 is almost done, so the cascade can be watched.
import type { PlantOrder } from './plant.ts';

const MIN = 60_000;

/** The four demo orders, starting at `start` (epoch ms); the demo plant's defaults apply. */
export function demoOrders(start: number): PlantOrder[] {
  return [
    { orderId: 'order-1', acceptedAt: start, dueAt: start + 30 * MIN, leadTime: 10 * MIN },
    {
      orderId: 'order-2',
      acceptedAt: start + 10 * MIN,
      dueAt: start + 35 * MIN,
      // The supplier first says 10 min, then, 5 min in, that it will take a third longer.
      leadTime: (40 * MIN) / 3,
      etaUpdates: [{ at: start + 15 * MIN, eta: start + 10 * MIN + (40 * MIN) / 3 }],
    },
    { orderId: 'order-3', acceptedAt: start + 15 * MIN, dueAt: start + 42 * MIN, leadTime: 10 * MIN },
    { orderId: 'order-4', acceptedAt: start + 30 * MIN, dueAt: start + 52 * MIN, leadTime: 10 * MIN },
  ];
}
