// The embedded twin's alerts end to end: the seed article's demo from the plant emulator, through
// the local pipeline, raises its lateness alerts once each into `alerts.jsonl`, the status line's
// count and the dashboard's GET /api/alerts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert, LatenessAlert } from '../../contracts/alerts.ts';
import { startTwin } from '../../local/runtime.ts';
import { waitFor } from '../support/wait.ts';

describe('the embedded twin’s alerts', () => {
  it('raises one lateness alert each for orders 3 and 4 in the demo, to alerts.jsonl, the status and the dashboard', async () => {
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
    } finally {
      await twin.stop();
    }
  }, 120_000);
});
