// What the twin says about the services it stands on: on its status line while one does not answer
// or has lost the twin's data, and in the log lines when that changes.
import { describe, expect, it } from 'vitest';
import { statusLine } from '../../cli/commands/start.ts';
import type { PlantSummary } from '../../contracts/forecastRecord.ts';
import { resourceNames } from '../../contracts/resources.ts';
import type { ServiceStatus } from '../../local/pollers/ServiceWatch.ts';
import type { TwinStatus } from '../../local/runtime.ts';
import { plantTotals } from '../../local/twin/handlers.ts';
import { restartLine, serviceLines } from '../../local/twin/services.ts';

const NOW = Date.UTC(2026, 0, 5, 8, 0, 0);
const up: ServiceStatus = { state: 'up', since: NOW - 60_000, outages: 0, probes: 0 };
const status = (services: Partial<TwinStatus['services']> = {}): TwinStatus => ({
  eventsIn: 90,
  changesIn: 80,
  forecastsWritten: 3,
  failures: 0,
  eventsPublished: 100,
  publishRetries: 0,
  services: { kinesis: up, dynamodb: up, ...services },
});

/** A plant's line of the overview of every plant. */
const summary = (plantId: string, counts: Partial<PlantSummary>): PlantSummary => ({
  plantId,
  asOf: NOW,
  generatedAt: NOW,
  latestEventAt: NOW,
  activeOrders: 0,
  ordersLate: 0,
  ordersDelayed: 0,
  ...counts,
});

describe('the status line', () => {
  it('says nothing of services that answer', () => {
    expect(statusLine(status(), NOW)).toBe(
      'events published 100 · in 90 · forecasts 3 (none yet) · failures 0',
    );
  });

  it('counts the alerts raised and shows the latest', () => {
    const line = statusLine(
      {
        ...status(),
        alerts: 2,
        lastAlert: { kind: 'lateness', text: 'order-4 will be 1 min 20 s late', asOf: NOW, raisedAt: NOW },
      },
      NOW,
    );
    expect(line).toBe(
      'events published 100 · in 90 · forecasts 3 (none yet) · failures 0 · alerts 2 (latest: order-4 will be 1 min 20 s late)',
    );
    expect(statusLine({ ...status(), alerts: 0 }, NOW)).not.toContain('alerts');
  });

  it("of many plants, sums each plant's latest forecast and names the latest alert's plant", () => {
    const line = statusLine(
      {
        ...status(),
        lastForecast: { asOf: NOW, generatedAt: NOW - 3_000, activeOrders: 4, ordersLate: 1 },
        plants: plantTotals([
          summary('plant-01', { generatedAt: NOW - 9_000, activeOrders: 7, ordersLate: 0 }),
          summary('plant-02', { generatedAt: NOW - 3_000, activeOrders: 4, ordersLate: 1 }),
          summary('plant-03', { generatedAt: NOW - 5_000, activeOrders: 3, ordersLate: 2 }),
        ]),
        alerts: 1,
        lastAlert: {
          kind: 'lateness',
          text: 'order-4 will be late',
          asOf: NOW,
          raisedAt: NOW,
          plantId: 'plant-02',
        },
      },
      NOW,
    );
    expect(line).toBe(
      'events published 100 · in 90 · forecasts 3 (3 plants, last 3 s ago, 14 active, 3 late) · failures 0 · alerts 1 (latest: plant-02: order-4 will be late)',
    );
  });

  it('sums the orders at risk over the plants whose forecasts have them', () => {
    const forecast = summary('north', { activeOrders: 2, ordersLate: 0 });
    expect(plantTotals([forecast, forecast])).toEqual({ count: 2, activeOrders: 4, ordersLate: 0 });
    expect(
      plantTotals([forecast, { ...forecast, ordersAtRisk: 2 }, { ...forecast, ordersAtRisk: 1 }]),
    ).toEqual({
      count: 3,
      activeOrders: 6,
      ordersLate: 0,
      ordersAtRisk: 3,
    });
  });

  it('says which service does not answer, for how long, and that the twin retries', () => {
    const down: ServiceStatus = { state: 'unreachable', since: NOW - 12_000, outages: 1, probes: 4 };
    expect(statusLine(status({ dynamodb: down }), NOW)).toMatch(
      / · failures 0 · DynamoDB unreachable for 12 s, retrying$/,
    );
    expect(statusLine(status({ kinesis: down }), NOW)).toMatch(/ · Kinesis unreachable for 12 s, retrying$/);
  });

  it('says which service lost the twin’s data, and what to do', () => {
    const gone: ServiceStatus = { state: 'gone', since: NOW, outages: 1, probes: 2 };
    expect(statusLine(status({ dynamodb: gone }), NOW)).toMatch(
      / · DynamoDB lost the twin's order state: restart the twin$/,
    );
    expect(statusLine(status({ kinesis: gone }), NOW)).toMatch(
      / · Kinesis lost the twin's event stream: restart the twin$/,
    );
  });
});

