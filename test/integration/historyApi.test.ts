// The dashboard's API of the twin's past on DynamoDB Local: GET /api/accuracy (the rolling record's
// figures), GET /api/history (forecast history, paginated, in a time range) and GET
// /api/history/<asOf> (one past forecast), with their errors and the token.
import { describe, expect, it } from 'vitest';
import { emptyAccuracyRecord } from '../../contracts/accuracyRecord.ts';
import { createDashboardApp } from '../../dashboard/app.ts';
import { DynamoDbForecastSource } from '../../dashboard/forecastSource.ts';
import { DynamoDbHistorySource, type HistoryItem } from '../../dashboard/historySource.ts';
import { DynamoDbAccuracyStore } from '../../forecast/DynamoDbAccuracyStore.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { addComparisons } from '../../forecast/rollingAccuracy.ts';
import { demoRecord, MIN, T0 } from '../dashboard/fixtures.ts';
import { useEmulators } from '../support/emulators.ts';

describe('the history API on DynamoDB Local', () => {
  const env = useEmulators('kinesalite');

  function app(token?: string) {
    const table = env.names.forecastsTable;
    return createDashboardApp({
      forecasts: new DynamoDbForecastSource(env.clients.documentClient, table),
      history: new DynamoDbHistorySource(env.clients.documentClient, table),
      token,
    });
  }
  const json = async (response: Response) => ({ status: response.status, body: await response.json() });

  it('answers the accuracy figures, null before the observer wrote any', async () => {
    expect(await json(await app().request('/api/accuracy'))).toEqual({
      status: 200,
      body: { accuracy: null },
    });
    const record = addComparisons(emptyAccuracyRecord([5 * MIN]), {
      steps: [
        {
          orderId: 'A',
          step: 'production',
          horizonMs: 5 * MIN,
          forecastAsOf: T0,
          forecastEndAt: T0 + 9 * MIN,
          actualEndAt: T0 + 10 * MIN,
          errorMs: -MIN,
        },
      ],
      completions: [],
    });
    await new DynamoDbAccuracyStore(env.clients.documentClient, env.names.forecastsTable).write(record, 0);
    const { status, body } = await json(await app().request('/api/accuracy'));
    expect(status).toBe(200);
    expect(body.accuracy.horizons[0]).toMatchObject({
      horizonMs: 5 * MIN,
      steps: { comparisons: 1, biasMs: -MIN, meanAbsErrorMs: MIN, mape: 0.1 },
      drift: { mape: false, coverage: false },
    });
    expect(body.accuracy.trend).toHaveLength(1);
  });

  it('lists forecast history in a time range, a page at a time, and answers one past forecast', async () => {
    const store = new DynamoDbForecastStore(env.clients.documentClient, env.names.forecastsTable);
    const minutes = [0, 10, 20, 31, 40];
    // Made now (wall clock): history expires 14 days after a forecast was made, and DynamoDB Local
    // deletes expired items.
    const now = Date.now();
    for (const m of minutes) await store.save(demoRecord(m, now + m));

    const all: HistoryItem[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({ limit: '2', ...(cursor && { cursor }) });
      const { status, body } = await json(await app().request(`/api/history?${query}`));
      expect(status).toBe(200);
      all.push(...body.forecasts);
      cursor = body.next;
      pages++;
    } while (cursor !== undefined);
    expect(all.map((f) => (f.asOf - T0) / MIN)).toEqual(minutes);
    expect(pages).toBeGreaterThanOrEqual(3);
    // Each with its late orders, so that the slider can show when lateness appeared.
    expect(all[3]).toEqual({
      asOf: T0 + 31 * MIN,
      generatedAt: now + 31,
      ordersLate: demoRecord(31).kpis.ordersLate,
      activeOrders: demoRecord(31).orders.length,
    });
    expect(all[3]!.ordersLate).toBeGreaterThan(0);

    const range = await json(
      await app().request(`/api/history?from=${new Date(T0 + 10 * MIN).toISOString()}&to=${T0 + 31 * MIN}`),
    );
    expect(range.body.forecasts.map((f: HistoryItem) => (f.asOf - T0) / MIN)).toEqual([10, 20, 31]);

    const past = await json(await app().request(`/api/history/${new Date(T0 + 31 * MIN).toISOString()}`));
    expect(past.status).toBe(200);
    expect(past.body.forecast.asOf).toBe(T0 + 31 * MIN);
    expect(past.body.forecast.orders.length).toBeGreaterThan(0);
    const byMs = await json(await app().request(`/api/history/${T0 + 31 * MIN}`));
    expect(byMs.body.forecast.asOf).toBe(T0 + 31 * MIN);

    const missing = await json(await app().request(`/api/history/${T0 + 5 * MIN}`));
    expect(missing).toEqual({
      status: 404,
      body: {
        error: 'not-found',
        message:
          'no forecast made at 2026-01-05T08:05:00.000Z is kept (GET /api/history lists those that are)',
      },
    });
  });

  it("lists and answers each plant's own history and accuracy record under ?plant=", async () => {
    const store = new DynamoDbForecastStore(env.clients.documentClient, env.names.forecastsTable);
    const now = Date.now();
    for (const m of [12, 22]) await store.save({ ...demoRecord(m, now + m), plantId: 'north' });

    const north = await json(await app().request('/api/history?plant=north&limit=1'));
    const next = await json(
      await app().request(`/api/history?plant=north&cursor=${encodeURIComponent(north.body.next)}`),
    );
    const crossed = await json(
      await app().request(`/api/history?cursor=${encodeURIComponent(north.body.next)}`),
    );
    const past = await json(await app().request(`/api/history/${T0 + 22 * MIN}?plant=north`));
    const notHere = await json(await app().request(`/api/history/${T0 + 22 * MIN}`));
    const accuracy = await json(await app().request('/api/accuracy?plant=north'));
    const bad = await json(await app().request('/api/history?plant=%20'));

    expect(north.body.forecasts.map((f: HistoryItem) => (f.asOf - T0) / MIN)).toEqual([12]);
    expect(next.body.forecasts.map((f: HistoryItem) => (f.asOf - T0) / MIN)).toEqual([22]);
    // A cursor of one plant's history is no cursor of another's.
    expect(crossed.status).toBe(400);
    expect(past.status).toBe(200);
    expect(past.body.forecast).toMatchObject({ plantId: 'north', asOf: T0 + 22 * MIN });
    expect(notHere.status).toBe(404);
    expect(accuracy).toEqual({ status: 200, body: { accuracy: null } });
    await new DynamoDbAccuracyStore(env.clients.documentClient, env.names.forecastsTable, 'north').write(
      emptyAccuracyRecord([5 * MIN]),
      0,
    );
    const kept = await json(await app().request('/api/accuracy?plant=north'));
    expect(kept.body.accuracy.horizons.map((h: { horizonMs: number }) => h.horizonMs)).toEqual([5 * MIN]);
    expect(bad.status).toBe(400);
  });

  it('names the malformed parameter, and demands the token', async () => {
    const bad = async (path: string) => json(await app().request(path));
    expect(await bad('/api/history?from=yesterday')).toMatchObject({
      status: 400,
      body: { error: 'bad-request', message: expect.stringMatching(/^from must be a time/) },
    });
    expect(await bad('/api/history?limit=0')).toMatchObject({
      status: 400,
      body: { message: 'limit must be a whole number from 1 to 1000, got "0"' },
    });
    expect(await bad('/api/history?cursor=nonsense')).toMatchObject({ status: 400 });
    expect(await bad(`/api/history?from=${T0}&to=${T0 - 1}`)).toMatchObject({
      status: 400,
      body: { message: 'to is before from' },
    });
    expect(await bad('/api/history/soon')).toMatchObject({ status: 400 });
    expect((await app('s3cret').request('/api/accuracy')).status).toBe(401);
    expect((await app('s3cret').request('/api/history')).status).toBe(401);
    expect(
      (await app('s3cret').request('/api/history', { headers: { authorization: 'Bearer s3cret' } })).status,
    ).toBe(200);
    const without = createDashboardApp({
      forecasts: new DynamoDbForecastSource(env.clients.documentClient, env.names.forecastsTable),
    });
    expect(await json(await without.request('/api/accuracy'))).toEqual({
      status: 200,
      body: { accuracy: null, kept: false },
    });
    expect((await without.request('/api/history')).status).toBe(501);
  });
});
