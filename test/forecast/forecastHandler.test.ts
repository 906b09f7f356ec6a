// The forecast handler: one forecast per batch of changes, none for changes that cannot move it,
// nothing carried over between invocations, a failure retries the batch.

import { gzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { OrderEventSchema } from '../../contracts/events.ts';
import { decodeForecast, encodeForecast, FORECAST_ENCODING } from '../../contracts/forecastItem.ts';
import { InMemoryForecastStore } from '../../forecast/ForecastStore.ts';
import {
  createForecastHandler,
  DEFAULT_RECOMMEND_BUDGET_MS,
  FORECAST_MAX_WALL_MS,
  latestEventClock,
  MAX_LAMBDA_REPLICATIONS,
  recommendShareMs,
} from '../../forecast/forecastHandler.ts';
import { canMoveForecast } from '../../forecast/relevance.ts';
import { ReplicationPool } from '../../forecast/threads/ReplicationPool.ts';
import { runRecommendTask } from '../../forecast/threads/replicationWorker.ts';
import {
  demoOrders,
  forecast,
  forecastMonteCarlo,
  orderFlowModel,
  plantEvents,
  runPlant,
} from '../../orderflow/index.ts';
import { recommend } from '../../orderflow/whatif/recommend.ts';
import { SimulationLimitError } from '../../sim-core/kernel/errors.ts';
import type { StoredOrderState } from '../../state/applyEvent.ts';
import { type PlantDomainEvent, toDomainEvent } from '../../state/events.ts';
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';
import { applyPlantEvent, type StoredPlantItem } from '../../state/plantState.ts';
import { lifecycle } from '../support/events.ts';

const logger = new Logger({ serviceName: 'forecast', logLevel: 'SILENT' });
const NOW = Date.UTC(2026, 0, 5, 8, 25, 0);

let seq = 0;
function change(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  before?: Partial<StoredOrderState>,
  after?: Partial<StoredOrderState>,
): DynamoDBRecord {
  return {
    eventName,
    dynamodb: {
      Keys: marshall({ orderId: (after ?? before)!.orderId }) as never,
      ...(before && { OldImage: marshall(before, { removeUndefinedValues: true }) as never }),
      ...(after && { NewImage: marshall(after, { removeUndefinedValues: true }) as never }),
      SequenceNumber: String(++seq).padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSource: 'aws:dynamodb',
  };
}
const active = {
  orderId: 'o1',
  status: 'ready',
  activeShard: '0',
  materialArrivedAt: 1,
  updatedAt: 1,
} as const;

async function storeWith(...orders: string[][]): Promise<InMemoryStateStore> {
  const store = new InMemoryStateStore();
  for (const [id, steps] of orders.map(([id, n]) => [id!, Number(n)] as const)) {
    for (const e of lifecycle(id).slice(0, steps)) await store.apply(toDomainEvent(e));
  }
  return store;
}

/** A logger that keeps what is logged at each level, as Powertools' Logger is called. */
function recordingLogger() {
  const lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, extra: Record<string, unknown> = {}) =>
      lines.push({ level, message, extra });
  const recorder = { info: at('info'), debug: at('debug'), warn: at('warn'), error: at('error') };
  return { lines, logger: recorder as unknown as Logger };
}

describe('which changes can move a forecast', () => {
  it('counts a new or removed active order and a change of its times, steps, product, status or priority', () => {
    expect(canMoveForecast(change('INSERT', undefined, active))).toBe(true);
    expect(canMoveForecast(change('REMOVE', active, undefined))).toBe(true);
    expect(
      canMoveForecast(
        change('MODIFY', active, { ...active, status: 'in-production', 'step:cut:startedAt': 5 } as never),
      ),
    ).toBe(true);
    // A second step started while the first runs: the status stays, the step is new.
    const cutting = { ...active, status: 'in-production', 'step:cut:startedAt': 5 } as never;
    expect(
      canMoveForecast(
        change('MODIFY', cutting, { ...(cutting as object), 'step:weld:startedAt': 6 } as never),
      ),
    ).toBe(true);
    expect(
      canMoveForecast(
        change('MODIFY', cutting, { ...(cutting as object), 'step:cut:station': 'saw 2' } as never),
      ),
    ).toBe(true);
    expect(canMoveForecast(change('MODIFY', active, { ...active, product: 'frame' }))).toBe(true);
    expect(canMoveForecast(change('MODIFY', { ...active, eta: 10 }, { ...active, eta: 12 }))).toBe(true);
    expect(canMoveForecast(change('MODIFY', active, { ...active, priority: 3 }))).toBe(true);
  });

  it('counts an order leaving the plant', () => {
    const { activeShard: _a, ...delivered } = active;
    expect(
      canMoveForecast(change('MODIFY', active, { ...delivered, status: 'delivered', deliveredAt: 9 })),
    ).toBe(true);
  });

  it('ignores changes to delivered orders and to fields the forecast does not read', () => {
    const { activeShard: _a, ...delivered } = { ...active, status: 'delivered' as const };
    expect(
      canMoveForecast(change('MODIFY', delivered, { ...delivered, 'step:cut:finishedAt': 8 } as never)),
    ).toBe(false);
    const cutting = { ...active, 'step:cut:startedAt': 5, 'step:cut:startedEvent': 'a', runningSteps: 1 };
    expect(
      canMoveForecast(
        change('MODIFY', cutting as never, { ...cutting, 'step:cut:startedEvent': 'b', version: 4 } as never),
      ),
    ).toBe(false);
    expect(
      canMoveForecast(
        change('MODIFY', { ...active, quantity: 1 }, { ...active, quantity: 2, version: 3 } as never),
      ),
    ).toBe(false);
    expect(canMoveForecast(change('MODIFY', active, { ...active, updatedAt: 5 }))).toBe(false);
  });

  it("counts any change of a station's state, and a maintenance planned or no longer planned, but not one cancelled again", () => {
    const item = (before: StoredPlantItem | undefined, event: PlantDomainEvent) =>
      applyPlantEvent(before, event).next!;
    const down = item(undefined, { type: 'StationDown', eventId: 'd', at: 10, station: 's-1' });
    const up = item(down, { type: 'StationUp', eventId: 'u', at: 20, station: 's-1' });
    const planned = item(undefined, {
      type: 'MaintenancePlanned',
      eventId: 'p',
      at: 10,
      maintenanceId: 'm',
      station: 's-1',
      from: 50,
      to: 60,
    });
    const cancelled = item(planned, {
      type: 'MaintenanceCancelled',
      eventId: 'c',
      at: 20,
      maintenanceId: 'm',
    });
    const cancelledAgain = item(cancelled, {
      type: 'MaintenanceCancelled',
      eventId: 'c2',
      at: 30,
      maintenanceId: 'm',
    });

    expect(canMoveForecast(change('INSERT', undefined, down as never))).toBe(true);
    expect(canMoveForecast(change('MODIFY', down as never, up as never))).toBe(true);
    expect(canMoveForecast(change('INSERT', undefined, planned as never))).toBe(true);
    expect(canMoveForecast(change('MODIFY', planned as never, cancelled as never))).toBe(true);
    expect(canMoveForecast(change('MODIFY', cancelled as never, cancelledAgain as never))).toBe(false);
  });
});

describe('forecast handler', () => {
  it('makes one forecast for a batch of changes, equal to sim-core’s for the same snapshot', async () => {
    const states = await storeWith(['a', '5'], ['b', '4'], ['c', '2']);
    const forecasts = new InMemoryForecastStore();
    const handler = createForecastHandler({
      states,
      forecasts,
      logger,
      clock: () => NOW,
      now: () => NOW + 5,
    });
    const event: DynamoDBStreamEvent = {
      Records: [change('INSERT', undefined, active), change('MODIFY', active, { ...active, eta: 3 })],
    };

    const response = await handler(event);

    expect(response.batchItemFailures).toEqual([]);
    expect(forecasts.history).toHaveLength(1);
    const stored = (await forecasts.latest())!;
    const expected = forecast({ asOf: NOW, orders: await states.listActive() });
    expect(stored.orders).toEqual(expected.orders);
    expect(stored.kpis).toEqual(expected.kpis);
    expect(stored).toMatchObject({
      asOf: NOW,
      generatedAt: NOW + 5,
      model: { name: 'order-flow' },
      simCoreVersion: expected.simCoreVersion,
    });
    expect(stored.stateVersion).toEqual({
      latestEventAt: latestEventClock(await states.listActive(), event.Records),
      activeOrders: 3,
    });
    expect(stored.timings.simulateMs).toBeGreaterThanOrEqual(0);
  });

  it('makes a Monte Carlo forecast when asked for replications, as sim-core does for the same snapshot', async () => {
    const states = await storeWith(['a', '5'], ['b', '4'], ['c', '2']);
    const forecasts = new InMemoryForecastStore();
    const parameters = { productionTime: { dist: 'uniform' as const, min: 300_000, max: 900_000 } };
    const handler = createForecastHandler({
      states,
      forecasts,
      logger,
      parameters,
      replications: 50,
      clock: () => NOW,
    });

    await handler({ Records: [change('INSERT', undefined, active)] });

    const stored = (await forecasts.latest())!;
    const expected = forecastMonteCarlo({ asOf: NOW, orders: await states.listActive() }, undefined, {
      parameters,
      replications: 50,
    });
    expect(stored.monteCarlo).toEqual({ replications: 50, seed: 1 });
    expect(stored.orders).toEqual(expected.orders);
    expect(stored.orders.every((o) => o.completedAtP90 !== undefined)).toBe(true);
  });

  it('makes no forecast when no change can move it', async () => {
    const forecasts = new InMemoryForecastStore();
    const handler = createForecastHandler({ states: await storeWith(['a', '3']), forecasts, logger });

    await handler({ Records: [change('MODIFY', active, { ...active, updatedAt: 7 })] });

    expect(forecasts.history).toHaveLength(0);
  });

  it('forgets everything between invocations: a warm container shows no order from a previous run', async () => {
    const forecasts = new InMemoryForecastStore();
    const states = await storeWith(['a', '5'], ['b', '3']);
    const handler = createForecastHandler({ states, forecasts, logger, clock: latestEventClock });
    await handler({ Records: [change('INSERT', undefined, active)] });
    for (const e of lifecycle('a').slice(5)) await states.apply(toDomainEvent(e));

    const delivered = (await states.get('a'))!;
    await handler({ Records: [change('MODIFY', active, delivered)] });

    const [first, second] = forecasts.history;
    expect(first!.orders.map((o) => o.orderId).sort()).toEqual(['a', 'b']);
    expect(second!.orders.map((o) => o.orderId)).toEqual(['b']);
    expect(second!.asOf).toBeGreaterThan(first!.asOf);
  });

  it('replaces the forecast by the next one of the same moment: a batch of events no later than the latest seen', async () => {
    // The clock is the latest event (the embedded twin at any speed but real time): events of an
    // earlier time that arrive later leave the forecast's moment where it was.
    const states = new InMemoryStateStore();
    for (const e of [...lifecycle('a', 10).slice(0, 5), ...lifecycle('b').slice(0, 3)]) {
      await states.apply(toDomainEvent(e));
    }
    const forecasts = new InMemoryForecastStore();
    let generated = NOW;
    const handler = createForecastHandler({
      states,
      forecasts,
      logger,
      clock: latestEventClock,
      now: () => ++generated,
    });
    const before = (await states.get('b'))!;
    await handler({ Records: [change('INSERT', undefined, before)] });
    const first = (await forecasts.latest())!;

    await states.apply(toDomainEvent(lifecycle('b')[3]!));
    const arrived = (await states.get('b'))!;
    await handler({ Records: [change('MODIFY', before, arrived)] });

    const latest = (await forecasts.latest())!;
    expect(latest.asOf).toBe(first.asOf);
    expect(latest.generatedAt).toBeGreaterThan(first.generatedAt);
    expect(latest.orders).toEqual(forecast({ asOf: first.asOf, orders: await states.listActive() }).orders);
    expect(latest.orders).not.toEqual(first.orders);
  });

  it('asks for the batch again, from its first record, when the forecast fails', async () => {
    const states = await storeWith(['a', '2']);
    const forecasts = new InMemoryForecastStore();
    forecasts.save = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const handler = createForecastHandler({ states, forecasts, logger });
    const event = {
      Records: [change('INSERT', undefined, active), change('MODIFY', active, { ...active, eta: 4 })],
    };

    const response = await handler(event);

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: event.Records[0]!.dynamodb!.SequenceNumber },
    ]);
  });
});

