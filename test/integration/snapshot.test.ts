// `twin snapshot` and `twin whatif` on a twin's tables in DynamoDB Local: the live state saved as a
// snapshot (orders, stations, planned maintenance) that twin forecast and twin whatif replay, the same
// what-if read from the tables directly, and the tables left as they were.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../contracts/index.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { toDomainEvent } from '../../state/events.ts';
import { twin } from '../support/cli.ts';
import { useEmulators } from '../support/emulators.ts';
import { v1 } from '../support/events.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;
const iso = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
const PREFIX = 'snap-';

// The demo plant: A in production since 10, B's material announced late (25 instead of 12), the line
// down from 13 (back at 16 as expected), a maintenance of the line planned from 40 to 50.
const orders = [
  v1('OrderAccepted', 'A', 0, { dueAt: iso(30) }),
  v1('MaterialOrdered', 'A', 0, { eta: iso(10) }),
  v1('OrderAccepted', 'B', 2, { dueAt: iso(25) }),
  v1('MaterialOrdered', 'B', 2, { eta: iso(12) }),
  v1('MaterialArrived', 'A', 10),
  v1('ProductionStarted', 'A', 10),
  v1('EtaUpdated', 'B', 14, { eta: iso(25) }),
];

describe('twin snapshot and twin whatif on the tables of a twin', () => {
  const env = useEmulators('kinesalite', { prefix: PREFIX });
  const dir = mkdtempSync(join(tmpdir(), 'twin-snapshot-'));

  const seed = async () => {
    const states = new DynamoDbStateStore(env.clients.dynamodb, env.names.orderStateTable);
    for (const event of orders) await states.apply(toDomainEvent(event));
    await states.applyPlant({
      type: 'MaintenancePlanned',
      eventId: 'm-1',
      at: T0 + 5 * MIN,
      maintenanceId: 'line-service',
      station: 'line',
      from: T0 + 40 * MIN,
      to: T0 + 50 * MIN,
    });
    await states.applyPlant({
      type: 'StationDown',
      eventId: 's-1',
      at: T0 + 13 * MIN,
      station: 'line',
      expectedUpAt: T0 + 16 * MIN,
    });
  };
  // After the emulators have started (useEmulators' own beforeAll runs first).
  beforeAll(seed);
  const scanBoth = async () =>
    Promise.all(
      [env.names.orderStateTable, env.names.forecastsTable].map(
        async (TableName) => (await env.clients.dynamodb.send(new ScanCommand({ TableName }))).Items,
      ),
    );

  it('saves the live state as a snapshot that twin forecast and twin whatif replay', async () => {
    const endpoint = env.running.endpoints.dynamodb!;
    const where = ['--endpoint', endpoint, '--name-prefix', PREFIX];
    const out = join(dir, 'plant-now.json');

    const printed = await twin('snapshot', ...where, '--as-of', 'latest-event');
    const saved = await twin('snapshot', ...where, '--as-of', iso(15), '--out', out);

    expect(printed.code, printed.stderr).toBe(0);
    const snapshot = parseSnapshot(JSON.parse(printed.stdout));
    expect(snapshot.asOf).toBe(T0 + 14 * MIN);
    expect(snapshot.orders.map((o) => o.orderId)).toEqual(['A', 'B']);
    expect(snapshot.orders[1]).toMatchObject({ eta: T0 + 25 * MIN, initialEta: T0 + 12 * MIN });
    expect(snapshot.stations).toEqual([
      { station: 'line', down: true, since: T0 + 13 * MIN, expectedUpAt: T0 + 16 * MIN },
    ]);
    expect(snapshot.maintenance).toEqual([
      { maintenanceId: 'line-service', station: 'line', from: T0 + 40 * MIN, to: T0 + 50 * MIN },
    ]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stderr).toMatch(
      /plant-now\.json: 2 active orders, 1 station state, 1 maintenance window, as of 2026-01-05T08:15:00\.000Z/,
    );
    expect(parseSnapshot(JSON.parse(readFileSync(out, 'utf8'))).asOf).toBe(T0 + 15 * MIN);

    const forecast = await twin('forecast', '--state', out);
    expect(forecast.code, forecast.stderr).toBe(0);
    expect(forecast.stdout).toMatch(/^B\s/m);
  });

  it('compares variants of the live state read from the tables as of a saved snapshot, and writes nothing', async () => {
    const endpoint = env.running.endpoints.dynamodb!;
    const where = ['--endpoint', endpoint, '--name-prefix', PREFIX, '--as-of', iso(15)];
    const out = join(dir, 'plant-at-15.json');
    await twin('snapshot', ...where, '--out', out);
    const variants = join(dir, 'variants.json');
    writeFileSync(
      variants,
      JSON.stringify([
        { name: 'no service', changes: [{ change: 'cancel-maintenance', maintenanceId: 'line-service' }] },
        { name: 'B on time', changes: [{ change: 'expedite', order: 'B', eta: iso(15) }] },
      ]),
    );
    const before = await scanBoth();

    const live = await twin('whatif', ...where, '--variants', variants, '--replications', '5', '--json');
    const offline = await twin(
      'whatif',
      '--state',
      out,
      '--variants',
      variants,
      '--replications',
      '5',
      '--json',
    );
    const table = await twin('whatif', ...where, '--variants', variants, '--replications', '5');

    expect(live.code, live.stderr).toBe(0);
    expect(JSON.parse(live.stdout)).toEqual(JSON.parse(offline.stdout));
    expect(JSON.parse(live.stdout).variants[0].name).toBe('B on time');
    expect(table.stdout).toContain(`What-if as of 2026-01-05 08:15:00Z · ${endpoint} · model order-flow`);
    expect(await scanBoth()).toEqual(before);
  });

  it("reads one plant's live state in a twin of many plants", async () => {
    const states = new DynamoDbStateStore(env.clients.dynamodb, env.names.orderStateTable);
    await states.apply(toDomainEvent({ ...v1('OrderAccepted', 'A', 3), plantId: 'north' }));
    const where = ['--endpoint', env.running.endpoints.dynamodb!, '--name-prefix', PREFIX];

    const north = await twin('snapshot', ...where, '--plant', 'north', '--as-of', iso(15));
    const mine = await twin('snapshot', ...where, '--as-of', iso(15));

    expect(north.code, north.stderr).toBe(0);
    const snapshot = parseSnapshot(JSON.parse(north.stdout));
    expect(snapshot.orders.map((o) => [o.orderId, o.acceptedAt])).toEqual([['A', T0 + 3 * MIN]]);
    expect(snapshot.stations ?? []).toEqual([]);
    expect(parseSnapshot(JSON.parse(mine.stdout)).orders.map((o) => o.orderId)).toEqual(['A', 'B']);
  });
});
