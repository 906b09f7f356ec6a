// The laws of the forecast for any plant: generated models (1 to 4 stations of 1 to 3 units, flow-shop
// and job-shop routings, every queue rule, whole-minute times so that ties are frequent). The truth
// is a plant run of the model from empty; the snapshot is built from the run's events through the
// real reducer (state/applyEvent.ts), as the ingest builds it, not from the run's own records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderEventSchema } from '../../contracts/events.ts';
import {
  forecast,
  forecastMonteCarlo,
  type OrderState,
  type PlantHistory,
  type PlantModelInput,
  type PlantOrder,
  parsePlantModel,
  plantEvents,
  QUEUE_RULES,
  runPlant,
  type Snapshot,
} from '../../orderflow/index.ts';
import { applyEvent, type StoredOrderState } from '../../state/applyEvent.ts';
import { toDomainEvent } from '../../state/events.ts';
import { toActiveOrder } from '../../state/StateStore.ts';
import { stepEnd, stepStart } from './spans.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

interface Plant {
  model: PlantModelInput;
  orders: PlantOrder[];
  /** After every acceptance and every ETA announcement: nothing unforeseen happens after it. */
  snapshotAt: number;
}

/** A plant model: stations, and products whose routings are flow-shop (every station in order) or job-shop. */
const models: fc.Arbitrary<PlantModelInput> = fc
  .record({
    stations: fc.array(
      fc.record({ capacity: fc.integer({ min: 1, max: 3 }), queueRule: fc.constantFrom(...QUEUE_RULES) }),
      { minLength: 1, maxLength: 4 },
    ),
    shop: fc.constantFrom('flow' as const, 'job' as const),
    products: fc.array(
      fc.record({
        material: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined, freq: 4 }),
        // Where the material step is: first, or (job shop) after the first operation.
        materialLater: fc.boolean(),
        // Job shop: station indices in the order visited (a station may come back).
        visits: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        durations: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 5, maxLength: 5 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ stations, shop, products }) => {
    const ids = stations.map((_, i) => `s${i}`);
    return {
      name: `${shop}-shop`,
      timeUnit: 'min' as const,
      stations: stations.map((s, i) => ({ id: ids[i]!, ...s })),
      products: (shop === 'flow' ? products.slice(0, 1) : products).map((p, k) => {
        const visits = shop === 'flow' ? ids.map((_, i) => i) : p.visits.map((v) => v % ids.length);
        const operations = visits.map((v, j) => ({
          step: `op${j}`,
          kind: 'operation' as const,
          station: ids[v]!,
          duration: p.durations[j % p.durations.length]!,
        }));
        const material =
          p.material === undefined
            ? []
            : [{ step: 'material', kind: 'material' as const, leadTime: p.material }];
        const at = shop === 'job' && p.materialLater ? 1 : 0;
        return {
          id: `p${k}`,
          routing: [...operations.slice(0, at), ...material, ...operations.slice(at)],
        };
      }),
      defaultProduct: 'p0',
    };
  });

/** Orders of `model`'s products, some with material later or earlier than its nominal lead time, announced early enough. */
const plants: fc.Arbitrary<Plant> = models.chain((model) =>
  fc
    .record({
      orders: fc.array(
        fc.record({
          gap: fc.integer({ min: 0, max: 8 }),
          product: fc.nat(),
          named: fc.boolean(),
          lead: fc.integer({ min: 0, max: 30 }),
          announce: fc.double({ min: 0, max: 1, noNaN: true }),
          priority: fc.integer({ min: 0, max: 3 }),
          due: fc.integer({ min: 10, max: 120 }),
        }),
        { minLength: 1, maxLength: 12 },
      ),
      after: fc.integer({ min: 0, max: 120 }),
    })
    .map(({ orders, after }) => {
      let t = T0;
      let lastKnown = T0;
      const planOrders = orders.map((o, i): PlantOrder => {
        t += o.gap * MIN;
        const product = model.products[o.product % model.products.length]!;
        const order: PlantOrder = {
          orderId: `o${String(i).padStart(2, '0')}`,
          acceptedAt: t,
          priority: o.priority,
          dueAt: t + o.due * MIN,
        };
        // The default product is named, or not.
        if (product.id !== 'p0' || o.named) order.product = product.id;
        // A material step after an operation is ordered when the order reaches it: its lead time
        // is the nominal one, so that the ETA it is ordered with holds.
        const material = product.routing[0]!;
        if (material.kind === 'material') {
          const nominal = (material.leadTime as number) * MIN;
          const lead = o.lead * MIN;
          order.leadTime = lead;
          if (lead !== nominal) {
            // The supplier announces the real ETA before the material comes (and before the snapshot).
            const at = t + Math.floor(o.announce * Math.min(lead, nominal));
            order.etaUpdates = [{ at, eta: t + lead }];
            lastKnown = Math.max(lastKnown, at);
          }
        }
        lastKnown = Math.max(lastKnown, t);
        return order;
      });
      return { model, orders: planOrders, snapshotAt: lastKnown + after * MIN };
    }),
);

