// A snapshot's orders are read without the schema when they plainly are order state items
// (`plainOrderStateItem`); that reading must give exactly what the schema's parse gives, and give
// nothing wherever the schema finds a fault, so that the schema still names it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderStateItemSchema, plainOrderStateItem } from '../../contracts/orderState.ts';
import { LATEST_TIME_MS } from '../../contracts/time.ts';

/** Mostly `valid`, now and then `invalid`. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 30 }, { arbitrary: invalid, weight: 1 });
const time = mostly(
  fc.integer({ min: 0, max: LATEST_TIME_MS }),
  fc.constantFrom(-1, LATEST_TIME_MS + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1000', null, undefined),
);
const name = mostly(
  fc.constantFrom('cut', 'weld', 'production', 'constructor', '__proto__', 'x'.repeat(100)),
  fc.constantFrom('', 'x'.repeat(101), '\uD800', 7, undefined),
);
const stepTimes = mostly(
  fc.oneof(
    fc.record({ startedAt: time, finishedAt: time, station: name }, { requiredKeys: [] }),
    fc.record({ startedAt: time, other: fc.constant(1) }),
  ),
  fc.constantFrom(null, [], 5, 'x'),
);
const steps = mostly(
  fc.dictionary(
    name.filter((n): n is string => typeof n === 'string'),
    stepTimes,
    { maxKeys: 3 },
  ),
  fc.constantFrom(null, [], 'steps', undefined),
);
const item = fc.record(
  {
    orderId: mostly(fc.constantFrom('order-1', 'a'), fc.constantFrom('\uD800x', '', 3, undefined)),
    status: mostly(
      fc.constantFrom('accepted', 'in-production', 'delivered'),
      fc.constantFrom('done', 1, undefined),
    ),
    product: name,
    supplier: name,
    priority: mostly(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom('1', undefined, Number.NaN),
    ),
    quantity: mostly(fc.integer(), fc.constant(Number.POSITIVE_INFINITY)),
    acceptedAt: time,
    dueAt: time,
    materialOrderedAt: time,
    initialEta: time,
    eta: time,
    materialArrivedAt: time,
    deliveredAt: time,
    updatedAt: time,
    productionStartedAt: time,
    productionFinishedAt: time,
    steps,
    stage: fc.constantFrom('material', 'done'),
    version: fc.integer(),
  },
  { requiredKeys: ['orderId'] },
);

/** The object as JSON gives it (key order matters) with `undefined` kept visible. */
const shown = (value: unknown) =>
  JSON.stringify(value, (_k, v) => (v === undefined ? '<undefined>' : Number.isNaN(v) ? '<NaN>' : v));

describe('reading an order state item without the schema', () => {
  it('gives what the schema gives, or nothing where the schema finds a fault', () => {
    let plain = 0;
    let total = 0;
    fc.assert(
      fc.property(item, (raw) => {
        // Key order shuffled as a file may write it.
        const order = Object.fromEntries(Object.entries(raw).reverse());
        const fast = plainOrderStateItem(order);
        const parsed = OrderStateItemSchema.safeParse(order);
        total++;
        if (fast === undefined) return;
        plain++;
        expect(parsed.success).toBe(true);
        expect(shown(fast)).toBe(shown(parsed.data));
        expect(Object.keys(fast)).toEqual(Object.keys(parsed.data!));
        expect(fast.steps).toBe(parsed.data!.steps);
      }),
      { numRuns: 3000 },
    );
    expect(plain).toBeGreaterThan(0);
    expect(plain).toBeLessThan(total);
  });

  it('reads every valid item of a store without the schema', () => {
    const order = {
      orderId: 'order-1',
      status: 'in-production',
      product: 'frame',
      priority: 2,
      acceptedAt: 1_000,
      dueAt: 9_000,
      materialOrderedAt: 1_000,
      initialEta: 2_000,
      eta: 3_000,
      materialArrivedAt: 3_000,
      updatedAt: 4_000,
      steps: { cut: { startedAt: 3_500, finishedAt: 3_900, station: 'saw' }, weld: { startedAt: 4_000 } },
      stage: 'operation',
      version: 7,
    };
    const fast = plainOrderStateItem(order);
    expect(fast).toEqual(OrderStateItemSchema.parse(order));
    expect(fast).not.toBe(order);
    // A field named __proto__ (JSON makes it an own one) is dropped by both.
    const odd = JSON.parse('{"orderId":"a","__proto__":{"eta":1},"note":"x"}');
    expect(shown(plainOrderStateItem(odd))).toBe(shown(OrderStateItemSchema.parse(odd)));
    expect(Object.getPrototypeOf(plainOrderStateItem(odd))).toBe(Object.prototype);
  });

  it('leaves to the schema what it does not plainly accept', () => {
    for (const order of [
      {},
      { orderId: '' },
      { orderId: 'a', acceptedAt: undefined },
      { orderId: 'a', steps: { cut: { startedAt: 1, end: 2 } } },
      { orderId: 'a', steps: { '': {} } },
      { orderId: 'a', priority: Number.NaN },
      { orderId: 'a', status: 'lost' },
    ]) {
      expect(plainOrderStateItem(order), JSON.stringify(order)).toBeUndefined();
    }
  });
});
