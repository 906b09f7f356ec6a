// The forecast end to end on DynamoDB Local with its real stream: state written by the ingest path,
// stream records read with the DynamoDB Streams client in the shape Lambda delivers, the handler,
// and the forecast read back and checked against sim-core's own result for the same snapshot.

import { gzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { putItems, syntheticStateItems } from '../../bench/stateItems.ts';
import { OrderEventSchema } from '../../contracts/events.ts';
import { listForecastHistory, readForecastAt } from '../../contracts/forecastItem.ts';
import { ForecastKeys } from '../../contracts/forecastRecord.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { DynamoDbForecastHistory } from '../../forecast/ForecastHistory.ts';
import { createForecastHandler } from '../../forecast/forecastHandler.ts';
import { readStreamRecords, toDynamoDbStreamEvent } from '../../local/dynamodbStreamEvent.ts';
import { demoOrders, forecast, plantEvents, runPlant } from '../../orderflow/index.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { toDomainEvent } from '../../state/events.ts';
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';
import { useEmulators } from '../support/emulators.ts';
import { lifecycle } from '../support/events.ts';

const logger = new Logger({ serviceName: 'forecast', logLevel: 'SILENT' });
const NOW = Date.UTC(2026, 0, 5, 8, 30, 0);

describe('forecast on DynamoDB Local', () => {
  const env = useEmulators('kinesalite');

  it('forecasts from the stream of state changes, as sim-core does for the same snapshot', async () => {
    const { clients, names, provisioned } = env;
    const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
    const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    const orders = [
      lifecycle('order-1'),
      lifecycle('order-2', 4).slice(0, 5),
      lifecycle('order-3', 8).slice(0, 3),
    ];
    for (const event of orders.flat()) await states.apply(toDomainEvent(event));
    const handler = createForecastHandler({ states, forecasts, logger, clock: () => NOW });

    const records = await readStreamRecords(clients.dynamodbStreams, provisioned.orderStateStreamArn);
    const response = await handler(toDynamoDbStreamEvent(records, provisioned.orderStateStreamArn));

    expect(records.length).toBe(orders.flat().length);
    expect(records[0]!.dynamodb!.NewImage).toBeDefined();
    expect(response.batchItemFailures).toEqual([]);
    const stored = (await forecasts.latest())!;
    const expected = forecast({ asOf: NOW, orders: await states.listActive() });
    expect(stored.orders.map((o) => o.orderId)).toEqual(['order-2', 'order-3']);
    expect(stored.orders).toEqual(expected.orders);
    expect(stored.kpis).toEqual(expected.kpis);
  });

  it('keeps the newer forecast when two are written in the wrong order, and both in history', async () => {
    const { clients, names } = env;
    const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
    const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    const newer = createForecastHandler({ states, forecasts, logger, clock: () => NOW + 120_000 });
    const older = createForecastHandler({ states, forecasts, logger, clock: () => NOW + 60_000 });
    const change = toDynamoDbStreamEvent(
      (await readStreamRecords(clients.dynamodbStreams, env.provisioned.orderStateStreamArn)).slice(0, 1),
      env.provisioned.orderStateStreamArn,
    );

    await newer(change);
    await older(change);

    expect((await forecasts.latest())!.asOf).toBe(NOW + 120_000);
    const history = await clients.documentClient.send(
      new QueryCommand({
        TableName: names.forecastsTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
        ExpressionAttributeValues: { ':pk': ForecastKeys.partition, ':h': 'history#' },
      }),
    );
    const asOfs = (history.Items ?? []).map((i) => i.asOf);
    expect(asOfs).toEqual(expect.arrayContaining([NOW + 60_000, NOW + 120_000]));
    expect(
      (history.Items ?? []).every((i) => typeof i.expiresAt === 'number' && i.expiresAt > NOW / 1000),
    ).toBe(true);
  });

  it("stores the twin's recommendations with the forecast and reads them back", async () => {
    const { clients, names } = env;
    // After the forecasts above (a stale forecast is not worth recommendations), before the one below.
    const asOf = NOW + 200_000;
    const T0 = asOf - 16 * 60_000;
    const states = new InMemoryStateStore();
    for (const event of plantEvents(runPlant(demoOrders(T0)), asOf)) {
      await states.apply(toDomainEvent(OrderEventSchema.parse(event)));
    }
    const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    const handler = createForecastHandler({ states, forecasts, logger, clock: () => asOf });
    const change = toDynamoDbStreamEvent(
      (await readStreamRecords(clients.dynamodbStreams, env.provisioned.orderStateStreamArn)).slice(0, 1),
      env.provisioned.orderStateStreamArn,
    );

    await handler(change);

    const stored = await readForecastAt(
      clients.documentClient,
      names.forecastsTable,
      ForecastKeys.history(asOf),
    );
    expect(stored!.recommendations!.map((r) => r.text)).toContain(
      "Expedite order-2's material by 3 min 20 s: 1 fewer late order (at the means)",
    );
    const latest = (await forecasts.latest())!;
    expect(latest).toEqual(stored);
    expect(latest.timings.recommendMs).toBeGreaterThanOrEqual(0);

    // A newer forecast is read without the older one's recommendations, whatever order they come
    // in; the older one keeps its own in history, and history lists forecasts only.
    const { recommendations, ...withoutThem } = latest;
    const { recommendMs, ...timings } = latest.timings;
    const newer = { ...withoutThem, asOf: asOf + 60_000, timings };
    expect(await forecasts.save(newer)).toBe('saved');
    expect(await forecasts.latest()).toEqual(newer);
    await forecasts.saveRecommendations(latest, recommendations!, recommendMs!);
    expect(await forecasts.latest()).toEqual(newer);
    await forecasts.saveRecommendations(newer, recommendations!.slice(0, 1), 7);
    expect(await forecasts.latest()).toEqual({
      ...newer,
      recommendations: recommendations!.slice(0, 1),
      timings: { ...timings, recommendMs: 7 },
    });
    await forecasts.saveRecommendations(latest, recommendations!, recommendMs!);
    expect((await forecasts.latest())!.recommendations).toEqual(recommendations!.slice(0, 1));
    expect(
      await readForecastAt(clients.documentClient, names.forecastsTable, ForecastKeys.history(asOf)),
    ).toEqual(stored);
    const listed = await listForecastHistory(clients.documentClient, names.forecastsTable);
    expect(listed.filter((h) => h.asOf >= asOf).map((h) => h.asOf)).toEqual([asOf, asOf + 60_000]);
    // The observer finds the forecast in effect whichever of its items sorts last.
    const inEffect = await new DynamoDbForecastHistory(
      clients.documentClient,
      names.forecastsTable,
    ).inEffectAt(asOf + 30_000);
    expect(inEffect!.asOf).toBe(asOf);
  });

  it('forecasts 10,000 active orders, stores the forecast over several items and reads it back whole', async () => {
    const { clients, names } = env;
    const table = `${names.orderStateTable}`;
    await putItems(clients.documentClient, table, syntheticStateItems(10_000));
    const states = new DynamoDbStateStore(clients.dynamodb, table);
    const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    const handler = createForecastHandler({ states, forecasts, logger, clock: () => NOW + 600_000 });
    const trigger = toDynamoDbStreamEvent(
      (await readStreamRecords(clients.dynamodbStreams, env.provisioned.orderStateStreamArn)).slice(-1),
      env.provisioned.orderStateStreamArn,
    );

    const response = await handler(trigger);

    expect(response.batchItemFailures).toEqual([]);
    const stored = (await forecasts.latest())!;
    expect(stored.orders.length).toBeGreaterThanOrEqual(10_000);
    expect(stored.stateVersion.activeOrders).toBe(stored.orders.length);
    const expected = forecast({ asOf: NOW + 600_000, orders: await states.listActive() });
    expect(stored.orders).toEqual(expected.orders);
    const latestItems = await clients.documentClient.send(
      new QueryCommand({
        TableName: names.forecastsTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
        ExpressionAttributeValues: { ':pk': ForecastKeys.partition, ':l': ForecastKeys.latest },
      }),
    );
    expect(latestItems.Items!.length).toBeGreaterThan(1);
    expect(latestItems.LastEvaluatedKey).toBeUndefined();
  }, 120_000);

  it('reads a forecast stored with gzip, as before Brotli, beside one stored now', async () => {
    const { clients, names } = env;
    const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    const stored = (await readForecastAt(
      clients.documentClient,
      names.forecastsTable,
      ForecastKeys.history(NOW + 200_000),
    ))!;
    const { recommendations, ...record } = stored;
    const plantId = 'stored-with-gzip';
    const now = { ...record, plantId, asOf: NOW + 60_000 };
    expect(await forecasts.save(now)).toBe('saved');
    const items = await clients.documentClient.send(
      new QueryCommand({
        TableName: names.forecastsTable,
        KeyConditionExpression: 'pk = :pk AND sk = :sk',
        ExpressionAttributeValues: {
          ':pk': ForecastKeys.partitionOf(plantId),
          ':sk': ForecastKeys.history(now.asOf),
        },
      }),
    );
    expect(items.Items![0]!.encoding).toBe('br-json');
    // An item as the twin wrote it before: the same attributes, the JSON gzip-compressed.
    const before = { ...record, plantId, asOf: NOW };
    await clients.documentClient.send(
      new PutCommand({
        TableName: names.forecastsTable,
        Item: {
          ...items.Items![0]!,
          sk: ForecastKeys.history(before.asOf),
          asOf: before.asOf,
          encoding: 'gzip-json',
          data: gzipSync(JSON.stringify(before)),
        },
      }),
    );

    const read = (asOf: number) =>
      readForecastAt(clients.documentClient, names.forecastsTable, ForecastKeys.history(asOf), plantId);
    expect(await read(before.asOf)).toEqual(before);
    expect(await read(now.asOf)).toEqual(now);
  });

  it('replaces the latest forecast by one of the same moment made later, and not by one made earlier', async () => {
    const { clients, names } = env;
    const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    // The forecast with recommendations above, as a plant of its own: the default plant's latest stays.
    const { recommendations, ...stored } = (await readForecastAt(
      clients.documentClient,
      names.forecastsTable,
      ForecastKeys.history(NOW + 200_000),
    ))!;
    const first = { ...stored, plantId: 'same-moment', asOf: NOW, generatedAt: NOW + 10 };
    const later = { ...first, generatedAt: NOW + 20, orders: first.orders.slice(1) };
    const earlier = { ...first, generatedAt: NOW + 15, orders: [] };

    expect(await forecasts.save(first)).toBe('saved');
    expect(await forecasts.save(later)).toBe('saved');
    expect(await forecasts.save(earlier)).toBe('stale');
    expect(await forecasts.save(later)).toBe('stale');

    expect(await forecasts.latest('same-moment')).toEqual(later);
    const summary = (await forecasts.plants()).find((p) => p.plantId === 'same-moment');
    expect(summary).toMatchObject({ asOf: NOW, generatedAt: NOW + 20 });
    // Each forecast's recommendations are its own, also beside one of the same moment.
    await forecasts.saveRecommendations(later, recommendations!.slice(0, 1), 6);
    await forecasts.saveRecommendations(first, recommendations!, 5);
    expect(await forecasts.latest('same-moment')).toEqual({
      ...later,
      recommendations: recommendations!.slice(0, 1),
      timings: { ...later.timings, recommendMs: 6 },
    });
  });
});