describe('a forecast that reaches its limit', () => {
  it('keeps the previous forecast, logs the reason without a stack trace, and asks for no retry', async () => {
    const states = await storeWith(['a', '2'], ['b', '3']);
    const forecasts = new InMemoryForecastStore();
    const { lines, logger: recorded } = recordingLogger();
    const previous = createForecastHandler({ states, forecasts, logger: recorded, clock: () => NOW });
    await previous({ Records: [change('INSERT', undefined, active)] });
    const kept = await forecasts.latest();
    const handler = createForecastHandler({
      states,
      forecasts,
      logger: recorded,
      clock: () => NOW + 60_000,
      limits: { maxEvents: 1 },
    });

    const response = await handler({ Records: [change('MODIFY', active, { ...active, eta: 4 })] });

    expect(response.batchItemFailures).toEqual([]);
    expect(forecasts.history).toHaveLength(1);
    expect(await forecasts.latest()).toEqual(kept);
    const error = lines.find((l) => l.level === 'error')!;
    expect(error.message).toBe('forecast stopped at its limit: the previous forecast stays');
    expect(error.extra).toMatchObject({
      reason: expect.stringMatching(/^the simulation processed 1 event \(its limit\) and had not ended/),
      bound: 'events',
      limit: 1,
      records: 1,
    });
    expect(Object.values(error.extra).some((v) => v instanceof Error)).toBe(false);
  });

  it('stops at 40 s of wall time by default, within the Lambda’s 60 s timeout', async () => {
    const states = await storeWith(['a', '2']);
    const forecasts = new InMemoryForecastStore();
    const { lines, logger: recorded } = recordingLogger();
    let now = 0;
    const handler = createForecastHandler({
      states,
      forecasts,
      logger: recorded,
      replications: 50,
      // Each look at the clock finds 5 s more gone: the 9th (after 40 s) stops the forecast.
      limits: {
        clock: () => {
          now += 5000;
          return now;
        },
      },
    });

    const response = await handler({ Records: [change('INSERT', undefined, active)] });

    expect(FORECAST_MAX_WALL_MS).toBe(40_000);
    expect(response.batchItemFailures).toEqual([]);
    expect(forecasts.history).toHaveLength(0);
    expect(lines.find((l) => l.level === 'error')!.extra).toMatchObject({
      bound: 'wall-time',
      limit: 40_000,
    });
  });

  it('refuses, when the function starts, more replications than a deploy may ask for', () => {
    const states = new InMemoryStateStore();
    const forecasts = new InMemoryForecastStore();

    for (const replications of [0, 10_001, 1e9, 2.5]) {
      expect(() => createForecastHandler({ states, forecasts, logger, replications })).toThrow(
        `the forecast's replications (FORECAST_REPLICATIONS) must be a whole number from 1 to 10,000, got ${replications}`,
      );
    }
    expect(MAX_LAMBDA_REPLICATIONS).toBe(10_000);
    expect(() => createForecastHandler({ states, forecasts, logger, replications: 10_000 })).not.toThrow();
  });
});

