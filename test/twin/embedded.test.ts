// The embedded twin (`npm start`) end to end, in this process: the plant emulator's events flow
// through the local pipeline, and the forecasts table holds a forecast equal to the order domain's
// forecast of the same snapshot, for the demo plant and for the flow shop (the model drives both the
// emulated plant and the forecast); a restart with the same data directory keeps state and stream.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { DynamoDbCalibrationStore } from '../../forecast/DynamoDbCalibrationStore.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { createClients, destroyClients } from '../../local/clients.ts';
import { readAllRecords } from '../../local/kinesisEvent.ts';
import { releaseTemporaryDataDir, startTwin } from '../../local/runtime.ts';
import { calibratedModel } from '../../orderflow/calibration/calibrate.ts';
import {
  forecast,
  forecastMonteCarlo,
  type PlantModel,
  parsePlantModel,
  type Snapshot,
} from '../../orderflow/index.ts';
import { modelHash } from '../../orderflow/model/modelHash.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { waitFor } from '../support/wait.ts';

/** A twin on `dataDir` that has run the demo at full speed and ingested every event it published (stopped if it did not). */
async function demoIngested(options: { dataDir: string }) {
  const twin = await startTwin({
    ...options,
    port: 0,
    scenario: 'demo',
    speed: Number.POSITIVE_INFINITY,
    log: () => {},
  });
  try {
    await waitFor(
      'the demo events ingested',
      () => twin.status().eventsPublished > 0 && twin.status().eventsIn === twin.status().eventsPublished,
      60_000,
    );
  } catch (error) {
    await twin.stop();
    throw error;
  }
  return twin;
}

const uncertain = parsePlantModel(
  JSON.parse(readFileSync(new URL('../../examples/order-flow-uncertain.json', import.meta.url), 'utf8')),
);
const kinds = [
  { kind: 'a forecast', expected: (snapshot: Snapshot) => forecast(snapshot) },
  {
    kind: 'a Monte Carlo forecast',
    options: { model: uncertain, replications: 20 },
    expected: (snapshot: Snapshot) => forecastMonteCarlo(snapshot, uncertain, { replications: 20 }),
  },
];

