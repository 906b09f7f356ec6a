// Lateness alerts end to end on DynamoDB Local: the seed article's demo sent event by event through
// the real ingest and forecast handlers, the table's stream between them, the alerts' state and the
// alert items in the forecasts table, read back as the dashboard reads them.
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { readRecentAlerts } from '../../contracts/alertItem.ts';
import { InMemoryAlertSink, type LatenessAlert } from '../../contracts/alerts.ts';
import type { AlertStateStore } from '../../forecast/AlertStateStore.ts';
import { InMemoryAlertStateStore } from '../../forecast/AlertStateStore.ts';
import { fanOut } from '../../forecast/alertSinks.ts';
import { DynamoDbAlertSink } from '../../forecast/DynamoDbAlertSink.ts';
import { DynamoDbAlertStateStore } from '../../forecast/DynamoDbAlertStateStore.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { createForecastHandler, latestEventClock } from '../../forecast/forecastHandler.ts';
import { InMemoryFailureSink } from '../../ingest/FailureSink.ts';
import { createIngestHandler } from '../../ingest/ingestHandler.ts';
import { readStreamRecords, toDynamoDbStreamEvent } from '../../local/dynamodbStreamEvent.ts';
import { demoOrders, plantEvents, runPlant } from '../../orderflow/index.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { useEmulators } from '../support/emulators.ts';
import { kinesisEvent } from '../support/events.ts';

const logger = new Logger({ serviceName: 'alerts', logLevel: 'SILENT' });
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;

describe('lateness alerts on DynamoDB Local', () => {
  const env = useEmulators('kinesalite');

  it("raises exactly one alert each for orders 3 and 4 in the seed article's demo, once order 2's ETA slips, and none before", async () => {
    const { clients, names, provisioned } = env;
    const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
    const table = new DynamoDbAlertSink(clients.documentClient, names.forecastsTable);
    const delivered = new InMemoryAlertSink();
    const ingest = createIngestHandler({ store: states, failures: new InMemoryFailureSink(), logger });
    const forecast = createForecastHandler({
      states,
      forecasts: new DynamoDbForecastStore(clients.documentClient, names.forecastsTable),
      logger,
      clock: latestEventClock,
      alerts: fanOut(table, delivered),
      alertState: new DynamoDbAlertStateStore(clients.documentClient, names.forecastsTable),
    });
    const events = plantEvents(runPlant(demoOrders(T0)));
    const slip = events.find((e) => e.type === 'EtaUpdated' && e.orderId === 'order-2')!;

    // The events of each instant in one batch, as the forecast's batching window gathers them (with
    // the latest event as "now", a second forecast at the same instant would be stale), a forecast after each.
    const instants = new Map<number, typeof events>();
    for (const e of events)
      instants.set(Date.parse(e.occurredAt), [...(instants.get(Date.parse(e.occurredAt)) ?? []), e]);
    let read = 0;
    const raisedAt = new Map<string, number>();
    for (const [at, batch] of instants) {
      const ingested = await ingest(kinesisEvent(batch as never));
      expect(ingested.batchItemFailures).toEqual([]);
      const records = (
        await readStreamRecords(clients.dynamodbStreams, provisioned.orderStateStreamArn)
      ).slice(read);
      read += records.length;
      const before = delivered.alerts.length;
      await forecast(toDynamoDbStreamEvent(records, provisioned.orderStateStreamArn));
      for (const alert of delivered.alerts.slice(before)) raisedAt.set(alert.id, at);
    }

    const alerts = delivered.alerts as LatenessAlert[];
    expect(alerts.map((a) => [a.orderId, a.was, a.change])).toEqual([
      ['order-3', 'on-time', 'late'],
      ['order-4', 'on-time', 'late'],
    ]);
    const slipAt = Date.parse(slip.occurredAt);
    expect(raisedAt.get(alerts[0]!.id)).toBe(slipAt);
    expect(raisedAt.get(alerts[1]!.id)).toBe(T0 + 30 * MIN); // order 4 is accepted already late
    expect(alerts[0]).toMatchObject({ cause: 'knock-on', station: 'line', step: 'production' });
    expect(alerts[0]!.latenessMs).toBe(MIN + 20_000);
    expect(alerts[0]!.text).toBe('order-3 will be 1 min 20 s late (knock-on, at line)');
    expect(alerts[1]!.latenessMs).toBe(MIN + 20_000);
    // The dashboard reads the same alerts from the table, newest first.
    const stored = await readRecentAlerts(clients.documentClient, names.forecastsTable);
    expect(stored.map((a) => a.id)).toEqual([alerts[1]!.id, alerts[0]!.id]);
  }, 120_000);

  describe.each([
    ['in memory', () => new InMemoryAlertStateStore()],
    [
      'on DynamoDB Local',
      () => new DynamoDbAlertStateStore(env.clients.documentClient, env.names.forecastsTable),
    ],
  ] as [string, () => AlertStateStore][])('the alerts state %s', (_name, make) => {
    it('is advanced only from the version it was read at', async () => {
      const store = make();
      // Each run starts from whatever an earlier test left in the shared table.
      const start = await store.read();
      const v = start?.version;
      const first = { asOf: T0, version: (v ?? 0) + 1, outlooks: { 'order-3': 'late' as const } };

      expect(await store.advance(first, v)).toBe(true);
      expect(await store.advance({ ...first, asOf: T0 + 1 }, v)).toBe(false);
      expect(await store.read()).toEqual(first);
      const second = { asOf: T0 + 2, version: first.version + 1, outlooks: {} };
      expect(await store.advance(second, first.version)).toBe(true);
      expect(await store.read()).toEqual(second);
    });
  });

  it('keeps the newest copy of an alert raised twice once in the list', async () => {
    const { clients, names } = env;
    const table = new DynamoDbAlertSink(clients.documentClient, names.forecastsTable);
    const alert: LatenessAlert = {
      kind: 'lateness',
      id: 'lateness-9-x-on-time-late',
      asOf: T0 + 90 * MIN,
      raisedAt: T0,
      orderId: 'x',
      change: 'late',
      was: 'on-time',
      text: 'x will be 1 min late',
    };

    await table.publish([alert]);
    await table.publish([{ ...alert, asOf: T0 + 91 * MIN }]);

    const stored = await readRecentAlerts(clients.documentClient, names.forecastsTable, 10);
    expect(stored.filter((a) => a.id === alert.id).map((a) => a.asOf)).toEqual([T0 + 91 * MIN]);
  });
});
