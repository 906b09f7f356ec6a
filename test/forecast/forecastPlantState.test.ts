// The forecast Lambda reads the stations' state and the maintenance planned with the orders, and
// hands them to the forecast as the snapshot's `stations` and `maintenance`.
import { Logger } from '@aws-lambda-powertools/logger';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { InMemoryForecastStore } from '../../forecast/ForecastStore.ts';
import { createForecastHandler } from '../../forecast/forecastHandler.ts';
import type { Snapshot } from '../../orderflow/types.ts';
import { type PlantDomainEvent, toDomainEvent } from '../../state/events.ts';
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';
import { applyPlantEvent } from '../../state/plantState.ts';
import { lifecycle } from '../support/events.ts';

// The snapshots the forecast is given, the forecast itself unchanged.
const snapshots = vi.hoisted(() => [] as Snapshot[]);
vi.mock('../../orderflow/index.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../orderflow/index.ts')>();
  return {
    ...original,
    forecast: (
      snapshot: Snapshot,
      ...rest: Parameters<typeof original.forecast> extends [unknown, ...infer R] ? R : never
    ) => {
      snapshots.push(snapshot);
      return original.forecast(snapshot, ...rest);
    },
  };
});

const logger = new Logger({ serviceName: 'forecast', logLevel: 'SILENT' });
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const at = (minutes: number) => T0 + minutes * 60_000;
const NOW = at(25);

/** The forecast Lambda's handler on `states`, its clock at NOW; the snapshots seen so far forgotten. */
function forecastHandlerOn(states: InMemoryStateStore) {
  snapshots.length = 0;
  return createForecastHandler({ states, forecasts: new InMemoryForecastStore(), logger, clock: () => NOW });
}

/** The stream record of a plant item's change: what triggers the forecast. */
function stationChange(event: PlantDomainEvent): DynamoDBRecord {
  const { next } = applyPlantEvent(undefined, event);
  return {
    eventName: 'INSERT',
    dynamodb: {
      Keys: marshall({ orderId: next!.orderId }) as never,
      NewImage: marshall(next!, { removeUndefinedValues: true }) as never,
      SequenceNumber: '1'.padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSource: 'aws:dynamodb',
  };
}

describe('the forecast Lambda and the plant’s state', () => {
  it('hands the stations’ state and the maintenance still to come to the forecast, with the orders', async () => {
    const states = new InMemoryStateStore();
    for (const e of lifecycle('o1').slice(0, 4)) await states.apply(toDomainEvent(e));
    const down: PlantDomainEvent = {
      type: 'StationDown',
      eventId: 'd1',
      at: at(20),
      station: 's-1',
      unit: 1,
      expectedUpAt: at(50),
    };
    const plant: PlantDomainEvent[] = [
      down,
      { type: 'StationUp', eventId: 'u1', at: at(21), station: 's-2' },
      {
        type: 'MaintenancePlanned',
        eventId: 'p1',
        at: at(1),
        maintenanceId: 'past',
        station: 's-1',
        from: at(5),
        to: at(10),
      },
      {
        type: 'MaintenancePlanned',
        eventId: 'p2',
        at: at(1),
        maintenanceId: 'next',
        station: 's-2',
        unit: 2,
        from: at(60),
        to: at(90),
      },
      {
        type: 'MaintenancePlanned',
        eventId: 'p3',
        at: at(1),
        maintenanceId: 'off',
        station: 's-2',
        from: at(60),
        to: at(90),
      },
      { type: 'MaintenanceCancelled', eventId: 'c3', at: at(2), maintenanceId: 'off' },
    ];
    for (const event of plant) await states.applyPlant(event);
    const handler = forecastHandlerOn(states);

    const response = await handler({ Records: [stationChange(down)] });

    expect(response.batchItemFailures).toEqual([]);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toEqual({
      asOf: NOW,
      orders: await states.listActive(),
      stations: [
        { station: 's-2', down: false, since: at(21) },
        { station: 's-1', unit: 1, down: true, since: at(20), expectedUpAt: at(50) },
      ],
      maintenance: [{ maintenanceId: 'next', station: 's-2', unit: 2, from: at(60), to: at(90) }],
    });
  });

  it('hands over a snapshot of orders alone when the plant has said nothing of its stations', async () => {
    const states = new InMemoryStateStore();
    for (const e of lifecycle('o1').slice(0, 4)) await states.apply(toDomainEvent(e));
    const handler = forecastHandlerOn(states);

    await handler({
      Records: [stationChange({ type: 'StationUp', eventId: 'u1', at: at(1), station: 's-1' })],
    });

    expect(snapshots).toEqual([{ asOf: NOW, orders: await states.listActive() }]);
  });

  it('keeps a maintenance that is over if an operation still in progress began before it ended', async () => {
    const states = new InMemoryStateStore();
    // In production since minute 20.
    for (const e of lifecycle('o1').slice(0, 5)) await states.apply(toDomainEvent(e));
    const maintenance = (maintenanceId: string, from: number, to: number): PlantDomainEvent => ({
      type: 'MaintenancePlanned',
      eventId: maintenanceId,
      at: at(1),
      maintenanceId,
      station: 's-1',
      from: at(from),
      to: at(to),
    });
    for (const event of [maintenance('before', 5, 10), maintenance('during', 18, 22)]) {
      await states.applyPlant(event);
    }
    const handler = forecastHandlerOn(states);

    await handler({ Records: [stationChange(maintenance('during', 18, 22))] });

    expect(snapshots[0]!.maintenance).toEqual([
      { maintenanceId: 'during', station: 's-1', from: at(18), to: at(22) },
    ]);
  });
});
