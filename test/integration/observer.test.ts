// The observer on DynamoDB Local: forecast history written through the forecast store, finished
// steps handed over as order-state stream records, the rolling accuracy record written and read
// back through the real table. The plant produces 20 % slower than its forecasts believe.
import { Logger } from '@aws-lambda-powertools/logger';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readAccuracyItem } from '../../contracts/accuracyItem.ts';
import { summariseAccuracy } from '../../contracts/accuracyRecord.ts';
import { type DriftAlert, InMemoryAlertSink } from '../../contracts/alerts.ts';
import { headKeyOf } from '../../contracts/forecastItem.ts';
import type { ForecastRecord, ModelSummary } from '../../contracts/forecastRecord.ts';
import { DynamoDbAccuracyStore } from '../../forecast/DynamoDbAccuracyStore.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { DynamoDbForecastHistory } from '../../forecast/ForecastHistory.ts';
import type { Observations } from '../../forecast/observations.ts';
import { createObserverHandler, type ObserverDependencies } from '../../forecast/observer.ts';
import { dynamoDbPlantObserverStores } from '../../forecast/plantObserverStores.ts';
import { stepAttribute } from '../../state/stepAttributes.ts';
import { accuracyStoreContract } from '../support/accuracyStoreContract.ts';
import { useEmulators } from '../support/emulators.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
/** What the model believes production takes, and what it really takes: 20 % longer. */
const BELIEVED = 10 * MIN;
const REAL = 12 * MIN;
const ORDERS = 8;
const start = (k: number) => T0 + k * REAL;

const model: ModelSummary = {
  name: 'two-steps',
  hash: '0000000000000000',
  parameters: {},
  timeUnit: 'ms',
  stations: [{ id: 'line', name: 'Line', capacity: 1, queueRule: 'fifo' }],
  products: [
    {
      id: 'p',
      routing: [
        { step: 'material', kind: 'material' },
        { step: 'production', kind: 'operation', station: 'line' },
      ],
    },
  ],
  defaultProduct: 'p',
};

/** The forecast at `t`: the order in production ends after the believed time (or now, once overdue), ±30 s. */
function forecastAt(t: number, made = Date.now()): ForecastRecord {
  const k = Math.floor((t - T0) / REAL);
  const end = Math.max(t, start(k) + BELIEVED);
  return {
    asOf: t,
    // Made now (wall clock): history expires 14 days after a forecast was made, and DynamoDB Local
    // deletes expired items. Its latest event 300 ms before: the data latency.
    generatedAt: made,
    stateVersion: { latestEventAt: made - 300, activeOrders: 1 },
    model,
    simCoreVersion: 'test',
    orders: [
      {
        orderId: `o-${k}`,
        completedAt: end,
        completedAtP10: end - MIN / 2,
        completedAtP50: end,
        completedAtP90: end + MIN / 2,
        late: false,
        steps: [
          { step: 'material', kind: 'material', start: start(k) - MIN, end: start(k), actual: true },
          {
            step: 'production',
            kind: 'operation',
            station: 'line',
            start: start(k),
            end,
            actual: t >= start(k),
          },
        ],
      },
    ],
    stations: [],
    kpis: { ordersLate: 0 },
    warnings: [],
    events: 0,
    timings: { readMs: 0, simulateMs: 0 },
  } as unknown as ForecastRecord;
}

const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as never;

/** Order k's production finishing, as the order state's stream carries it. */
function finished(k: number): DynamoDBRecord {
  const before = {
    orderId: `o-${k}`,
    product: 'p',
    materialArrivedAt: start(k),
    [stepAttribute('production', 'startedAt')]: start(k),
  };
  const after = { ...before, [stepAttribute('production', 'finishedAt')]: start(k) + REAL };
  return { eventName: 'MODIFY', dynamodb: { OldImage: image(before), NewImage: image(after) } };
}

