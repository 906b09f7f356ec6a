// Lateness alerts: one per change of an order's outlook (late, at risk, on time), none per forecast;
// a stale forecast raises nothing; a failed publication is raised again by the next forecast.
import type { Logger } from '@aws-lambda-powertools/logger';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert, AlertSink, LatenessAlert, LatenessChange } from '../../contracts/alerts.ts';
import { InMemoryAlertSink } from '../../contracts/alerts.ts';
import { OrderEventSchema } from '../../contracts/events.ts';
import type { OrderForecast } from '../../contracts/forecastRecord.ts';
import { InMemoryAlertStateStore } from '../../forecast/AlertStateStore.ts';
import { fanOut, snsMessageOf } from '../../forecast/alertSinks.ts';
import { InMemoryForecastStore } from '../../forecast/ForecastStore.ts';
import { createForecastHandler } from '../../forecast/forecastHandler.ts';
import { latenessAlerts, outlookOf } from '../../forecast/latenessAlerts.ts';
import { raiseLatenessAlerts } from '../../forecast/raiseLatenessAlerts.ts';
import { demoOrders, plantEvents, runPlant } from '../../orderflow/index.ts';
import { toDomainEvent } from '../../state/events.ts';
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;

/** An order's forecast with the outlook asked for (late by 80 s, at risk at 70 %, else on time). */
function order(orderId: string, outlook: LatenessChange, extra: Partial<OrderForecast> = {}): OrderForecast {
  return {
    orderId,
    product: 'p',
    position: { kind: 'queue', step: 'production', station: 'line' },
    completedAt: T0 + 40 * MIN,
    plannedCompletedAt: T0 + 40 * MIN,
    delayMs: 0,
    dueAt: T0 + 40 * MIN,
    late: outlook === 'late',
    latenessMs: outlook === 'late' ? 80_000 : -60_000,
    delayCause: outlook === 'on-time' ? 'none' : 'knock-on',
    ...(outlook !== 'on-time' && { delayStation: 'line' }),
    steps: [
      { step: 'material', kind: 'material', start: T0, end: T0 + 10 * MIN, actual: true },
      {
        step: 'production',
        station: 'line',
        kind: 'queue',
        start: T0 + 10 * MIN,
        end: T0 + 30 * MIN,
        actual: false,
      },
      {
        step: 'production',
        station: 'line',
        kind: 'operation',
        start: T0 + 30 * MIN,
        end: T0 + 40 * MIN,
        actual: false,
      },
    ],
    ...(outlook === 'at-risk' && { onTimeProbability: 0.7 }),
    ...extra,
  };
}

const quietLogger = () => {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (message: string) => void warnings.push(message) } };
};

function raiser() {
  const sink = new InMemoryAlertSink();
  const state = new InMemoryAlertStateStore();
  const { logger, warnings } = quietLogger();
  const raise = (asOf: number, orders: OrderForecast[]) =>
    raiseLatenessAlerts({ asOf, orders }, { sink, state, logger, now: () => asOf + 5 });
  return { sink, state, raise, warnings };
}

const lateness = (alerts: readonly Alert[]) => alerts as LatenessAlert[];

describe('an order’s outlook', () => {
  it('is late when the forecast says late, at risk when on time at the means but late in a fifth of the draws or more', () => {
    expect(outlookOf({ late: true })).toBe('late');
    expect(outlookOf({ late: true, onTimeProbability: 0.1 })).toBe('late');
    expect(outlookOf({ late: false, onTimeProbability: 0.8 })).toBe('at-risk');
    expect(outlookOf({ late: false, onTimeProbability: 0.81 })).toBe('on-time');
    expect(outlookOf({ late: false })).toBe('on-time');
  });
});

