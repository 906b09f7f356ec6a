// What-if through the dashboard's server against DynamoDB Local: it runs on the live state the ingest
// wrote, and writes nothing: the order-state and forecasts tables are byte for byte the same after a
// what-if and a recommendation as before.

import { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { LiveSnapshotAnswer, RecommendAnswer, WhatIfAnswer } from '../../contracts/whatIf.ts';
import { DynamoDbForecastSource } from '../../dashboard/forecastSource.ts';
import { type DashboardServer, startDashboardServer } from '../../dashboard/server.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { runForecast } from '../../forecast/forecastHandler.ts';
import { createLiveWhatIf } from '../../lambdas/dashboardWhatIf.ts';
import { createDynamoDbClient } from '../../local/clients.ts';
import { orderFlowModel } from '../../orderflow/index.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { toDomainEvent } from '../../state/events.ts';
import { useEmulators } from '../support/emulators.ts';
import { lifecycle, v1 } from '../support/events.ts';

const logger = new Logger({ serviceName: 'forecast', logLevel: 'SILENT' });
const NOW = Date.UTC(2026, 0, 5, 8, 30, 0);

describe('what-if through the dashboard on DynamoDB Local', () => {
  const env = useEmulators('kinesalite');
  const servers: DashboardServer[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  /** Every item of `table` with its raw attribute values, in key order, as one string. */
  async function dump(table: string): Promise<string> {
    const items: unknown[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await env.clients.dynamodb.send(
        new ScanCommand({
          TableName: table,
          ConsistentRead: true,
          ExclusiveStartKey: ExclusiveStartKey as never,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items
      .map((item) => JSON.stringify(item))
      .sort()
      .join('\n');
  }

  it('ranks a variant of the live plant and leaves both tables byte for byte as they were', async () => {
    const { clients, names } = env;
    const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
    const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    const orders = [
      lifecycle('order-1').slice(0, 5),
      lifecycle('order-2', 2).slice(0, 4),
      lifecycle('order-3', 4).slice(0, 4),
      [
        ...lifecycle('order-4', 6).slice(0, 2),
        v1('EtaUpdated', 'order-4', 8, { eta: new Date(NOW + 20 * 60_000).toISOString() }),
      ],
    ];
    for (const event of orders.flat()) await states.apply(toDomainEvent(event));
    await runForecast({ states, forecasts, logger, clock: () => NOW });
    const server = await startDashboardServer({
      forecasts: new DynamoDbForecastSource(clients.documentClient, names.forecastsTable),
      whatIf: createLiveWhatIf({
        states,
        tableName: names.orderStateTable,
        model: orderFlowModel,
        clock: () => NOW,
      }),
      build: false,
    });
    servers.push(server);
    const before = { state: await dump(names.orderStateTable), forecasts: await dump(names.forecastsTable) };
    const post = (path: string, body: unknown) =>
      fetch(new URL(path, server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const whatIf = await post('api/whatif', {
      variants: [
        {
          name: 'order-4 now',
          changes: [{ change: 'expedite', order: 'order-4', eta: new Date(NOW).toISOString() }],
        },
        { name: 'one more line', changes: [{ change: 'units', station: 'line', add: 1 }] },
      ],
      replications: 3,
    });
    const recommended = await post('api/recommend', {});
    const refused = await post('api/whatif', {
      variants: [
        { name: 'x', changes: [{ change: 'hold', order: 'order-9', until: new Date(NOW).toISOString() }] },
      ],
    });

    expect(whatIf.status).toBe(200);
    const answer = (await whatIf.json()) as WhatIfAnswer;
    expect(answer.asOf).toBe(NOW);
    expect(answer.variants.map((v) => v.name).sort()).toEqual(['baseline', 'one more line', 'order-4 now']);
    expect(Object.keys(answer.forecasts).sort()).toEqual(['baseline', 'one more line', 'order-4 now']);
    const stored = (await forecasts.latest())!;
    expect(answer.forecasts.baseline!.orders).toEqual(stored.orders);
    expect(recommended.status).toBe(200);
    expect(((await recommended.json()) as RecommendAnswer).asOf).toBe(NOW);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toMatch(/order "order-9"/);
    expect(await dump(names.orderStateTable)).toBe(before.state);
    expect(await dump(names.forecastsTable)).toBe(before.forecasts);
    expect(before.state.split('\n')).toHaveLength(4);
    expect(before.forecasts.length).toBeGreaterThan(0);
  });

  it("runs on the live state of the plant that ?plant= or the body's plant names", async () => {
    const { clients, names } = env;
    const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
    // Plant east's own orders, under ids the default plant may use as well.
    const east = [lifecycle('order-1', 1).slice(0, 3), lifecycle('order-61', 3).slice(0, 2)];
    for (const event of east.flat()) await states.apply(toDomainEvent({ ...event, plantId: 'east' }));
    const server = await startDashboardServer({
      forecasts: new DynamoDbForecastSource(clients.documentClient, names.forecastsTable),
      whatIf: createLiveWhatIf({
        states,
        tableName: names.orderStateTable,
        model: orderFlowModel,
        clock: () => NOW,
      }),
      build: false,
    });
    servers.push(server);
    const orderIds = (snapshot: { orders: readonly { orderId: string }[] }) =>
      snapshot.orders.map((o) => o.orderId).sort();
    const post = (path: string, body: unknown) =>
      fetch(new URL(path, server.url), { method: 'POST', body: JSON.stringify(body) });
    const variant = { name: 'one more line', changes: [{ change: 'units', station: 'line', add: 1 }] };

    const snapshot = (await (
      await fetch(new URL('api/snapshot?plant=east', server.url))
    ).json()) as LiveSnapshotAnswer;
    const byQuery = await post('api/whatif?plant=east', { variants: [variant] });
    const byBody = await post('api/whatif', { variants: [variant], plant: 'east' });
    const disagree = await post('api/whatif?plant=east', { variants: [variant], plant: 'north' });
    const bad = await post('api/whatif', { variants: [variant], plant: 'x y' });

    expect(orderIds(snapshot.snapshot)).toEqual(['order-1', 'order-61']);
    for (const response of [byQuery, byBody]) {
      expect(response.status).toBe(200);
      const answer = (await response.json()) as WhatIfAnswer;
      expect(answer.forecasts.baseline!.orders.map((o) => o.orderId).sort()).toEqual(['order-1', 'order-61']);
    }
    expect(disagree.status).toBe(400);
    expect(((await disagree.json()) as { message: string }).message).toMatch(/"north".*"east"/);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/^plant "x y" is not a plant id/);
  });

  it('answers 503 naming the table when the state store does not answer', async () => {
    const { clients, names } = env;
    const unreachable = createDynamoDbClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    try {
      const server = await startDashboardServer({
        forecasts: new DynamoDbForecastSource(clients.documentClient, names.forecastsTable),
        whatIf: createLiveWhatIf({
          states: new DynamoDbStateStore(unreachable, names.orderStateTable),
          tableName: names.orderStateTable,
          model: orderFlowModel,
        }),
        build: false,
      });
      servers.push(server);

      const response = await fetch(new URL('api/whatif', server.url), {
        method: 'POST',
        body: JSON.stringify({ name: 'nothing', changes: [] }),
      });

      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(((await response.json()) as { message: string }).message).toMatch(
        /^the order-state table did not answer \(ECONNREFUSED\)/,
      );
    } finally {
      unreachable.destroy();
    }
  }, 60_000);
});