describe("the twin's recommendations with the forecast", () => {
  const MIN = 60_000;
  const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

  /** The seed article's sample flow as the ingest keeps it at `t`: every event up to `t`, applied. */
  async function demoPlantAt(t: number): Promise<InMemoryStateStore> {
    const store = new InMemoryStateStore();
    for (const event of plantEvents(runPlant(demoOrders(T0)), t)) {
      await store.apply(toDomainEvent(OrderEventSchema.parse(event)));
    }
    return store;
  }

  it("recommends expediting order 2's material when order 3 is late behind it, in plain words", async () => {
    const states = await demoPlantAt(T0 + 16 * MIN);
    const forecasts = new InMemoryForecastStore();
    const handler = createForecastHandler({ states, forecasts, logger, clock: () => T0 + 16 * MIN });

    const response = await handler({ Records: [change('INSERT', undefined, active)] });

    expect(response.batchItemFailures).toEqual([]);
    const stored = (await forecasts.latest())!;
    expect(stored.orders.find((o) => o.orderId === 'order-3')).toMatchObject({
      late: true,
      delayCause: 'knock-on',
    });
    expect(stored.recommendations!.map((r) => r.text)).toContain(
      "Expedite order-2's material by 3 min 20 s: 1 fewer late order (at the means)",
    );
    expect(stored.recommendations!.find((r) => r.name.startsWith('Expedite'))).toEqual({
      name: "Expedite order-2's material by 3 min 20 s",
      text: "Expedite order-2's material by 3 min 20 s: 1 fewer late order (at the means)",
      changes: [{ change: 'expedite', order: 'order-2', eta: new Date(T0 + 20 * MIN).toISOString() }],
      decidedBy: 'late-orders',
      gain: {
        lateOrders: 1,
        totalLatenessMs: expect.any(Number),
        makespanMs: expect.any(Number),
        throughput: 0,
      },
      replications: 0,
      bringsOnTime: ['order-3'],
      makesLate: [],
    });
    expect(stored.timings.recommendMs).toBeLessThanOrEqual(DEFAULT_RECOMMEND_BUDGET_MS);
    expect(forecasts.history[0]).toEqual(stored);
  });

  it('judges them on draws of the future when the forecast is Monte Carlo', async () => {
    const states = await demoPlantAt(T0 + 16 * MIN);
    const forecasts = new InMemoryForecastStore();
    const handler = createForecastHandler({
      states,
      forecasts,
      logger,
      parameters: { productionTime: { dist: 'uniform' as const, min: 540_000, max: 660_000 } },
      replications: 20,
      clock: () => T0 + 16 * MIN,
      // The most there is: a busy machine does not cut the draws this test reads.
      recommendBudgetMs: 10_000,
    });

    await handler({ Records: [change('INSERT', undefined, active)] });

    const stored = (await forecasts.latest())!;
    const expedite = stored.recommendations!.find((r) => r.name.startsWith("Expedite order-2's material"))!;
    expect(expedite.replications).toBeGreaterThanOrEqual(2);
    expect(expedite.text).toMatch(/: .* fewer late orders?, 95 % CI \[/);
    expect(expedite.decidedBy).toBe('late-orders');
    expect(expedite.ci![0]).toBeLessThanOrEqual(expedite.gain.lateOrders);
    expect(expedite.ci![1]).toBeGreaterThanOrEqual(expedite.gain.lateOrders);
    expect(expedite.gain.lateOrders).toBeGreaterThan(0);
  });

  it('recommends for each plant of a batch, the plants sharing the budget', async () => {
    const at = T0 + 16 * MIN;
    const states = new InMemoryStateStore();
    for (const plantId of [undefined, 'north']) {
      for (const event of plantEvents(runPlant(demoOrders(T0)), at)) {
        await states.apply(toDomainEvent(OrderEventSchema.parse({ ...event, ...(plantId && { plantId }) })));
      }
    }
    const batch = {
      Records: [
        change('INSERT', undefined, active),
        change('INSERT', undefined, { ...active, orderId: '@north/o1' }),
      ],
    };
    const run = async (recommendBudgetMs: number) => {
      const forecasts = new InMemoryForecastStore();
      const handler = createForecastHandler({
        states,
        forecasts,
        logger,
        clock: () => at,
        recommendBudgetMs,
      });
      await handler(batch);
      return [await forecasts.latest(), await forecasts.latest('north')];
    };

    // Each plant of the batch gets its recommendations, within its share of the budget.
    for (const stored of await run(2_000)) {
      expect(stored!.recommendations!.map((r) => r.name)).toContain(
        "Expedite order-2's material by 3 min 20 s",
      );
      expect(stored!.timings.recommendMs).toBeLessThanOrEqual(1_000);
    }
    expect([recommendShareMs(500, 1), recommendShareMs(500, 50), recommendShareMs(500, 1_000)]).toEqual([
      500, 10, 0,
    ]);
  });

  it('writes the forecast first: readable while the twin looks for them, which then follow it', async () => {
    const states = await demoPlantAt(T0 + 16 * MIN);
    const forecasts = new InMemoryForecastStore();
    const seen: string[] = [];
    const save = forecasts.save.bind(forecasts);
    forecasts.save = async (record) => {
      seen.push(`saved, recommendations ${record.recommendations === undefined ? 'absent' : 'present'}`);
      return save(record);
    };
    const saveRecommendations = forecasts.saveRecommendations.bind(forecasts);
    forecasts.saveRecommendations = async (record, recommendations, recommendMs) => {
      const readable = await forecasts.latest();
      seen.push(`recommendations of ${record.asOf === readable?.asOf ? 'the latest' : 'another'} forecast`);
      expect(readable!.recommendations).toBeUndefined();
      return saveRecommendations(record, recommendations, recommendMs);
    };
    const handler = createForecastHandler({ states, forecasts, logger, clock: () => T0 + 16 * MIN });

    await handler({ Records: [change('INSERT', undefined, active)] });

    expect(seen).toEqual(['saved, recommendations absent', 'recommendations of the latest forecast']);
    expect((await forecasts.latest())!.recommendations!.length).toBeGreaterThan(0);
  });

  it('looks for none for a forecast already stale, and warns when they cannot be stored', async () => {
    const states = await demoPlantAt(T0 + 16 * MIN);
    const forecasts = new InMemoryForecastStore();
    const { lines, logger: recorded } = recordingLogger();
    forecasts.saveRecommendations = async () => {
      throw new Error('the table is gone');
    };
    const at = (t: number) =>
      createForecastHandler({ states, forecasts, logger: recorded, clock: () => T0 + t * MIN });

    const response = await at(16)({ Records: [change('INSERT', undefined, active)] });
    expect(response.batchItemFailures).toEqual([]);
    expect(lines.find((l) => l.level === 'warn')).toMatchObject({
      message: 'recommendations not stored: the forecast stays without them',
    });
    expect((await forecasts.latest())!.recommendations).toBeUndefined();
    expect((await forecasts.latest())!.kpis.ordersLate).toBeGreaterThan(0);

    lines.length = 0;
    await at(15)({ Records: [change('INSERT', undefined, active)] });
    expect(forecasts.history).toHaveLength(2);
    expect(forecasts.history[1]!.kpis.ordersLate).toBeGreaterThan(0);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
    expect(lines.map((l) => l.message)).toContain('forecast kept in history only: a newer one is stored');
  });

  describe('on a thread of the pool, when the forecast has one', () => {
    const pool = new ReplicationPool(1);
    afterAll(() => pool.close());

    it('gives what this thread would, and leaves this thread free meanwhile', async () => {
      const states = await demoPlantAt(T0 + 16 * MIN);
      const snapshot = { asOf: T0 + 16 * MIN, orders: await states.listActive() };
      const here = recommend(snapshot, orderFlowModel);
      let turns = 0;
      const ticking = setInterval(() => turns++, 1);
      const there = await pool.recommend({ snapshot, model: orderFlowModel, options: {} });
      clearInterval(ticking);
      expect(there).toEqual(here);
      expect(there.recommendations.length).toBeGreaterThan(0);
      expect(turns, 'timer turns of this thread while the pool recommended').toBeGreaterThan(0);

      const forecasts = new InMemoryForecastStore();
      await createForecastHandler({ states, forecasts, logger, clock: () => T0 + 16 * MIN, pool })({
        Records: [change('INSERT', undefined, active)],
      });
      const stored = (await forecasts.latest())!;
      expect(stored.recommendations!.map((r) => r.text)).toEqual(here.recommendations.map((r) => r.text));
      expect(pool.running).toBe(1);
    });

    it('looks for them while the forecast is written; a stale forecast waits for them and drops them', async () => {
      const states = await demoPlantAt(T0 + 16 * MIN);
      const seen: string[] = [];
      let settled = 0;
      // The pool, its recommendations watched: when they are posted, and when they are back.
      const watched = Object.assign(Object.create(pool) as ReplicationPool, {
        recommend: (task: Parameters<ReplicationPool['recommend']>[0]) => {
          seen.push('recommendations posted');
          return pool.recommend(task).finally(() => settled++);
        },
      });
      const forecasts = new InMemoryForecastStore();
      const save = forecasts.save.bind(forecasts);
      forecasts.save = async (record) => {
        seen.push('forecast written');
        return save(record);
      };
      const saveRecommendations = forecasts.saveRecommendations.bind(forecasts);
      forecasts.saveRecommendations = async (record, recommendations, recommendMs) => {
        seen.push('recommendations stored');
        return saveRecommendations(record, recommendations, recommendMs);
      };
      const at = (t: number) =>
        createForecastHandler({ states, forecasts, logger, clock: () => T0 + t * MIN, pool: watched })({
          Records: [change('INSERT', undefined, active)],
        });

      await at(16);
      expect(seen).toEqual(['recommendations posted', 'forecast written', 'recommendations stored']);
      expect((await forecasts.latest())!.recommendations!.length).toBeGreaterThan(0);
      expect(settled).toBe(1);

      seen.length = 0;
      await at(15);
      expect(seen).toEqual(['recommendations posted', 'forecast written']);
      expect(forecasts.history).toHaveLength(2);
      expect(forecasts.history[1]!.recommendations).toBeUndefined();
      expect(settled, 'recommendations still running after the invocation').toBe(2);
    });

    it("takes a Monte Carlo forecast's draws as their baseline: the recommendations of drawing it again", async () => {
      const states = await demoPlantAt(T0 + 16 * MIN);
      const parameters = { productionTime: { dist: 'uniform' as const, min: 540_000, max: 660_000 } };
      const tasks: Parameters<ReplicationPool['recommend']>[0][] = [];
      const watched = Object.assign(Object.create(pool) as ReplicationPool, {
        recommend: (task: Parameters<ReplicationPool['recommend']>[0]) => {
          tasks.push(task);
          return pool.recommend(task);
        },
      });
      const forecasts = new InMemoryForecastStore();
      await createForecastHandler({
        states,
        forecasts,
        logger,
        parameters,
        replications: 20,
        clock: () => T0 + 16 * MIN,
        pool: watched,
        // The most there is: a busy machine does not cut the draws drawn again below.
        recommendBudgetMs: 10_000,
      })({ Records: [change('INSERT', undefined, active)] });

      expect(tasks).toHaveLength(1);
      expect(tasks[0]!.options.baseline).toMatchObject({ seed: 1, replications: 20 });
      const snapshot = { asOf: T0 + 16 * MIN, orders: await states.listActive() };
      const drawnAgain = recommend(snapshot, orderFlowModel, { parameters, replications: 20 });
      const stored = (await forecasts.latest())!.recommendations!;
      expect(stored.length).toBeGreaterThan(0);
      // Their texts carry the means and the intervals: the same draws, the same words.
      expect(stored.map((r) => [r.text, r.replications])).toEqual(
        drawnAgain.recommendations.map((r) => [r.text, 20]),
      );
    });

    it('reports a limit reached there as here', async () => {
      const states = await demoPlantAt(T0 + 16 * MIN);
      const snapshot = { asOf: T0 + 16 * MIN, orders: await states.listActive() };
      const task = { snapshot, model: orderFlowModel, options: { limits: { maxEvents: 3 } } };
      const error = await pool.recommend(task).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SimulationLimitError);
      expect(error).toMatchObject({ bound: 'events', limit: 3 });
      expect(() => recommend(snapshot, orderFlowModel, task.options)).toThrow((error as Error).message);
    });

    it('counts the time the task waited for the thread against its limit and budget', async () => {
      const states = await demoPlantAt(T0 + 16 * MIN);
      const snapshot = { asOf: T0 + 16 * MIN, orders: await states.listActive() };
      const options = { budgetMs: 1_000, limits: { maxWallMs: 1_000 } };
      const now = Date.now();
      // Posted 2 s ago: nothing left of a 1 s limit, so none are looked for.
      expect(() =>
        runRecommendTask({ snapshot, model: orderFlowModel, options, postedAt: now - 2_000 }, now),
      ).toThrow('the recommendations waited 2,000 ms for a thread, their whole wall-time limit of 1,000 ms');
      const error = await pool
        .recommend({ snapshot, model: orderFlowModel, options, postedAt: Date.now() - 2_000 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ bound: 'wall-time', limit: 1_000 });
      // Posted a moment ago: what is left is enough, and they are what this thread finds.
      const fresh = runRecommendTask({ snapshot, model: orderFlowModel, options, postedAt: now - 100 }, now);
      expect(fresh).toEqual(recommend(snapshot, orderFlowModel, options));
    });
  });

  it('looks for none when every order is on time', async () => {
    const states = await demoPlantAt(T0 + 5 * MIN);
    const forecasts = new InMemoryForecastStore();
    const handler = createForecastHandler({ states, forecasts, logger, clock: () => T0 + 5 * MIN });

    await handler({ Records: [change('INSERT', undefined, active)] });

    const stored = (await forecasts.latest())!;
    expect(stored.kpis.ordersLate).toBe(0);
    expect(stored.recommendations).toBeUndefined();
    expect(stored.timings.recommendMs).toBeUndefined();
  });

  it('looks for none with a budget of 0', async () => {
    const states = await demoPlantAt(T0 + 16 * MIN);
    const forecasts = new InMemoryForecastStore();
    const handler = createForecastHandler({
      states,
      forecasts,
      logger,
      clock: () => T0 + 16 * MIN,
      recommendBudgetMs: 0,
    });

    await handler({ Records: [change('INSERT', undefined, active)] });

    const stored = (await forecasts.latest())!;
    expect(stored.kpis.ordersLate).toBeGreaterThan(0);
    expect(stored.recommendations).toBeUndefined();
  });

  it('writes the forecast without them, and warns, when they run out of their budget', async () => {
    const states = await demoPlantAt(T0 + 16 * MIN);
    const forecasts = new InMemoryForecastStore();
    const { lines, logger: recorded } = recordingLogger();
    let now = 0;
    const handler = createForecastHandler({
      states,
      forecasts,
      logger: recorded,
      clock: () => T0 + 16 * MIN,
      // Each look at the clock finds 1 s more gone: the forecast (40 s) ends, the recommendations (0.5 s) do not.
      limits: {
        clock: () => {
          now += 1000;
          return now;
        },
      },
    });

    const response = await handler({ Records: [change('INSERT', undefined, active)] });

    expect(response.batchItemFailures).toEqual([]);
    expect(forecasts.history).toHaveLength(1);
    const stored = (await forecasts.latest())!;
    expect(stored.kpis.ordersLate).toBeGreaterThan(0);
    expect(stored.recommendations).toBeUndefined();
    const warning = lines.find((l) => l.level === 'warn')!;
    expect(warning.message).toBe('recommendations left out: the forecast is written without them');
    expect(warning.extra).toMatchObject({ bound: 'wall-time', limit: 500, budgetMs: 500 });
    expect(lines.find((l) => l.level === 'info')!.message).toBe('forecast written');
  });

  it('refuses, when the function starts, a budget that is not a whole number of ms from 0 to 10 s', () => {
    const states = new InMemoryStateStore();
    const forecasts = new InMemoryForecastStore();

    for (const recommendBudgetMs of [-1, 10_001, 2.5, Number.NaN]) {
      expect(() => createForecastHandler({ states, forecasts, logger, recommendBudgetMs })).toThrow(
        `the recommendations' budget (FORECAST_RECOMMEND_BUDGET_MS) must be a whole number of ms from 0 to 10,000, got ${recommendBudgetMs}`,
      );
    }
    expect(() =>
      createForecastHandler({ states, forecasts, logger, recommendBudgetMs: 10_000 }),
    ).not.toThrow();
  });
});

