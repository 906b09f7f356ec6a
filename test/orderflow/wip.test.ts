// WIP initialisation: each active order is put back where it stands in its routing, by its times,
// with the time it has spent.
import { describe, expect, it } from 'vitest';
import { forecast, type OrderState, orderFlowModel, type Snapshot } from '../../orderflow/index.ts';
import { ModelError } from '../../sim-core/index.ts';
import { stepEnd, stepStart } from './spans.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (minutes: number) => NOW + minutes * MIN;
const production = (startedAt?: number, finishedAt?: number) => ({
  production: {
    ...(startedAt !== undefined && { startedAt }),
    ...(finishedAt !== undefined && { finishedAt }),
  },
});

const byId = (snapshot: Snapshot, options?: Parameters<typeof forecast>[2]) =>
  Object.fromEntries(forecast(snapshot, undefined, options).orders.map((o) => [o.orderId, o]));

describe('WIP initialisation', () => {
  it('lets an order in production keep the time it has already spent', () => {
    const orders: OrderState[] = [
      {
        orderId: 'a',
        status: 'in-production',
        acceptedAt: at(-20),
        materialArrivedAt: at(-6),
        steps: production(at(-4)),
      },
    ];

    const a = byId({ asOf: NOW, orders }).a!;

    expect(a.position).toEqual({ kind: 'operation', step: 'production', station: 'line' });
    expect(stepStart(a, 'production')).toBe(at(-4));
    expect(a.completedAt).toBe(at(6));
    expect(a.steps).toEqual([
      { step: 'material', kind: 'material', start: at(-20), end: at(-6), actual: true },
      { step: 'production', station: 'line', kind: 'queue', start: at(-6), end: at(-4), actual: true },
      { step: 'production', station: 'line', kind: 'operation', start: at(-4), end: NOW, actual: true },
      { step: 'production', station: 'line', kind: 'operation', start: NOW, end: at(6), actual: false },
    ]);
  });

  it('with uncertain production times, expects what is left of those longer than the time already spent', () => {
    // Production takes 5 to 15 min, uniformly: after 6 min, those left are uniform on [6, 15] min.
    const parameters = { productionTime: { dist: 'uniform' as const, min: 5 * MIN, max: 15 * MIN } };
    const orders: OrderState[] = [{ orderId: 'a', status: 'in-production', steps: production(at(-6)) }];

    const result = forecast({ asOf: NOW, orders }, undefined, { parameters });

    expect(result.orders[0]!.completedAt).toBe(at(4.5));
    expect(result.orders[0]!.delayCause).toBe('none');
    expect(result.warnings).toEqual([]);
  });

  it('reports a production overrun and lets the order finish now', () => {
    const orders: OrderState[] = [{ orderId: 'a', status: 'in-production', steps: production(at(-13)) }];

    const result = forecast({ asOf: NOW, orders });

    expect(result.orders[0]!.completedAt).toBe(NOW);
    expect(result.orders[0]!.delayCause).toBe('overrun');
    expect(result.orders[0]!.delayStation).toBe('line');
    expect(result.warnings).toEqual([
      expect.objectContaining({ orderId: 'a', step: 'production', kind: 'overrun' }),
    ]);
  });

  it('reports an overdue ETA and assumes the material arrives now', () => {
    const orders: OrderState[] = [
      {
        orderId: 'a',
        status: 'awaiting-material',
        acceptedAt: at(-30),
        materialOrderedAt: at(-30),
        initialEta: at(-20),
        eta: at(-5),
      },
    ];

    const result = forecast({ asOf: NOW, orders });

    expect(stepEnd(result.orders[0]!, 'material')).toBe(NOW);
    expect(result.orders[0]!.completedAt).toBe(at(10));
    expect(result.orders[0]!.delayCause).toBe('overdue-material');
    // The demo plant's slip is 0: none is as long as the supplier is already late.
    expect(result.warnings).toEqual([
      {
        orderId: 'a',
        step: 'material',
        kind: 'overdue-material',
        message: "order a's material was due 300 s ago; assumed to arrive now",
      },
    ]);
  });

  it('orders material now for an accepted order that has none ordered yet', () => {
    const orders: OrderState[] = [{ orderId: 'a', status: 'accepted', acceptedAt: at(-1) }];

    const a = byId({ asOf: NOW, orders }).a!;

    expect(a.position).toEqual({ kind: 'not-started' });
    expect(stepEnd(a, 'material')).toBe(at(10));
    expect(a.completedAt).toBe(at(20));
    expect(a.steps[0]).toEqual({
      step: 'material',
      kind: 'material',
      start: NOW,
      end: at(10),
      actual: false,
    });
  });

  it('restores the queue by material arrival, whatever the order of the input', () => {
    const orders: OrderState[] = [
      { orderId: 'late', status: 'ready', acceptedAt: at(-40), materialArrivedAt: at(-2) },
      { orderId: 'early', status: 'ready', acceptedAt: at(-10), materialArrivedAt: at(-8) },
      { orderId: 'tie-b', status: 'ready', acceptedAt: at(-30), materialArrivedAt: at(-5) },
      { orderId: 'tie-a', status: 'ready', acceptedAt: at(-30), materialArrivedAt: at(-5) },
      { orderId: 'tie-older', status: 'ready', acceptedAt: at(-35), materialArrivedAt: at(-5) },
    ];

    const result = forecast({ asOf: NOW, orders });

    expect(result.orders.map((o) => o.orderId)).toEqual(['early', 'tie-older', 'tie-a', 'tie-b', 'late']);
    expect(result.orders.map((o) => stepStart(o, 'production'))).toEqual([
      NOW,
      at(10),
      at(20),
      at(30),
      at(40),
    ]);
    expect(result.orders[1]!.position).toEqual({ kind: 'queue', step: 'production', station: 'line' });
  });

  it('lets orders in production hold their line before queued ones are restored', () => {
    const orders: OrderState[] = [
      { orderId: 'queued', status: 'ready', materialArrivedAt: at(-30) },
      {
        orderId: 'running',
        status: 'in-production',
        materialArrivedAt: at(-10),
        steps: production(at(-3)),
      },
    ];

    const o = byId({ asOf: NOW, orders });

    expect(o.running!.completedAt).toBe(at(7));
    expect(stepStart(o.queued!, 'production')).toBe(at(7));
  });

  it('runs orders on several lines in parallel', () => {
    const orders: OrderState[] = ['a', 'b', 'c'].map((orderId, i) => ({
      orderId,
      status: 'ready',
      materialArrivedAt: at(-3 + i),
    }));

    const o = byId({ asOf: NOW, orders }, { parameters: { lines: 2 } });

    expect([o.a!, o.b!, o.c!].map((x) => stepStart(x, 'production'))).toEqual([NOW, NOW, at(10)]);
  });

  it('warns, and carries on, when more orders are in production than there are lines', () => {
    const orders: OrderState[] = ['a', 'b'].map((orderId) => ({
      orderId,
      status: 'in-production',
      steps: production(at(-1)),
    }));

    const result = forecast({ asOf: NOW, orders });

    expect(result.orders.map((o) => o.completedAt)).toEqual([at(9), at(9)]);
    expect(result.warnings).toEqual([expect.objectContaining({ kind: 'over-capacity' })]);
  });

  it('reports finished orders with their actual times and ignores delivered ones', () => {
    const orders: OrderState[] = [
      {
        orderId: 'done',
        status: 'finished',
        materialArrivedAt: at(-30),
        steps: production(at(-25), at(-15)),
      },
      { orderId: 'gone', status: 'delivered', steps: production(at(-60), at(-50)), deliveredAt: at(-40) },
    ];

    const result = forecast({ asOf: NOW, orders });

    expect(result.orders.map((o) => o.orderId)).toEqual(['done']);
    expect(result.orders[0]!.position).toEqual({ kind: 'completed' });
    expect(result.orders[0]!.completedAt).toBe(at(-15));
    expect(result.orders[0]!.steps.every((s) => s.actual)).toBe(true);
    expect(result.kpis.makespanMs).toBe(0);
  });

  it('calls a finished order that took longer than planned an overrun', () => {
    const orders: OrderState[] = [
      {
        orderId: 'slow',
        status: 'finished',
        materialArrivedAt: at(-30),
        steps: production(at(-30), at(-15)),
      },
    ];

    const slow = forecast({ asOf: NOW, orders }).orders[0]!;

    expect(slow.delayCause).toBe('overrun');
    expect(slow.delayStation).toBe('line');
  });

  it('places an order by its times, not by its status, which is only a hint', () => {
    const orders: OrderState[] = [
      // The status says more than the times: the times win.
      { orderId: 'a', status: 'in-production' },
      { orderId: 'b', status: 'ready', eta: at(5) },
      // The status says less than the times.
      { orderId: 'c', status: 'accepted', materialArrivedAt: at(-2), steps: production(at(-1)) },
      {
        orderId: 'd',
        materialArrivedAt: at(-20),
        steps: production(at(-20), at(-10)),
      },
    ];

    const o = byId({ asOf: NOW, orders });

    expect(o.a!.position).toEqual({ kind: 'not-started' });
    expect(o.b!.position).toEqual({ kind: 'material' });
    expect(o.c!.position).toEqual({ kind: 'operation', step: 'production', station: 'line' });
    expect(o.d!.position).toEqual({ kind: 'completed' });
    expect(o.d!.status).toBeUndefined();
    expect(o.c!.completedAt).toBe(at(9));
  });

  it('warns about a step the routing does not have, and a product the model does not have', () => {
    const orders: OrderState[] = [
      {
        orderId: 'a',
        materialArrivedAt: at(-5),
        steps: { polish: { startedAt: at(-3) } },
      },
      { orderId: 'b', product: 'widget', materialArrivedAt: at(-5) },
    ];

    const result = forecast({ asOf: NOW, orders });

    expect(result.warnings).toEqual([
      expect.objectContaining({ orderId: 'a', step: 'polish', kind: 'unknown-step' }),
      expect.objectContaining({ orderId: 'b', kind: 'unknown-product' }),
    ]);
    expect(result.warnings[0]!.message).toBe(
      'order a has times for step "polish", which the routing of product order does not have; ignored',
    );
    expect(result.orders.map((o) => [o.orderId, o.product, o.position.kind])).toEqual([
      ['a', 'order', 'queue'],
      ['b', 'order', 'queue'],
    ]);
  });

  it('gives an empty forecast for an empty plant', () => {
    const result = forecast({ asOf: NOW, orders: [] });

    expect(result.orders).toEqual([]);
    expect(result.kpis).toEqual({
      activeOrders: 0,
      makespanMs: 0,
      ordersLate: 0,
      meanLatenessMs: 0,
      ordersDelayed: 0,
    });
    expect(result.stations).toEqual([
      { station: 'line', name: 'Production line', capacity: 1, utilisation: 0, maxQueue: 0 },
    ]);
  });

  it("computes lateness, the plant KPIs and the stations' load over the horizon", () => {
    const orders: OrderState[] = [
      { orderId: 'a', status: 'ready', materialArrivedAt: at(-1), dueAt: at(5) },
      { orderId: 'b', status: 'awaiting-material', eta: at(30), initialEta: at(30), dueAt: at(60) },
      { orderId: 'c', status: 'ready', materialArrivedAt: at(-1), dueAt: at(50) },
    ];

    const result = forecast({ asOf: NOW, orders });
    const a = result.orders.find((o) => o.orderId === 'a')!;

    expect(a.latenessMs).toBe(5 * MIN);
    expect(a.late).toBe(true);
    // a 0–10, c 10–20 (waiting 10 min), b 30–40.
    expect(result.kpis.makespanMs).toBe(40 * MIN);
    expect(result.stations[0]!.utilisation).toBeCloseTo(30 / 40);
    expect(result.stations[0]!.maxQueue).toBe(1);
    expect(result.kpis.ordersLate).toBe(1);
    expect(result.kpis.meanLatenessMs).toBe(5 * MIN);
  });

  it('queues by priority, or by due date, when the model says so', () => {
    const orders: OrderState[] = [
      { orderId: 'first-in', status: 'ready', materialArrivedAt: at(-9), priority: 1, dueAt: at(90) },
      { orderId: 'urgent', status: 'ready', materialArrivedAt: at(-5), priority: 5, dueAt: at(80) },
      { orderId: 'due-soon', status: 'ready', materialArrivedAt: at(-2), priority: 0, dueAt: at(20) },
    ];
    const sequence = (queueRule: string) =>
      forecast({ asOf: NOW, orders }, undefined, { parameters: { queueRule } }).orders.map((o) => o.orderId);

    expect(sequence('fifo')).toEqual(['first-in', 'urgent', 'due-soon']);
    expect(sequence('priority')).toEqual(['urgent', 'first-in', 'due-soon']);
    expect(sequence('due-date')).toEqual(['due-soon', 'urgent', 'first-in']);
  });

  it('records the model, its hash, its parameters and stations, and the sim-core version', () => {
    const result = forecast({ asOf: NOW, orders: [] }, undefined, { parameters: { lines: 3 } });

    expect(result.model).toMatchObject({
      name: 'order-flow',
      timeUnit: 'ms',
      stations: [{ id: 'line', name: 'Production line', capacity: 3, queueRule: 'fifo' }],
      products: [
        {
          id: 'order',
          routing: [
            { step: 'material', kind: 'material' },
            { step: 'production', kind: 'operation', station: 'line' },
          ],
        },
      ],
    });
    expect(result.model.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(result.model.parameters).toMatchObject({
      lines: 3,
      productionTime: 10 * MIN,
      materialLeadTime: 10 * MIN,
    });
    expect(result.simCoreVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('refuses a parameter the model does not have, or a value of the wrong kind', () => {
    expect(() => forecast({ asOf: NOW, orders: [] }, orderFlowModel, { parameters: { speed: 2 } })).toThrow(
      'model "order-flow" has no parameter "speed"',
    );
    expect(() =>
      forecast({ asOf: NOW, orders: [] }, orderFlowModel, { parameters: { queueRule: 'random' } }),
    ).toThrow(ModelError);
    expect(() => forecast({ asOf: NOW, orders: [] }, orderFlowModel, { parameters: { lines: 1.5 } })).toThrow(
      'parameter "lines" must be a whole number >= 1, got 1.5 (it is the capacity of station line, model.stations[0].capacity)',
    );
  });
});