/** The default plant's observer on `table`, with what it raises, recalibrates on and records kept. */
function observing(client: DynamoDBDocumentClient, table: string) {
  const sink = new InMemoryAlertSink();
  const drifted: DriftAlert[] = [];
  const observed: Observations[] = [];
  const deps: ObserverDependencies = {
    history: new DynamoDbForecastHistory(client, table),
    accuracy: new DynamoDbAccuracyStore(client, table),
    logger: new Logger({ serviceName: 'observer', logLevel: 'SILENT' }),
    horizonsMs: [5 * MIN, 10 * MIN],
    drift: { minComparisons: 5 },
    alerts: sink,
    onDrift: async (alert) => void drifted.push(alert),
    onObservations: async (o) => void observed.push(o),
  };
  return { sink, drifted, observed, deps };
}

describe('the observer on DynamoDB Local', () => {
  const env = useEmulators('kinesalite');

  /** Removes the accuracy record: the record is one item per table. */
  async function clear(table: string) {
    await env.clients.documentClient.send(
      new DeleteCommand({ TableName: table, Key: { pk: 'plant', sk: 'accuracy#rolling' } }),
    );
  }

  describe('DynamoDbAccuracyStore', () => {
    accuracyStoreContract(async () => {
      await clear(env.names.forecastsTable);
      return new DynamoDbAccuracyStore(env.clients.documentClient, env.names.forecastsTable);
    });
  });

  it('records the bias of a plant 20 % slower than forecast, and raises each drift once', async () => {
    const { documentClient } = env.clients;
    const table = env.names.forecastsTable;
    await clear(table);
    const store = new DynamoDbForecastStore(documentClient, table);
    for (let t = T0; t < start(ORDERS); t += MIN) await store.save(forecastAt(t));

    const { sink, drifted, observed, deps } = observing(documentClient, table);
    const observe = createObserverHandler(deps);
    for (let k = 0; k < ORDERS; k++) {
      expect(await observe({ Records: [finished(k)] })).toEqual({ batchItemFailures: [] });
    }

    const stored = await readAccuracyItem(documentClient, table);
    expect(stored?.version).toBe(ORDERS);
    const summary = summariseAccuracy(stored!.record);
    const figures = summary.horizons.map((h) => ({
      horizon: h.horizonMs / MIN,
      comparisons: h.steps.comparisons,
      biasMin: h.steps.biasMs! / MIN,
      completionBiasMin: h.completions.biasMs! / MIN,
      mape: h.steps.mape,
      coverage: h.completions.coverage,
    }));
    console.log('accuracy record of a plant 20 % slower than its model:', JSON.stringify(figures));
    // Forecast to end 10 minutes after its start, each order ended 2 minutes later: a bias of −20 %
    // of the believed time. 5 minutes ahead, 2 of the 5 remaining minutes were missed; 10 ahead, 2 of 10.
    expect(figures).toEqual([
      { horizon: 5, comparisons: ORDERS, biasMin: -2, completionBiasMin: -2, mape: 0.4, coverage: 0 },
      { horizon: 10, comparisons: ORDERS, biasMin: -2, completionBiasMin: -2, mape: 0.2, coverage: 0 },
    ]);
    expect(summary.latency).toEqual({ samples: 1, p50Ms: 300, p95Ms: 300, latestMs: 300 });
    // Into drift at the fifth order, in both measures of both horizons, and only then.
    expect(
      sink.alerts.map((a) => [(a as DriftAlert).measure, (a as DriftAlert).horizonMs / MIN, a.asOf]),
    ).toEqual([
      ['mape', 5, start(4) + REAL],
      ['coverage', 5, start(4) + REAL],
      ['mape', 10, start(4) + REAL],
      ['coverage', 10, start(4) + REAL],
    ]);
    expect(drifted).toEqual(sink.alerts);
    expect(observed.map((o) => o.steps.map((s) => s.orderId))).toEqual(
      Array.from({ length: ORDERS }, (_, k) => [`o-${k}`]),
    );
  });

  it("keeps each plant's record apart, its drift alerts naming it; recalibration hears the default plant only", async () => {
    const { documentClient } = env.clients;
    const table = env.names.forecastsTable;
    const store = new DynamoDbForecastStore(documentClient, table);
    for (let t = T0; t < start(ORDERS); t += MIN) await store.save({ ...forecastAt(t), plantId: 'north' });
    const { sink, drifted, observed, deps } = observing(documentClient, table);
    const observe = createObserverHandler(deps, dynamoDbPlantObserverStores(documentClient, table));
    const defaultBefore = await readAccuracyItem(documentClient, table);
    const north = (record: DynamoDBRecord): DynamoDBRecord => {
      const scope = (img: Record<string, { S?: string }>) => ({
        ...img,
        orderId: { S: `@north/${img.orderId!.S}` },
      });
      return {
        ...record,
        dynamodb: {
          OldImage: scope(record.dynamodb!.OldImage as never),
          NewImage: scope(record.dynamodb!.NewImage as never),
        },
      };
    };

    for (let k = 0; k < ORDERS; k++) await observe({ Records: [north(finished(k))] });

    const mine = await readAccuracyItem(documentClient, table, 'north');
    expect(mine?.version).toBe(ORDERS);
    expect(summariseAccuracy(mine!.record).horizons.map((h) => h.steps.biasMs! / MIN)).toEqual([-2, -2]);
    expect(sink.alerts.length).toBeGreaterThan(0);
    expect(sink.alerts.every((a) => a.plantId === 'north')).toBe(true);
    expect(drifted).toEqual([]);
    expect(observed).toEqual([]);
    // The default plant's record compared nothing of north's.
    const defaultAfter = await readAccuracyItem(documentClient, table);
    const compared = (s: typeof defaultAfter) =>
      s === undefined ? 0 : summariseAccuracy(s.record).horizons.reduce((n, h) => n + h.steps.comparisons, 0);
    expect(compared(defaultAfter)).toBe(compared(defaultBefore));
  });

  /** A history of plant `plantId` whose lookups (Queries down from a time) are counted, with the items they read. */
  function countedHistory(plantId: string, knownHeads?: number) {
    const { documentClient } = env.clients;
    const counts = { lookups: 0, items: 0 };
    const counting = {
      send: async (command: { input: { KeyConditionExpression?: string } }) => {
        const output = await documentClient.send(command as never);
        if (command.input.KeyConditionExpression?.includes('BETWEEN')) {
          counts.lookups++;
          counts.items += (output as { Items?: unknown[] }).Items?.length ?? 0;
        }
        return output;
      },
    } as unknown as DynamoDBDocumentClient;
    const history = new DynamoDbForecastHistory(counting, env.names.forecastsTable, plantId, knownHeads);
    return { counts, asOfAt: async (t: number) => (await history.inEffectAt(t))?.asOf };
  }

  it('looks history up once for the times an earlier lookup has read past, reading only what was made since', async () => {
    const plantId = 'lookups';
    const store = new DynamoDbForecastStore(env.clients.documentClient, env.names.forecastsTable);
    for (let m = 0; m <= 5; m++) await store.save({ ...forecastAt(T0 + m * MIN), plantId });
    const { counts, asOfAt } = countedHistory(plantId);

    // Nothing learned yet: one item read, the forecast in effect.
    expect(await asOfAt(T0 + MIN / 2)).toBe(T0);
    expect(counts).toEqual({ lookups: 1, items: 1 });
    // Later: down to the one learned, the forecasts made since (four), no further.
    expect(await asOfAt(T0 + 4.5 * MIN)).toBe(T0 + 4 * MIN);
    expect(counts).toEqual({ lookups: 2, items: 5 });
    // Those lookups joined: the times between need none.
    expect(await asOfAt(T0 + 2.5 * MIN)).toBe(T0 + 2 * MIN);
    expect(await asOfAt(T0 + MIN)).toBe(T0 + MIN);
    expect(await asOfAt(T0 + 3 * MIN)).toBe(T0 + 3 * MIN);
    expect(counts).toEqual({ lookups: 2, items: 5 });
    expect(await asOfAt(T0 + 5.5 * MIN)).toBe(T0 + 5 * MIN);
    expect(counts).toEqual({ lookups: 3, items: 6 });
    // A forecast made since, after the newest one learned, is looked for.
    await store.save({ ...forecastAt(T0 + 6 * MIN), plantId });
    expect(await asOfAt(T0 + 7 * MIN)).toBe(T0 + 6 * MIN);
    expect(await asOfAt(T0 + 5.5 * MIN)).toBe(T0 + 5 * MIN);
    expect(counts).toEqual({ lookups: 4, items: 7 });
    // Before the first: none.
    expect(await asOfAt(T0 - MIN)).toBeUndefined();
  });

  it('reads a page at most, and answers a time inside a gap it has not read from the table', async () => {
    const plantId = 'gaps';
    const store = new DynamoDbForecastStore(env.clients.documentClient, env.names.forecastsTable);
    for (let m = 0; m <= 12; m++) await store.save({ ...forecastAt(T0 + m * MIN), plantId });
    const { counts, asOfAt } = countedHistory(plantId);

    expect(await asOfAt(T0)).toBe(T0);
    // Twelve made since: the newest page (8) read, not joined to the first.
    expect(await asOfAt(T0 + 12.5 * MIN)).toBe(T0 + 12 * MIN);
    expect(counts).toEqual({ lookups: 2, items: 9 });
    expect(await asOfAt(T0 + 6 * MIN)).toBe(T0 + 6 * MIN);
    expect(counts.lookups).toBe(2);
    // Between the first and the page: read from the table, not taken for the first.
    expect(await asOfAt(T0 + 3.5 * MIN)).toBe(T0 + 3 * MIN);
    expect(await asOfAt(T0 + 4.5 * MIN)).toBe(T0 + 4 * MIN);
    expect(counts).toEqual({ lookups: 4, items: 9 + 3 + 1 });
    // Now joined with the first: no more lookups before the page.
    expect(await asOfAt(T0 + 2 * MIN)).toBe(T0 + 2 * MIN);
    expect(counts.lookups).toBe(4);
  });

  it('remembers a bounded number of heads, the oldest let go first, and looks those up again', async () => {
    const plantId = 'bounded';
    const store = new DynamoDbForecastStore(env.clients.documentClient, env.names.forecastsTable);
    for (let m = 0; m <= 5; m++) await store.save({ ...forecastAt(T0 + m * MIN), plantId });
    const { counts, asOfAt } = countedHistory(plantId, 3);

    expect(await asOfAt(T0 + MIN / 2)).toBe(T0);
    // Six heads learned, three kept: the newest.
    expect(await asOfAt(T0 + 5.5 * MIN)).toBe(T0 + 5 * MIN);
    expect(await asOfAt(T0 + 3.5 * MIN)).toBe(T0 + 3 * MIN);
    expect(counts).toEqual({ lookups: 2, items: 6 });
    // Let go: read from the table again (one item, nothing kept before it), the right answer still.
    expect(await asOfAt(T0 + 2.5 * MIN)).toBe(T0 + 2 * MIN);
    expect(counts).toEqual({ lookups: 3, items: 7 });
    // The oldest of four, it is let go at once: the next time asks the table again.
    expect(await asOfAt(T0 + 2.5 * MIN)).toBe(T0 + 2 * MIN);
    expect(counts).toEqual({ lookups: 4, items: 8 });
    expect(await asOfAt(T0 + 4.5 * MIN)).toBe(T0 + 4 * MIN);
    expect(counts.lookups).toBe(4);
  });

  it('finds the head of the forecast in effect from a chunk key', () => {
    expect(headKeyOf('history#2026-01-05T08:00:00.000Z#002')).toBe('history#2026-01-05T08:00:00.000Z');
    expect(headKeyOf('history#2026-01-05T08:00:00.000Z')).toBe('history#2026-01-05T08:00:00.000Z');
    expect(headKeyOf('history#2026-01-05T08:00:00.000Z#recommendations')).toBe(
      'history#2026-01-05T08:00:00.000Z',
    );
  });
});