describe('forecast encoding', () => {
  it('compresses a forecast and restores it whole, over several chunks if need be', async () => {
    const states = await storeWith(...Array.from({ length: 300 }, (_, i) => [`o${i}`, String(1 + (i % 6))]));
    const record = {
      ...forecast({ asOf: NOW, orders: await states.listActive() }),
      generatedAt: NOW,
      stateVersion: { latestEventAt: NOW, activeOrders: 300 },
      timings: { readMs: 1, simulateMs: 2 },
    };

    const chunks = await encodeForecast(record, 4_000);

    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.length <= 4_000)).toBe(true);
    expect(await decodeForecast(chunks, FORECAST_ENCODING)).toEqual(record);
  });

  /** A stored forecast of `n` orders, as the handler makes it. */
  async function recordOf(n: number) {
    const states = await storeWith(...Array.from({ length: n }, (_, i) => [`o${i}`, String(1 + (i % 6))]));
    return {
      ...forecast({ asOf: NOW, orders: await states.listActive() }),
      generatedAt: NOW,
      stateVersion: { latestEventAt: NOW, activeOrders: n },
      timings: { readMs: 1, simulateMs: 2 },
    };
  }

  it('stores a forecast smaller than gzip did (fewer write units), and still reads one stored with gzip', async () => {
    const record = await recordOf(200);
    const gzipped = gzipSync(JSON.stringify(record), { level: 6 });

    const stored = Buffer.concat(await encodeForecast(record));

    expect(stored.length).toBeLessThan(0.9 * gzipped.length);
    expect(await decodeForecast([gzipped])).toEqual(record);
    expect(await decodeForecast([gzipped], 'gzip-json')).toEqual(record);
  });

  it('refuses an encoding it does not know, naming it and the ones it reads', async () => {
    const chunks = await encodeForecast(await recordOf(3));

    await expect(decodeForecast(chunks, 'zstd-json')).rejects.toThrow(
      'a stored forecast\'s encoding is "zstd-json", which this twin cannot read (it reads br-json and gzip-json)',
    );
  });
});
