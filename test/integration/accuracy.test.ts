// Forecast accuracy from a twin's tables on DynamoDB Local: a plant's events applied one by one,
// a forecast after each (as the forecast Lambda makes them, with the replay clock), and the
// comparison of completions and of each step's end read back from the history, by the library and
// by `twin accuracy`.
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { accuracyFromTables } from '../../forecast/accuracyFromTables.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { latestEventClock, runForecast } from '../../forecast/forecastHandler.ts';
import { orderFlowModel } from '../../orderflow/index.ts';
import { modelHash } from '../../orderflow/model/modelHash.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { toDomainEvent } from '../../state/events.ts';
import { twin } from '../support/cli.ts';
import { useEmulators } from '../support/emulators.ts';
import { v1 } from '../support/events.ts';

const logger = new Logger({ serviceName: 'forecast', logLevel: 'SILENT' });
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;
const iso = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();

// The demo plant (material 10 min, production 10 min, one line). A is due at 30 and finishes at 20.
// B is due at 25; its material, due at 12, is announced at 14 for 25: until then B was forecast to
// follow A on the line (20 to 30, late), afterwards to run from 25 to 35, as it did.
const plant = [
  v1('OrderAccepted', 'A', 0, { dueAt: iso(30) }),
  v1('MaterialOrdered', 'A', 0, { eta: iso(10) }),
  v1('OrderAccepted', 'B', 2, { dueAt: iso(25) }),
  v1('MaterialOrdered', 'B', 2, { eta: iso(12) }),
  v1('MaterialArrived', 'A', 10),
  v1('ProductionStarted', 'A', 10),
  v1('EtaUpdated', 'B', 14, { eta: iso(25) }),
  v1('ProductionFinished', 'A', 20),
  v1('MaterialArrived', 'B', 25),
  v1('ProductionStarted', 'B', 25),
  v1('ProductionFinished', 'B', 35),
];

