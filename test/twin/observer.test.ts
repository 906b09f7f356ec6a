// The embedded twin keeps the rolling accuracy record: its observer reads the order-state stream
// through a local mapping of its own (checkpoints of its own, beside the forecast's), and compares
// each finished step of the emulated plant with the forecasts made before it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAccuracyItem } from '../../contracts/accuracyItem.ts';
import { summariseAccuracy } from '../../contracts/accuracyRecord.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { createClients, destroyClients } from '../../local/clients.ts';
import { startTwin } from '../../local/runtime.ts';
import { waitFor } from '../support/wait.ts';

describe('embedded twin: the observer', () => {
  it('compares the finished steps of the emulated plant with the forecasts before them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'twin-observer-'));
    const twin = await startTwin({
      dataDir,
      port: 0,
      scenario: 'demo',
      speed: 300,
      batchingWindowMs: 200,
      log: () => {},
    });
    const clients = createClients(twin.endpoints);
    try {
      const table = resourceNames().forecastsTable;
      const record = await waitFor(
        'steps compared in the accuracy record',
        async () => {
          const stored = await readAccuracyItem(clients.documentClient, table);
          const summary = stored && summariseAccuracy(stored.record);
          return summary?.horizons.some((h) => h.steps.comparisons > 0) ? summary : undefined;
        },
        60_000,
        250,
      );
      // The demo plant runs as its model says: the 5-minute-ahead forecasts of its steps were exact
      // or close (its ETAs slip, but are announced before they are due).
      const five = record.horizons.find((h) => h.horizonMs === 5 * 60_000)!;
      expect(five.steps.comparisons).toBeGreaterThan(0);
      expect(record.trend.length).toBeGreaterThan(0);
      const api = await fetch(new URL('/api/forecast', twin.dashboardUrl));
      expect(api.status).toBe(200);
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
