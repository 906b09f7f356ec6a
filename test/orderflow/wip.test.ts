// WIP initialisation: each active order is put back where it stands, with the time it has spent.
import { describe, expect, it } from 'vitest';
import { forecast, type OrderState, orderFlowModel, type Snapshot } from '../../orderflow/index.ts';
import { ModelError, parseModelDefinition } from '../../sim-core/index.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (minutes: number) => NOW + minutes * MIN;

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
        steps: { production: { startedAt: at(-4) } },
      },
    ];

    const a = byId({ asOf: NOW, orders }).a!;

    expect(a.productionStartAt).toBe(at(-4));
    expect(a.productionEndAt).toBe(at(6));
    expect(a.steps).toEqual([
      { step: 'material', start: at(-20), end: at(-6), actual: true },
      { step: 'queue', start: at(-6), end: at(-4), actual: true },
      { step: 'production', start: at(-4), end: NOW, actual: true },
      { step: 'production', start: NOW, end: at(6), actual: false },
    ]);
  });

  it('with uncertain production times, expects what is left of those longer than the time already spent', () => {
    // Production takes 5 to 15 min, uniformly: after 6 min, those left are uniform on [6, 15] min.
    const parameters = { productionTime: { dist: 'uniform' as const, min: 5 * MIN, max: 15 * MIN } };
    const orders: OrderState[] = [
      { orderId: 'a', status: 'in-production', steps: { production: { startedAt: at(-6) } } },
    ];

    const result = forecast({ asOf: NOW, orders }, undefined, { parameters });

    expect(result.orders[0]!.productionEndAt).toBe(at(4.5));
    expect(result.orders[0]!.delayCause).toBe('none');
    expect(result.warnings).toEqual([]);
  });

  it('reports a production overrun and lets the order finish now', () => {
    const orders: OrderState[] = [
      { orderId: 'a', status: 'in-production', steps: { production: { startedAt: at(-13) } } },
    ];

    const result = forecast({ asOf: NOW, orders });

    expect(result.orders[0]!.productionEndAt).toBe(NOW);
    expect(result.orders[0]!.delayCause).toBe('overrun');
    expect(result.warnings).toEqual([expect.objectContaining({ orderId: 'a', kind: 'overrun' })]);
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

    expect(result.orders[0]!.materialReadyAt).toBe(NOW);
    expect(result.orders[0]!.productionEndAt).toBe(at(10));
    expect(result.orders[0]!.delayCause).toBe('overdue-material');
    expect(result.warnings[0]!.kind).toBe('overdue-material');
  });

  it('orders material now for an accepted order that has none ordered yet', () => {
    const orders: OrderState[] = [{ orderId: 'a', status: 'accepted', acceptedAt: at(-1) }];

    const a = byId({ asOf: NOW, orders }).a!;

    expect(a.materialReadyAt).toBe(at(10));
    expect(a.productionEndAt).toBe(at(20));
    expect(a.steps[0]).toEqual({ step: 'material', start: NOW, end: at(10), actual: false });
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
    expect(result.orders.map((o) => o.productionStartAt)).toEqual([NOW, at(10), at(20), at(30), at(40)]);
  });

  it('lets orders in production hold their line before queued ones are restored', () => {
    const orders: OrderState[] = [
      { orderId: 'queued', status: 'ready', materialArrivedAt: at(-30) },
      {
        orderId: 'running',
        status: 'in-production',
        materialArrivedAt: at(-10),
        steps: { production: { startedAt: at(-3) } },
      },
    ];

    const o = byId({ asOf: NOW, orders });

    expect(o.running!.productionEndAt).toBe(at(7));
    expect(o.queued!.productionStartAt).toBe(at(7));
  });

  it('runs orders on several lines in parallel', () => {
    const orders: OrderState[] = ['a', 'b', 'c'].map((orderId, i) => ({
      orderId,
      status: 'ready',
      materialArrivedAt: at(-3 + i),
    }));

    const o = byId({ asOf: NOW, orders }, { parameters: { lines: 2 } });

    expect([o.a!.productionStartAt, o.b!.productionStartAt, o.c!.productionStartAt]).toEqual([
      NOW,
      NOW,
      at(10),
    ]);
  });

  it('warns, and carries on, when more orders are in production than there are lines', () => {
    const orders: OrderState[] = ['a', 'b'].map((orderId) => ({
      orderId,
      status: 'in-production',
      steps: { production: { startedAt: at(-1) } },
    }));

    const result = forecast({ asOf: NOW, orders });

    expect(result.orders.map((o) => o.productionEndAt)).toEqual([at(9), at(9)]);
    expect(result.warnings).toEqual([expect.objectContaining({ kind: 'over-capacity' })]);
  });

  it('reports finished orders with their actual times and ignores delivered ones', () => {
    const orders: OrderState[] = [
      {
        orderId: 'done',
        status: 'finished',
        materialArrivedAt: at(-30),
        steps: { production: { startedAt: at(-25), finishedAt: at(-15) } },
      },
      {
        orderId: 'gone',
        status: 'delivered',
        steps: { production: { finishedAt: at(-50) } },
        deliveredAt: at(-40),
      },
    ];

    const result = forecast({ asOf: NOW, orders });

    expect(result.orders.map((o) => o.orderId)).toEqual(['done']);
    expect(result.orders[0]!.steps.every((s) => s.actual)).toBe(true);
    expect(result.kpis.makespanMs).toBe(0);
  });

  it('calls a finished order that took longer than planned an overrun', () => {
    const orders: OrderState[] = [
      {
        orderId: 'slow',
        status: 'finished',
        materialArrivedAt: at(-30),
        steps: { production: { startedAt: at(-30), finishedAt: at(-15) } },
      },
    ];

    expect(forecast({ asOf: NOW, orders }).orders[0]!.delayCause).toBe('overrun');
  });

  it('assumes and warns where a status lacks its time', () => {
    const orders: OrderState[] = [
      { orderId: 'a', status: 'in-production' },
      { orderId: 'b', status: 'ready' },
      { orderId: 'c', status: 'awaiting-material' },
      { orderId: 'd', status: 'finished' },
    ];

    const result = forecast({ asOf: NOW, orders });

    expect(result.warnings.filter((w) => w.kind === 'missing-time').map((w) => w.orderId)).toEqual([
      'd',
      'a',
      'b',
      'c',
    ]);
    expect(result.orders).toHaveLength(4);
  });

  it('gives an empty forecast for an empty plant', () => {
    const result = forecast({ asOf: NOW, orders: [] });

    expect(result.orders).toEqual([]);
    expect(result.kpis).toEqual({
      activeOrders: 0,
      makespanMs: 0,
      lineUtilisation: 0,
      ordersLate: 0,
      meanLatenessMs: 0,
      ordersDelayed: 0,
    });
  });

  it('computes lateness and the plant KPIs over the horizon', () => {
    const orders: OrderState[] = [
      { orderId: 'a', status: 'ready', materialArrivedAt: at(-1), dueAt: at(5) },
      { orderId: 'b', status: 'awaiting-material', eta: at(30), initialEta: at(30), dueAt: at(60) },
    ];

    const result = forecast({ asOf: NOW, orders });
    const a = result.orders.find((o) => o.orderId === 'a')!;

    expect(a.latenessMs).toBe(5 * MIN);
    expect(a.late).toBe(true);
    expect(result.kpis.makespanMs).toBe(40 * MIN);
    expect(result.kpis.lineUtilisation).toBeCloseTo(20 / 40);
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

  it('records the model, its parameters and the sim-core version', () => {
    const result = forecast({ asOf: NOW, orders: [] }, undefined, { parameters: { lines: 3 } });

    expect(result.model.name).toBe('order-flow');
    expect(result.model.parameters).toMatchObject({
      lines: 3,
      productionTime: 10 * MIN,
      materialLeadTime: 10 * MIN,
    });
    expect(result.simCoreVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('needs a model whose blocks are labelled with the order-flow steps', () => {
    const unlabelled = parseModelDefinition({
      ...orderFlowModel,
      blocks: orderFlowModel.blocks.map(({ step: _step, ...b }) => b),
    });

    expect(() => forecast({ asOf: NOW, orders: [] }, unlabelled)).toThrow(ModelError);
    expect(() => forecast({ asOf: NOW, orders: [] }, unlabelled)).toThrow(/step": "material"/);
  });
});