describe('forecast accuracy on DynamoDB Local', () => {
  // The default table names: `twin accuracy --endpoint` reads those.
  const env = useEmulators('kinesalite', { prefix: '' });

  it('compares each finished order with the forecast made a horizon before, read from the history', async () => {
    const { clients } = env;
    const states = new DynamoDbStateStore(clients.dynamodb, env.names.orderStateTable);
    const forecasts = new DynamoDbForecastStore(clients.documentClient, env.names.forecastsTable);
    for (const event of plant) {
      await states.apply(toDomainEvent(event));
      await runForecast({ states, forecasts, logger, clock: latestEventClock });
    }
    const progress: string[] = [];

    const report = await accuracyFromTables(clients, {
      horizonsMs: [5 * MIN, 15 * MIN, 25 * MIN, 60 * MIN],
      onRead: (read, total) => progress.push(`${read}/${total}`),
    });

    // One forecast per plant time (two at one time share a key: the later one is kept). Six of them
    // are in effect a horizon before a completion or a step's end.
    expect(report.finishedOrders).toBe(2);
    expect(report.model).toEqual({ name: 'order-flow', hash: modelHash(orderFlowModel) });
    expect(report.history).toEqual({ forecasts: 7, firstAsOf: T0, lastAsOf: T0 + 35 * MIN, read: 6 });
    expect(progress.at(-1)).toBe('6/6');
    const [five, fifteen, twentyFive, hour] = report.horizons;
    // 5 and 15 min ahead both were forecast exactly (A from 14 and 2, B from 25 and 20); B called late.
    for (const row of [five, fifteen]) {
      expect(row).toMatchObject({ orders: 2, biasMs: 0, maxAbsErrorMs: 0 });
      expect(row!.late).toEqual({ orders: 2, predicted: 1, actual: 1, both: 1 });
    }
    // 25 min ahead only B was known (at 10): forecast to end at 30, 5 minutes early, yet late.
    expect(twentyFive).toMatchObject({
      orders: 1,
      biasMs: -5 * MIN,
      meanAbsErrorMs: 5 * MIN,
      maxAbsErrorMs: 5 * MIN,
    });
    expect(twentyFive!.late).toEqual({ orders: 1, predicted: 1, actual: 1, both: 1 });
    expect(hour!.orders).toBe(0);
    // Each step's end. B's material, 15 minutes ahead (at 10), was due at 12 and came at 25; its
    // production, 25 minutes ahead, was to end at 30 (behind A, from 20), and ended at 35.
    const stepRows = report.steps.map((r) => [r.step, r.horizonMs / MIN, r.orders, r.biasMs]);
    expect(stepRows).toEqual([
      ['material', 5, 2, 0],
      ['material', 15, 1, -13 * MIN],
      ['material', 25, 0, undefined],
      ['material', 60, 0, undefined],
      ['production', 5, 2, 0],
      ['production', 15, 2, 0],
      ['production', 25, 1, -5 * MIN],
      ['production', 60, 0, undefined],
    ]);
    expect(report.stepComparisons.filter((c) => c.errorMs !== 0)).toEqual([
      {
        orderId: 'B',
        step: 'material',
        horizonMs: 15 * MIN,
        forecastAsOf: T0 + 10 * MIN,
        forecastEndAt: T0 + 12 * MIN,
        actualEndAt: T0 + 25 * MIN,
        errorMs: -13 * MIN,
      },
      {
        orderId: 'B',
        step: 'production',
        horizonMs: 25 * MIN,
        forecastAsOf: T0 + 10 * MIN,
        forecastEndAt: T0 + 30 * MIN,
        actualEndAt: T0 + 35 * MIN,
        errorMs: -5 * MIN,
      },
    ]);

    // Only what finished in the last 10 minutes before the latest forecast (at 35): B, at 35.
    const recent = await accuracyFromTables(clients, {
      horizonsMs: [25 * MIN],
      sinceMs: 10 * MIN,
    });
    expect(recent).toMatchObject({ finishedSince: T0 + 25 * MIN, finishedOrders: 1 });
    expect(recent.horizons[0]).toMatchObject({ orders: 1, biasMs: -5 * MIN });

    const cli = await twin('accuracy', '--endpoint', env.running.endpoints.dynamodb!, '--horizons', '25m');
    const json = await twin(
      'accuracy',
      '--endpoint',
      env.running.endpoints.dynamodb!,
      '--horizons',
      '5m,25m,1h',
      '--json',
    );

    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/2 orders have finished every step; 7 forecasts in history/);
    expect(cli.stdout).toMatch(/^production\s+25 min\s+1\s+-5 min\s+5 min\s+5 min\s+5 min$/m);
    const since = await twin('accuracy', '--endpoint', env.running.endpoints.dynamodb!, '--since', '10m');
    expect(since.stdout).toMatch(/1 order has finished every step since 2026-01-05 08:25:00Z; 7 forecasts/);
    expect(cli.stdout).toMatch(/^25 min\s+1\s+-5 min\s+5 min\s+5 min\s+5 min\s+1\s+1\s+1$/m);
    expect(cli.stdout).toMatch(
      /^ {2}B, 25 min ahead: forecast to finish 08:30:00, finished 08:35:00 \(5 min later\)$/m,
    );
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).horizons).toEqual([five, twentyFive, hour]);
    expect(JSON.parse(json.stdout).steps.map((r: { step: string }) => r.step)).toEqual([
      ...['material', 'material', 'material'],
      ...['production', 'production', 'production'],
    ]);
    // The data behind the summary: B, 25 minutes ahead, from the forecast made at 10.
    expect(
      JSON.parse(json.stdout).comparisons.filter((c: { horizonMs: number }) => c.horizonMs === 25 * MIN),
    ).toEqual([
      {
        orderId: 'B',
        horizonMs: 25 * MIN,
        forecastAsOf: T0 + 10 * MIN,
        forecastEndAt: T0 + 30 * MIN,
        actualEndAt: T0 + 35 * MIN,
        errorMs: -5 * MIN,
        dueAt: T0 + 25 * MIN,
        calledLate: true,
        wasLate: true,
      },
    ]);
  });

  it('compares one plant of many at a time: its own orders against its own forecasts', async () => {
    const { clients } = env;
    const states = new DynamoDbStateStore(clients.dynamodb, env.names.orderStateTable);
    const forecasts = new DynamoDbForecastStore(clients.documentClient, env.names.forecastsTable);
    // Another plant with an order of the same id as the default plant's A, finished 5 minutes later.
    const north = [
      v1('OrderAccepted', 'A', 0, { dueAt: iso(30) }),
      v1('MaterialOrdered', 'A', 0, { eta: iso(10) }),
      v1('MaterialArrived', 'A', 10),
      v1('ProductionStarted', 'A', 10),
      v1('ProductionFinished', 'A', 25),
    ].map((e) => ({ ...e, plantId: 'north' }));
    for (const event of north) {
      await states.apply(toDomainEvent(event));
      await runForecast({ states, forecasts, logger, clock: latestEventClock }, [], 'north');
    }

    const report = await accuracyFromTables(clients, { horizonsMs: [5 * MIN], plantId: 'north' });
    const whole = await accuracyFromTables(clients, { horizonsMs: [5 * MIN] });

    expect(report.finishedOrders).toBe(1);
    // One forecast per plant time (0, 10, 25).
    expect(report.history).toMatchObject({ forecasts: 3, firstAsOf: T0, lastAsOf: T0 + 25 * MIN });
    // 5 minutes before its end (at 20) the forecast in effect was made at 10: A was to finish at 20.
    expect(report.comparisons).toEqual([
      expect.objectContaining({ orderId: 'A', forecastAsOf: T0 + 10 * MIN, actualEndAt: T0 + 25 * MIN }),
    ]);
    // The default plant's comparison is as it was.
    expect(whole).toMatchObject({ finishedOrders: 2, history: { forecasts: 7 } });
    const endpoint = env.running.endpoints.dynamodb!;
    const cli = await twin('accuracy', '--endpoint', endpoint, '--plant', 'north', '--horizons', '5m');
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^Forecast accuracy in .*, plant north \(model order-flow\)/m);
    expect(cli.stdout).toMatch(/1 order has finished every step; 3 forecasts in history/);
    const bad = await twin('accuracy', '--endpoint', endpoint, '--plant', '@north');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^twin: --plant .*, got "@north"\n$/);
  });

  it("reads, and resets, a stack's tables by their name prefix, and names them when they are not there", async () => {
    const endpoint = env.running.endpoints.dynamodb!;

    const accuracy = await twin('accuracy', '--endpoint', endpoint, '--name-prefix', 'other-');
    const reset = await twin('reset', '--endpoint', endpoint, '--name-prefix', 'other-', '--yes');

    for (const run of [accuracy, reset]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `twin: the tables other-order-state and other-forecasts do not exist in ${endpoint}\n`,
      );
    }
  });
});
