// Many plants in one deployment, on DynamoDB Local with the table's real stream: each plant's orders,
// stations, forecast and alerts are its own, even where two plants use the same order ids; a batch
// forecasts only the plants it touched, each apart; the overview lists every plant.
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { readRecentAlerts } from '../../contracts/alertItem.ts';
import { InMemoryAlertSink } from '../../contracts/alerts.ts';
import { DynamoDbAlertSink } from '../../forecast/DynamoDbAlertSink.ts';
import { DynamoDbAlertStateStore } from '../../forecast/DynamoDbAlertStateStore.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { createForecastHandler } from '../../forecast/forecastHandler.ts';
import { readStreamRecords, toDynamoDbStreamEvent } from '../../local/dynamodbStreamEvent.ts';
import { forecast } from '../../orderflow/index.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { isPlantEvent, parseEvent } from '../../state/events.ts';
import type { StateStore } from '../../state/StateStore.ts';
import { useEmulators } from '../support/emulators.ts';
import { lifecycle } from '../support/events.ts';

const logger = new Logger({ serviceName: 'forecast', logLevel: 'SILENT' });
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const NOW = T0 + 30 * 60_000;

/** Applies `events` (as JSON, the way the ingest reads them) to `states`. */
async function ingest(states: StateStore, events: object[]): Promise<void> {
  for (const event of events) {
    const parsed = parseEvent(JSON.stringify(event));
    if (!parsed.ok) throw new Error(parsed.reason);
    if (isPlantEvent(parsed.event)) await states.applyPlant(parsed.event);
    else await states.apply(parsed.event);
  }
}

describe('many plants in one deployment', () => {
  const env = useEmulators('kinesalite');

  it("keeps each plant's orders, stations, forecast and alerts apart, even under the same order ids", async () => {
    const { clients, names, provisioned } = env;
    const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
    const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    const sink = new InMemoryAlertSink();
    const alertSink = new DynamoDbAlertSink(clients.documentClient, names.forecastsTable);
    const handler = createForecastHandler({
      states,
      forecasts,
      logger,
      clock: () => NOW,
      alerts: { publish: async (a) => Promise.all([sink.publish(a), alertSink.publish(a)]).then(() => {}) },
      alertState: new DynamoDbAlertStateStore(clients.documentClient, names.forecastsTable),
    });
    // The default plant: order-1 in production. North: order-1 and order-2 waiting for their
    // material, order-2 due long before it can be made, and its line down.
    await ingest(states, lifecycle('order-1').slice(0, 5));
    const north = (events: object[]) => events.map((e) => ({ ...e, plantId: 'north' }));
    await ingest(states, north(lifecycle('order-1', 2).slice(0, 3)));
    await ingest(
      states,
      north(lifecycle('order-2', 3).slice(0, 2)).map((e, i) =>
        i === 0 ? { ...e, dueAt: new Date(T0 + 10 * 60_000).toISOString() } : e,
      ),
    );
    await ingest(
      states,
      north([
        {
          type: 'StationDown',
          eventId: 'north-line-down',
          station: 'line',
          occurredAt: new Date(T0 + 25 * 60_000).toISOString(),
        },
      ]),
    );

    const records = await readStreamRecords(clients.dynamodbStreams, provisioned.orderStateStreamArn);
    const response = await handler(toDynamoDbStreamEvent(records, provisioned.orderStateStreamArn));

    expect(response.batchItemFailures).toEqual([]);
    // The state: each plant's own orders, known by their own ids.
    expect((await states.listActive()).map((o) => [o.orderId, o.status])).toEqual([
      ['order-1', 'in-production'],
    ]);
    expect((await states.listActive('north')).map((o) => [o.orderId, o.status])).toEqual([
      ['order-1', 'awaiting-material'],
      ['order-2', 'awaiting-material'],
    ]);
    expect((await states.plantState()).stations).toEqual([]);
    expect((await states.plantState('north')).stations).toEqual([
      { station: 'line', down: true, since: T0 + 25 * 60_000 },
    ]);
    expect((await states.get('order-1', 'north'))?.status).toBe('awaiting-material');
    // Each plant's forecast is sim-core's forecast of that plant's snapshot alone.
    const mine = (await forecasts.latest())!;
    const theirs = (await forecasts.latest('north'))!;
    expect(mine.plantId).toBeUndefined();
    expect(theirs.plantId).toBe('north');
    const expected = forecast({
      asOf: NOW,
      orders: await states.listActive('north'),
      stations: (await states.plantState('north')).stations,
    });
    expect(theirs.orders).toEqual(expected.orders);
    expect(mine.orders.map((o) => o.orderId)).toEqual(['order-1']);
    // The overview: one line per plant.
    expect(await forecasts.plants()).toEqual([
      expect.objectContaining({ plantId: 'default', activeOrders: 1, ordersLate: 0, asOf: NOW }),
      expect.objectContaining({ plantId: 'north', activeOrders: 2, ordersLate: 1, asOf: NOW }),
    ]);
    // Alerts: raised for north's late order, kept under north.
    expect(sink.alerts.map((a) => [a.plantId, a.kind === 'lateness' && a.orderId])).toEqual([
      ['north', 'order-2'],
    ]);
    expect(await readRecentAlerts(clients.documentClient, names.forecastsTable)).toEqual([]);
    expect(
      (await readRecentAlerts(clients.documentClient, names.forecastsTable, 50, 'north')).map((a) => a.id),
    ).toEqual(sink.alerts.map((a) => a.id));
  });

  it('forecasts only the plants a batch touched, and one failing plant holds up no other', async () => {
    const { clients, names, provisioned } = env;
    const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
    const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    const seen = await readStreamRecords(clients.dynamodbStreams, provisioned.orderStateStreamArn);
    await ingest(states, [{ ...lifecycle('order-9', 20)[0]!, plantId: 'south' }]);
    await ingest(states, [{ ...lifecycle('order-9', 21)[0]!, plantId: 'west' }]);
    const fresh = (await readStreamRecords(clients.dynamodbStreams, provisioned.orderStateStreamArn)).slice(
      seen.length,
    );
    // West's reads fail (a table throttled for it alone, say); south's do not.
    const failing: StateStore = Object.create(states, {
      listActive: {
        value: (plantId?: string) =>
          plantId === 'west' ? Promise.reject(new Error('throttled')) : states.listActive(plantId),
      },
    });
    const handler = createForecastHandler({ states: failing, forecasts, logger, clock: () => NOW + 60_000 });

    const response = await handler(toDynamoDbStreamEvent(fresh, provisioned.orderStateStreamArn));

    expect(fresh).toHaveLength(2);
    // Retried from west's record; south's forecast is written, and the others' stay as they were.
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: fresh[1]!.dynamodb!.SequenceNumber }]);
    expect((await forecasts.latest('south'))?.orders.map((o) => o.orderId)).toEqual(['order-9']);
    expect(await forecasts.latest('west')).toBeUndefined();
    const overview = await forecasts.plants();
    expect(overview.map((p) => [p.plantId, p.asOf])).toEqual([
      ['default', NOW],
      ['north', NOW],
      ['south', NOW + 60_000],
    ]);
  });
});
