// The embedded twin's alerts and accuracy record end to end, in one run of the seed article's demo
// from the plant emulator through the local pipeline: its lateness alerts are raised once each into
// `alerts.jsonl`, the status line's count and the dashboard's GET /api/alerts; and the observer,
// reading the order-state stream through a local mapping of its own (checkpoints of its own, beside
// the forecast's), compares each finished step with the forecasts made before it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAccuracyItem } from '../../contracts/accuracyItem.ts';
import { summariseAccuracy } from '../../contracts/accuracyRecord.ts';
import type { Alert, LatenessAlert } from '../../contracts/alerts.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { createClients, destroyClients } from '../../local/clients.ts';
import { startTwin } from '../../local/runtime.ts';
import { waitFor } from '../support/wait.ts';

describe('the embedded twin’s alerts and accuracy record', () => {
  it('raises one lateness alert each for orders 3 and 4 in the demo, and compares its finished steps with the forecasts before them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'twin-alerts-'));
    const twin = await startTwin({
      dataDir,
      port: 0,
      scenario: 'demo',
      // About 11 s of wall time for the demo's 53 plant minutes; a batching window of one plant minute.
      speed: 300,
      batchingWindowMs: 200,
      log: () => {},
    });
    const clients = createClients(twin.endpoints);
    try {
      expect(await twin.scenarioOver).toBeDefined();
      await waitFor(
        'every event ingested',
        () => twin.status().eventsIn === twin.status().eventsPublished,
        30_000,
      );
      await waitFor('the alerts raised', () => (twin.status().alerts ?? 0) >= 2, 30_000);
      // The last forecasts follow the last events within a batching window or two: none may raise more.
      await new Promise((resolve) => setTimeout(resolve, 2_000));

      const lines = readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8').trim().split('\n');
      const alerts = lines.map((line) => JSON.parse(line) as LatenessAlert);
      const api = (await (await fetch(new URL('/api/alerts', twin.dashboardUrl))).json()) as {
        alerts: Alert[];
      };

      expect(alerts.map((a) => [a.orderId, a.change])).toEqual([
        ['order-3', 'late'],
        ['order-4', 'late'],
      ]);
      expect(twin.status()).toMatchObject({
        alerts: 2,
        lastAlert: { kind: 'lateness', text: alerts[1]!.text },
      });
      expect(api.alerts.map((a) => a.id)).toEqual([alerts[1]!.id, alerts[0]!.id]);

      // The accuracy record: the demo plant runs as its model says, so the 5-minute-ahead forecasts
      // of its steps were compared (its ETAs slip, but are announced before they are due).
      const table = resourceNames().forecastsTable;
      const record = await waitFor(
        'steps compared in the accuracy record',
        async () => {
          const stored = await readAccuracyItem(clients.documentClient, table);
          const summary = stored && summariseAccuracy(stored.record);
          return summary?.horizons.some((h) => h.steps.comparisons > 0) ? summary : undefined;
        },
        30_000,
        250,
      );
      const five = record.horizons.find((h) => h.horizonMs === 5 * 60_000)!;
      expect(five.steps.comparisons).toBeGreaterThan(0);
      expect(record.trend.length).toBeGreaterThan(0);
    } finally {
      destroyClients(clients);
      await twin.stop();
    }
    // Two mappings on one stream, each with its own checkpoint.
    const keys = Object.keys(JSON.parse(readFileSync(join(dataDir, 'checkpoints.json'), 'utf8')));
    expect(keys.filter((k) => k.startsWith('observer@')).length).toBeGreaterThan(0);
    expect(
      keys.filter((k) => !k.startsWith('observer@') && k.includes('order-state')).length,
    ).toBeGreaterThan(0);
  }, 120_000);
});