/** The snapshot at `t` as the ingest keeps it: every event up to `t`, checked against the contract and applied by the reducer. */
function snapshotFromEvents(histories: ReadonlyMap<string, PlantHistory>, t: number): Snapshot {
  const states = new Map<string, StoredOrderState>();
  for (const event of plantEvents(histories, t)) {
    const domain = toDomainEvent(OrderEventSchema.parse(event));
    const next = applyEvent(states.get(domain.orderId), domain);
    if (next !== undefined) states.set(domain.orderId, next);
  }
  const orders: OrderState[] = [...states.values()].map(toActiveOrder);
  return { asOf: t, orders };
}

describe('the forecast of any plant', () => {
  it('equals the run continued when nothing unforeseen happens after the snapshot', () => {
    fc.assert(
      fc.property(plants, (plant) => {
        const model = parsePlantModel(plant.model);
        const truth = runPlant(plant.orders, model);
        const snapshot = snapshotFromEvents(truth, plant.snapshotAt);

        const result = forecast(snapshot, model);

        expect(result.warnings).toEqual([]);
        expect(result.orders).toHaveLength(plant.orders.length);
        for (const o of result.orders) {
          const history = truth.get(o.orderId)!;
          expect(o.product).toBe(history.product);
          for (const step of history.steps) {
            const where = `${o.orderId} ${step.step}`;
            if (step.kind === 'material') {
              // A wait that takes no time has no span.
              expect(stepEnd(o, step.step) ?? step.end, where).toBe(step.end);
            } else {
              expect(stepStart(o, step.step), `${where} start`).toBe(step.start);
              expect(stepEnd(o, step.step), `${where} end`).toBe(step.end);
              // A wait that takes no time has no span either.
              expect(stepStart(o, step.step, 'queue') ?? step.queuedAt, `${where} queued`).toBe(
                step.queuedAt,
              );
            }
          }
          expect(o.completedAt, o.orderId).toBe(history.completedAt);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('never depends on the order of the snapshot’s orders', () => {
    fc.assert(
      fc.property(plants, fc.integer(), (plant, seed) => {
        const model = parsePlantModel(plant.model);
        const snapshot = snapshotFromEvents(runPlant(plant.orders, model), plant.snapshotAt);
        const shuffled = fc.sample(
          fc.shuffledSubarray([...snapshot.orders], { minLength: snapshot.orders.length }),
          { seed, numRuns: 1 },
        )[0]!;

        const a = forecast(snapshot, model);
        const b = forecast({ asOf: snapshot.asOf, orders: shuffled }, model);

        expect(b).toEqual(a);
      }),
      { numRuns: 100 },
    );
  });

  it('spreads every order’s completion in order (P10 ≤ P50 ≤ P90), from the snapshot on, around the same forecast', () => {
    fc.assert(
      fc.property(plants, fc.integer({ min: 0, max: 1_000 }), (plant, seed) => {
        const model = parsePlantModel(plant.model);
        const snapshot = snapshotFromEvents(runPlant(plant.orders, model), plant.snapshotAt);
        // The same plant with every operation taking half to one and a half times as long.
        const uncertain = parsePlantModel({
          ...plant.model,
          products: plant.model.products.map((p) => ({
            ...p,
            routing: p.routing.map((s) =>
              s.kind === 'operation'
                ? {
                    ...s,
                    duration: {
                      dist: 'uniform',
                      min: (s.duration as number) / 2,
                      max: 1.5 * (s.duration as number),
                    },
                  }
                : s,
            ),
          })),
        });

        const result = forecastMonteCarlo(snapshot, uncertain, { replications: 20, seed });

        expect(
          result.orders.map(
            ({ completedAtP10, completedAtP50, completedAtP90, onTimeProbability, ...o }) => o,
          ),
        ).toEqual(forecast(snapshot, uncertain).orders);
        for (const o of result.orders) {
          expect(o.completedAtP10!).toBeLessThanOrEqual(o.completedAtP50!);
          expect(o.completedAtP50!).toBeLessThanOrEqual(o.completedAtP90!);
          if (o.position.kind === 'completed') expect(o.completedAtP90).toBe(o.completedAt);
          else expect(o.completedAtP10!).toBeGreaterThanOrEqual(result.asOf);
          expect(o.onTimeProbability! * 20).toSatisfy(Number.isInteger);
        }
      }),
      { numRuns: 60 },
    );
  });
});