describe('embedded twin', () => {
  it.each(kinds)(
    'makes $kind of what the emulated plant sends, as sim-core does for the same snapshot',
    async ({ options, expected: expectedOf }) => {
      const twin = await startTwin({
        dataDir: mkdtempSync(join(tmpdir(), 'twin-e2e-')),
        port: 0,
        scenario: 'demo',
        speed: 200,
        batchingWindowMs: 200,
        log: () => {},
        ...options,
      });
      const clients = createClients(twin.endpoints);
      try {
        // The demo's first orders are in the plant after about 20 plant minutes (6 s at speed 200),
        // its last delivered after 53 (16 s): 10 s for the forecasts, even beside other test files.
        await waitFor(
          'orders in the plant',
          () => twin.status().eventsIn >= 8 && twin.status().forecastsWritten >= 2,
          60_000,
        );
        await twin.stopEmulator();
        // Stopped before its last order was delivered: the scenario did not run out.
        expect(await twin.scenarioOver).toBeUndefined();
        const names = resourceNames();
        const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
        const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);

        const settled = await waitFor(
          'a forecast of the final state',
          async () => {
            const latest = await forecasts.latest();
            if (!latest) return undefined;
            const expected = expectedOf({ asOf: latest.asOf, orders: await states.listActive() });
            return JSON.stringify(latest.orders) === JSON.stringify(expected.orders) &&
              latest.orders.length > 0
              ? latest
              : undefined;
          },
          30_000,
          500,
        );

        expect(settled.orders.length).toBeGreaterThan(0);
        expect(settled.monteCarlo).toEqual(
          options ? { replications: options.replications, seed: 1 } : undefined,
        );
        expect(twin.status().eventsIn).toBe(twin.status().eventsPublished);
        expect(twin.status().failures).toBe(0);
        // The status line tells the latest forecast's late orders, and at risk ones when it has draws.
        const { asOf, ordersLate, ordersAtRisk } = twin.status().lastForecast!;
        expect({ asOf, ordersLate, ordersAtRisk }).toEqual({
          asOf: settled.asOf,
          ordersLate: settled.kpis.ordersLate,
          ordersAtRisk: settled.kpis.ordersAtRisk,
        });
        expect(settled.kpis.ordersAtRisk === undefined).toBe(options === undefined);
        const api = await fetch(new URL('/api/forecast', twin.dashboardUrl));
        expect(api.status).toBe(200);
      } finally {
        destroyClients(clients);
        await twin.stop();
      }
    },
    120_000,
  );

  it("forecasts the flow shop's three operations from what its emulated plant sends", async () => {
    const flowShop = parsePlantModel(
      JSON.parse(readFileSync(new URL('../../examples/models/flow-shop.json', import.meta.url), 'utf8')),
    );
    const twin = await startTwin({
      dataDir: mkdtempSync(join(tmpdir(), 'twin-flow-shop-')),
      port: 0,
      model: flowShop,
      scenario: 'steady',
      // Ten plant minutes a second: a frame waits 10 minutes for its material, then takes 18 in the shop.
      speed: 600,
      batchingWindowMs: 200,
      log: () => {},
    });
    const clients = createClients(twin.endpoints);
    try {
      await waitFor(
        'frames in the shop',
        () => twin.status().eventsIn >= 40 && twin.status().forecastsWritten >= 2,
        60_000,
      );
      await twin.stopEmulator();
      // The state is final once every event the plant published is read (on a loaded machine the
      // ingest may still be catching up when a forecast of the state so far is written).
      await waitFor(
        'every published event read',
        () => twin.status().eventsIn === twin.status().eventsPublished || undefined,
        30_000,
      );
      const names = resourceNames();
      const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
      const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
      const calibrations = new DynamoDbCalibrationStore(clients.documentClient, names.forecastsTable);
      // The emulated plant's times are random: a drift alert may recalibrate the twin on the way,
      // and the forecasts after it run the calibrated flow shop. The model a forecast names is the
      // one to forecast with.
      const modelOf = async (record: ForecastRecord): Promise<PlantModel> => {
        if (record.calibration === undefined) return flowShop;
        const calibration = (await calibrations.history()).find((c) => c.id === record.calibration!.id);
        const calibrated = calibration && calibratedModel(flowShop, calibration);
        if (!calibrated) throw new Error(`calibration ${record.calibration.id} not found for the flow shop`);
        return calibrated;
      };

      const { latest: settled, model } = await waitFor(
        'a forecast of the final state',
        async () => {
          const latest = await forecasts.latest();
          if (!latest) return undefined;
          const model = await modelOf(latest);
          const expected = forecast({ asOf: latest.asOf, orders: await states.listActive() }, model);
          if (
            JSON.stringify(latest.orders) !== JSON.stringify(expected.orders) ||
            latest.orders.length === 0
          ) {
            throw new Error(
              `the latest forecast (as of ${new Date(latest.asOf).toISOString()}, ${latest.orders.length} orders, ` +
                `calibration ${latest.calibration?.id ?? 'none'}) is not the flow shop's forecast of the state`,
            );
          }
          return { latest, model };
        },
        30_000,
        500,
      );

      expect(settled.model).toMatchObject({ name: 'flow-shop', hash: modelHash(model) });

      expect(settled.stations.map((s) => s.station)).toEqual(['saw', 'welder', 'booth']);
      const operations = settled.orders.flatMap((o) => o.steps.filter((s) => s.kind === 'operation'));
      expect(new Set(operations.map((s) => `${s.step} at ${s.station}`))).toEqual(
        new Set(['cut at saw', 'weld at welder', 'paint at booth']),
      );
      // What the plant has done is in it, and what it will do.
      expect(operations.some((s) => s.actual)).toBe(true);
      expect(operations.some((s) => !s.actual)).toBe(true);
      // The plant's own randomness may leave a supplier overdue or an operation overrunning; nothing
      // else: every step, product and station is the model's, no station holds more than it can.
      const expectedKinds = ['overdue-material', 'overrun'];
      expect(settled.warnings.filter((w) => !expectedKinds.includes(w.kind))).toEqual([]);
      expect(twin.status().eventsIn).toBe(twin.status().eventsPublished);
      expect(twin.status().failures).toBe(0);
    } finally {
      destroyClients(clients);
      await twin.stop();
    }
  }, 120_000);

  it("tells, of many plants, the sums of each plant's latest forecast, as the plants' overview holds them", async () => {
    const twin = await startTwin({ port: 0, plants: 3, scenario: 'steady', speed: 300, log: () => {} });
    const clients = createClients(twin.endpoints);
    try {
      await waitFor('a forecast of every plant', () => twin.status().plants?.count === 3, 60_000);
      await twin.stopEmulator();
      const forecasts = new DynamoDbForecastStore(clients.documentClient, resourceNames().forecastsTable);
      // Once the last events are forecast, the status line's sums are the overview's.
      const sums = await waitFor(
        "the overview's sums",
        async () => {
          const plants = await forecasts.plants();
          const sum = {
            count: plants.length,
            activeOrders: plants.reduce((n, p) => n + p.activeOrders, 0),
            ordersLate: plants.reduce((n, p) => n + p.ordersLate, 0),
          };
          return JSON.stringify(sum) === JSON.stringify(twin.status().plants) ? sum : undefined;
        },
        30_000,
        500,
      );
      expect(sums.count).toBe(3);
      expect(sums.activeOrders).toBeGreaterThan(twin.status().lastForecast!.activeOrders);
    } finally {
      destroyClients(clients);
      await twin.stop();
    }
  }, 120_000);

  it('takes in what the emulator published before it stops', async () => {
    const twin = await startTwin({ port: 0, scenario: 'load', log: () => {} });
    try {
      await waitFor('events flowing', () => twin.status().eventsIn >= 300, 60_000);
    } finally {
      await twin.stop();
    }
    const status = twin.status();
    expect(status.eventsPublished).toBeGreaterThanOrEqual(300);
    expect(status.eventsIn + status.failures).toBe(status.eventsPublished);
    // Started without a data directory and nothing given up on: its temporary folder is gone.
    expect(status.failures).toBe(0);
    expect(existsSync(twin.dataDir)).toBe(false);
  }, 120_000);

  it('keeps a temporary data folder at stop when it holds records that could not be applied', async () => {
    const lines: string[] = [];
    const clean = mkdtempSync(join(tmpdir(), 'twin-release-'));
    writeFileSync(join(clean, 'checkpoints.json'), '{}');
    writeFileSync(join(clean, 'failures.jsonl'), '');
    const failed = mkdtempSync(join(tmpdir(), 'twin-release-'));
    writeFileSync(join(failed, 'failures.jsonl'), '{"reason":"x"}\n');

    await releaseTemporaryDataDir(clean, (line) => lines.push(line));
    await releaseTemporaryDataDir(failed, (line) => lines.push(line));

    expect(existsSync(clean)).toBe(false);
    expect(readFileSync(join(failed, 'failures.jsonl'), 'utf8')).toBe('{"reason":"x"}\n');
    expect(lines).toEqual([`kept ${join(failed, 'failures.jsonl')}: records that could not be applied`]);
  });

  it('keeps state, stream and checkpoints across a restart with the same data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'twin-restart-'));
    const first = await demoIngested({ dataDir });
    const published = first.status().eventsPublished;
    await first.stop();

    const second = await startTwin({ dataDir, port: 0, scenario: 'none', log: () => {} });
    const clients = createClients(second.endpoints);
    try {
      const names = resourceNames();
      const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
      const stream = await readAllRecords(clients.kinesis, names.stream);
      const order = await states.get('order-2');
      await new Promise((r) => setTimeout(r, 1_500));

      expect(stream.flatMap((s) => s.records)).toHaveLength(published);
      expect(order).toMatchObject({ status: 'delivered', version: 7 });
      expect(second.status().eventsIn).toBe(0);
    } finally {
      destroyClients(clients);
      await second.stop();
    }
  }, 120_000);
});