describe('lateness alerts from one forecast to the next', () => {
  it('raises one alert for an order newly late, with its lateness, cause, station and step in one line', () => {
    const alerts = latenessAlerts({}, [order('o1', 'on-time'), order('o2', 'late')], {
      asOf: T0,
      raisedAt: T0 + 1,
      basis: 3,
    });

    expect(alerts).toEqual([
      {
        kind: 'lateness',
        id: 'lateness-3-o2-on-time-late',
        asOf: T0,
        raisedAt: T0 + 1,
        orderId: 'o2',
        change: 'late',
        was: 'on-time',
        latenessMs: 80_000,
        cause: 'knock-on',
        station: 'line',
        step: 'production',
        text: 'o2 will be 1 min 20 s late (knock-on, at line)',
      },
    ]);
  });

  it('raises one for an order newly at risk, with its chance to be on time', () => {
    const [alert] = latenessAlerts({}, [order('o1', 'at-risk')], { asOf: T0, raisedAt: T0, basis: 0 });

    expect(alert).toMatchObject({ orderId: 'o1', change: 'at-risk', was: 'on-time', onTimeProbability: 0.7 });
    expect(alert!.text).toBe('o1 is at risk: on time in 70 % of the draws (knock-on, at line)');
  });

  it('raises one for an order no longer late, and one for an order late that was at risk', () => {
    const alerts = latenessAlerts(
      { o1: 'late', o2: 'at-risk' },
      [order('o1', 'on-time'), order('o2', 'late')],
      {
        asOf: T0,
        raisedAt: T0,
        basis: 1,
      },
    );

    expect(alerts.map((a) => [a.orderId, a.was, a.change])).toEqual([
      ['o1', 'late', 'on-time'],
      ['o2', 'at-risk', 'late'],
    ]);
    expect(alerts[0]!.text).toBe('o1 is on time again (was late)');
  });

  it('raises nothing when no outlook changed, nor for an order that left the plant', () => {
    const alerts = latenessAlerts(
      { o1: 'late', gone: 'late' },
      [order('o1', 'late', { latenessMs: 300_000 }), order('o2', 'on-time')],
      { asOf: T0, raisedAt: T0, basis: 1 },
    );

    expect(alerts).toEqual([]);
  });
});