describe('the log lines about services', () => {
  const names = resourceNames();
  const endpoints = { kinesis: 'http://127.0.0.1:4567', dynamodb: 'http://127.0.0.1:8000' };
  const down: ServiceStatus = { state: 'unreachable', since: NOW, outages: 1, probes: 1 };
  const back: ServiceStatus = { state: 'up', since: NOW + 4_200, outages: 1, probes: 5 };
  const gone: ServiceStatus = { state: 'gone', since: NOW + 4_200, outages: 1, probes: 5 };

  it('say when a service stops answering and when it answers again', () => {
    const line = serviceLines({ embedded: true, inMemory: false, endpoints, names });
    expect(line('dynamodb', down, up)).toBe(
      'DynamoDB Local at http://127.0.0.1:8000 does not answer: the pipeline waits for it, retrying with backoff; nothing is lost',
    );
    expect(line('dynamodb', back, down)).toBe(
      'DynamoDB Local answers again after 4.2 s: the pipeline carries on where it stopped',
    );
  });

  it('say that the state is gone and what to do when an emulator restarted in memory', () => {
    const line = serviceLines({ embedded: true, inMemory: true, endpoints, names });
    expect(line('dynamodb', gone, down)).toBe(
      'DynamoDB Local restarted without a data directory: the order state is gone (table order-state); ' +
        'stop the twin and start it again (use --data-dir to keep state across restarts)',
    );
  });

  it('say what is gone from a service the twin did not start', () => {
    const line = serviceLines({ embedded: false, inMemory: true, endpoints, names });
    expect(line('kinesis', gone, down)).toBe(
      'Kinesis at http://127.0.0.1:4567 answers, but the event stream order-events is gone, with the events not yet ' +
        'read from it: the pipeline has stopped; stop the twin and start it again',
    );
  });

  it('say when an emulator dies, and when it runs again', () => {
    expect(
      restartLine(
        { kind: 'exited', emulator: 'kinesalite', port: 4567, how: 'exited on SIGKILL', restartInMs: 250 },
        false,
      ),
    ).toBe('kinesalite exited on SIGKILL: starting it again on port 4567 in 0.3 s, with its data');
    expect(
      restartLine(
        {
          kind: 'exited',
          emulator: 'dynamodb-local',
          port: 8000,
          how: 'exited with code 1',
          restartInMs: 250,
        },
        true,
      ),
    ).toBe(
      'DynamoDB Local exited with code 1: starting it again on port 8000 in 0.3 s (it ran in memory: its data is lost)',
    );
    expect(
      restartLine({ kind: 'restarted', emulator: 'dynamodb-local', port: 8000, startupMs: 2_900 }, false),
    ).toBe('DynamoDB Local runs again on port 8000 (started in 2.9 s)');
  });
});