describe('raising lateness alerts after each saved forecast', () => {
  it('raises each change once over many forecasts, never once per forecast', async () => {
    const { sink, raise } = raiser();

    await raise(T0, [order('o1', 'on-time'), order('o2', 'on-time')]);
    await raise(T0 + MIN, [order('o1', 'late'), order('o2', 'on-time')]);
    await raise(T0 + 2 * MIN, [order('o1', 'late', { latenessMs: 200_000 }), order('o2', 'at-risk')]);
    await raise(T0 + 3 * MIN, [order('o1', 'late'), order('o2', 'at-risk')]);
    await raise(T0 + 4 * MIN, [order('o1', 'on-time'), order('o2', 'at-risk')]);

    expect(lateness(sink.alerts).map((a) => [a.asOf - T0, a.orderId, a.change])).toEqual([
      [MIN, 'o1', 'late'],
      [2 * MIN, 'o2', 'at-risk'],
      [4 * MIN, 'o1', 'on-time'],
    ]);
  });

  it('raises nothing for a forecast older than the one that last raised alerts', async () => {
    const { sink, raise } = raiser();
    await raise(T0 + 2 * MIN, [order('o1', 'late')]);

    const { outcome, alerts } = await raise(T0 + MIN, [order('o1', 'on-time'), order('o2', 'late')]);

    expect(outcome).toBe('stale');
    expect(alerts).toEqual([]);
    expect(sink.alerts.map((a) => a.asOf)).toEqual([T0 + 2 * MIN]);
  });

  it('keeps the state when publishing fails, so that the next forecast raises the change again with the same id', async () => {
    const state = new InMemoryAlertStateStore();
    const delivered = new InMemoryAlertSink();
    let down = true;
    const flaky: AlertSink = {
      publish: async (alerts) => {
        if (down) throw new Error('topic unreachable');
        await delivered.publish(alerts);
      },
    };
    const { logger, warnings } = quietLogger();
    const raise = (asOf: number, orders: OrderForecast[]) =>
      raiseLatenessAlerts({ asOf, orders }, { sink: flaky, state, logger, now: () => asOf });

    const failed = await raise(T0, [order('o1', 'late')]);
    down = false;
    const again = await raise(T0 + MIN, [order('o1', 'late')]);
    const after = await raise(T0 + 2 * MIN, [order('o1', 'late')]);

    expect(failed.outcome).toBe('unpublished');
    expect(warnings).toEqual(['lateness alerts not published: the next forecast raises them again']);
    expect(again.outcome).toBe('raised');
    expect(lateness(delivered.alerts).map((a) => [a.orderId, a.change, a.asOf])).toEqual([
      ['o1', 'late', T0 + MIN],
    ]);
    expect(again.alerts[0]!.id).toBe(failed.alerts[0]!.id);
    expect(after.alerts).toEqual([]);
  });

  it('lets only one of two forecasts racing from the same state advance it; the other compares again', async () => {
    const { sink, state, raise } = raiser();
    await raise(T0, [order('o1', 'on-time')]);
    // The newer forecast reads the state, then an older one advances it under it.
    const read = state.read.bind(state);
    let interleaved = false;
    state.read = async () => {
      const seen = await read();
      if (!interleaved) {
        interleaved = true;
        await state.advance(
          { asOf: T0 + MIN, version: (seen?.version ?? 0) + 1, outlooks: { o1: 'late' } },
          seen?.version,
        );
      }
      return seen;
    };

    const { outcome } = await raise(T0 + 2 * MIN, [order('o1', 'late'), order('o2', 'late')]);

    expect(outcome).toBe('raised');
    expect((await state.read())!.outlooks).toEqual({ o1: 'late', o2: 'late' });
    // Its first attempt published both; its second found o1 raised by the other and raised o2 only again.
    expect(lateness(sink.alerts).map((a) => a.orderId)).toEqual(['o1', 'o2', 'o2']);
    expect(sink.alerts[1]!.id).not.toBe(sink.alerts[2]!.id);
  });

  it('raises exactly as many alerts as outlook changes, for any sequence of forecasts', async () => {
    const outlook = fc.constantFrom<LatenessChange>('late', 'at-risk', 'on-time');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(outlook, { minLength: 3, maxLength: 3 }), { maxLength: 12 }),
        async (seq) => {
          const { sink, raise } = raiser();
          for (const [i, outlooks] of seq.entries()) {
            await raise(
              T0 + i * MIN,
              outlooks.map((o, k) => order(`o${k}`, o)),
            );
          }
          let changes = 0;
          for (let k = 0; k < 3; k++) {
            let was: LatenessChange = 'on-time';
            for (const outlooks of seq) {
              if (outlooks[k] !== was) changes++;
              was = outlooks[k]!;
            }
          }
          expect(sink.alerts).toHaveLength(changes);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('alert sinks', () => {
  const alert = latenessAlerts({}, [order('o2', 'late')], { asOf: T0, raisedAt: T0, basis: 0 })[0]!;

  it('publishes to every sink, and fails when one failed, after trying the others', async () => {
    const a = new InMemoryAlertSink();
    const broken: AlertSink = { publish: async () => Promise.reject(new Error('down')) };

    await expect(fanOut(a, broken).publish([alert])).rejects.toThrow('down');
    expect(a.alerts).toEqual([alert]);
  });

  it('makes an SNS message of an alert: its line as the subject, JSON as the body, its kind as an attribute', () => {
    const message = snsMessageOf({ ...alert, text: `${'x'.repeat(120)} → é` });

    expect(message.Subject).toHaveLength(100);
    expect(message.Subject).toMatch(/^Twin: x+\.\.\.$/);
    expect(JSON.parse(message.Message)).toMatchObject({ kind: 'lateness', orderId: 'o2' });
    expect(message.MessageAttributes.kind).toEqual({ DataType: 'String', StringValue: 'lateness' });
    expect(message.MessageAttributes.change!.StringValue).toBe('late');
    expect(snsMessageOf({ ...alert, text: 'o2 → late' }).Subject).toBe('Twin: o2 ? late');
  });
});

describe('the forecast handler with alerts', () => {
  /** The seed article's sample flow as the ingest keeps it at `t`. */
  async function demoPlantAt(t: number): Promise<InMemoryStateStore> {
    const store = new InMemoryStateStore();
    for (const event of plantEvents(runPlant(demoOrders(T0)), t)) {
      await store.apply(toDomainEvent(OrderEventSchema.parse(event)));
    }
    return store;
  }
  const item = { orderId: 'order-3', status: 'ready', activeShard: '0', updatedAt: T0 };
  const changed: DynamoDBStreamEvent = {
    Records: [
      {
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        dynamodb: {
          NewImage: marshall(item) as never,
          SequenceNumber: '1',
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      },
    ],
  };
  const logs = () => {
    const warnings: string[] = [];
    const at = (list?: string[]) => (message: string) => void list?.push(message);
    return {
      warnings,
      logger: { info: at(), debug: at(), warn: at(warnings), error: at() } as unknown as Logger,
    };
  };

  it('raises the alerts of a forecast saved as the latest, and none for an older one that comes after it', async () => {
    const forecasts = new InMemoryForecastStore();
    const sink = new InMemoryAlertSink();
    const alertState = new InMemoryAlertStateStore();
    const { logger } = logs();
    const at = (states: InMemoryStateStore, t: number) =>
      createForecastHandler({ states, forecasts, logger, clock: () => t, alerts: sink, alertState });

    const beforeSlip = await demoPlantAt(T0 + 12 * MIN);
    const afterSlip = await demoPlantAt(T0 + 16 * MIN);

    await at(beforeSlip, T0 + 16 * MIN)(changed);
    // Older by its asOf, though it sees order 3 late: a stale forecast, kept in history only.
    await at(afterSlip, T0 + 15 * MIN)(changed);
    await at(afterSlip, T0 + 17 * MIN)(changed);

    expect(forecasts.history).toHaveLength(3);
    expect(forecasts.history[1]!.orders.find((o) => o.orderId === 'order-3')!.late).toBe(true);
    expect(lateness(sink.alerts).map((a) => [a.orderId, a.change, a.asOf])).toEqual([
      ['order-3', 'late', T0 + 17 * MIN],
    ]);
    expect((await alertState.read())!.asOf).toBe(T0 + 17 * MIN);
  });

  it('keeps the forecast and reports the batch done when the alerts cannot be published', async () => {
    const states = await demoPlantAt(T0 + 16 * MIN);
    const forecasts = new InMemoryForecastStore();
    const { logger, warnings } = logs();
    const handler = createForecastHandler({
      states,
      forecasts,
      logger,
      clock: () => T0 + 16 * MIN,
      alerts: { publish: () => Promise.reject(new Error('topic unreachable')) },
      alertState: new InMemoryAlertStateStore(),
    });

    const response = await handler(changed);

    expect(response.batchItemFailures).toEqual([]);
    expect((await forecasts.latest())!.asOf).toBe(T0 + 16 * MIN);
    expect(warnings).toContain('lateness alerts not published: the next forecast raises them again');
  });

  it('refuses an alert sink without the alerts state', () => {
    const { logger } = logs();
    expect(() =>
      createForecastHandler({
        states: new InMemoryStateStore(),
        forecasts: new InMemoryForecastStore(),
        logger,
        alerts: new InMemoryAlertSink(),
      }),
    ).toThrow('the forecast was given an alert sink without an alert state store (alertState)');
  });
});
