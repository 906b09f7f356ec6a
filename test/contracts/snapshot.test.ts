// The snapshot's order items: steps by name, an optional product and status (derived from the times
// when absent), and today's files still read: a v1 item's production times are the step `production`.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnapshotError } from '../../contracts/errors.ts';
import { parseSnapshot } from '../../contracts/snapshot.ts';
import { EPOCH_MS_RULE, LATEST_TIME_MS } from '../../contracts/time.ts';
import { forecast } from '../../orderflow/index.ts';
import { STEP_NAMES } from '../state/history.ts';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;
const at = (minutes: number) => NOW + minutes * MIN;

/** The error `parseSnapshot` throws for `raw`. */
function snapshotError(raw: unknown): SnapshotError {
  try {
    parseSnapshot(raw);
  } catch (error) {
    if (error instanceof SnapshotError) return error;
    throw error;
  }
  throw new Error('the snapshot was accepted');
}

const one = (order: Record<string, unknown>) => parseSnapshot({ asOf: NOW, orders: [order] }).orders[0]!;

describe('a snapshot of steps', () => {
  it('reads an order with its product and its steps by name', () => {
    const order = {
      orderId: 'a',
      status: 'in-production',
      product: 'frame',
      acceptedAt: at(-30),
      materialArrivedAt: at(-20),
      steps: {
        cut: { startedAt: at(-18), finishedAt: at(-14), station: 'saw' },
        weld: { startedAt: at(-10) },
      },
    };

    expect(one(order)).toEqual(order);
  });

  it('derives a missing status from the times, as the ingest does', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'accepted'],
      [{ eta: at(5) }, 'awaiting-material'],
      [{ initialEta: at(5) }, 'awaiting-material'],
      [{ eta: at(-5), materialArrivedAt: at(-5) }, 'ready'],
      [{ materialArrivedAt: at(-5), steps: { cut: { startedAt: at(-4) } } }, 'in-production'],
      [{ steps: { cut: { startedAt: at(-8), finishedAt: at(-4) } } }, 'finished'],
      [{ steps: { cut: { finishedAt: at(-4) }, weld: { startedAt: at(-3) } } }, 'in-production'],
      [{ steps: { cut: { startedAt: at(-8) } }, deliveredAt: at(-1) }, 'delivered'],
    ];

    for (const [times, status] of cases) expect(one({ orderId: 'a', ...times }).status, status).toBe(status);
  });

  it('keeps a stated status, but refuses one whose times are missing, naming the field', () => {
    expect(one({ orderId: 'a', status: 'ready', materialArrivedAt: at(-1), eta: at(3) }).status).toBe(
      'ready',
    );
    expect(
      snapshotError({ asOf: NOW, orders: [{ orderId: 'a', status: 'finished', steps: {} }] }).message,
    ).toBe(
      'orders[0] (order "a"): field "steps": required when status is "finished" (a step with finishedAt)',
    );
    expect(
      snapshotError({
        asOf: NOW,
        orders: [{ orderId: 'a', status: 'in-production', steps: { cut: { startedAt: 1, finishedAt: 2 } } }],
      }).where,
    ).toEqual({ index: 0, orderId: 'a', field: 'steps' });
  });

  it('names the order, the step and the field of a step time outside the range', () => {
    const error = snapshotError({
      asOf: NOW,
      orders: [{ orderId: 'a', steps: { 'cut.1': { startedAt: at(-3) }, cut: { startedAt: 1e17 } } }],
    });

    expect(error.message).toBe(
      `orders[0] (order "a"): field "steps.cut.startedAt": ${EPOCH_MS_RULE}, got 100000000000000000`,
    );
    expect(error.where).toEqual({ index: 0, orderId: 'a', field: 'steps.cut.startedAt' });
  });

  it('refuses any step time that is not in the range, and accepts any that is', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('startedAt', 'finishedAt'),
        fc.oneof(fc.integer({ min: -1e3, max: LATEST_TIME_MS + 1e3 }), fc.double({ noNaN: true })),
        (field, value) => {
          const raw = { asOf: NOW, orders: [{ orderId: 'o', steps: { paint: { [field]: value } } }] };

          if (Number.isSafeInteger(value) && value >= 0 && value <= LATEST_TIME_MS) {
            expect(parseSnapshot(raw).orders[0]!.steps!.paint![field]).toBe(value);
          } else expect(snapshotError(raw).where.field).toBe(`steps.paint.${field}`);
        },
      ),
    );
  });

  it('refuses a misspelt step field, a step that is no object, and names that are no step names', () => {
    const refused = (steps: unknown) =>
      snapshotError({ asOf: NOW, orders: [{ orderId: 'a', steps }] }).message;

    expect(refused({ cut: { startAt: 1 } })).toBe(
      'orders[0] (order "a"): field "steps.cut.startAt": unknown step field (expected startedAt, finishedAt, station)',
    );
    expect(refused({ cut: 5 })).toBe(
      'orders[0] (order "a"): field "steps.cut": expected an object { startedAt, finishedAt, station }, got 5',
    );
    expect(refused([])).toMatch(/field "steps": expected an object/);
    expect(refused({ ['x'.repeat(101)]: {} })).toMatch(/must be 1 to 100 characters of well-formed Unicode/);
    expect(refused({ '\ud800': {} })).toMatch(/must be 1 to 100 characters of well-formed Unicode/);
    expect(refused({ cut: { station: '' } })).toMatch(/field "steps.cut.station": must be 1 to 100/);
    expect(snapshotError({ asOf: NOW, orders: [{ orderId: 'a', product: 7 }] }).message).toMatch(
      /^orders\[0\] \(order "a"\): field "product": expected a string/,
    );
  });

  it('keeps every well-formed step name as it is, object built-ins included', () => {
    const text = JSON.stringify({
      asOf: NOW,
      orders: [
        { orderId: 'a', steps: Object.fromEntries(STEP_NAMES.map((s, i) => [s, { startedAt: at(-i) }])) },
      ],
    });

    const { steps } = parseSnapshot(JSON.parse(text)).orders[0]!;

    expect(Object.keys(steps!)).toEqual([...STEP_NAMES]);
    expect(Object.hasOwn(steps!, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(steps, '__proto__')?.value).toEqual({ startedAt: at(-6) });
    expect(Object.getPrototypeOf(steps)).toBe(Object.prototype);
  });
});

describe('a v1 snapshot', () => {
  const v1 = {
    orderId: 'a',
    status: 'finished',
    materialArrivedAt: at(-30),
    productionStartedAt: at(-20),
    productionFinishedAt: at(-10),
  };

  it('has its production times as the step production, and no v1 field left', () => {
    expect(one(v1)).toEqual({
      orderId: 'a',
      status: 'finished',
      materialArrivedAt: at(-30),
      steps: { production: { startedAt: at(-20), finishedAt: at(-10) } },
    });
  });

  it('may say a production time twice, in both forms, if they agree; and otherwise is refused', () => {
    expect(one({ ...v1, steps: { production: { startedAt: at(-20) } } })).toEqual(one(v1));
    expect(one({ ...v1, steps: { cut: { startedAt: at(-40) } } }).steps).toEqual({
      cut: { startedAt: at(-40) },
      production: { startedAt: at(-20), finishedAt: at(-10) },
    });

    const error = snapshotError({
      asOf: NOW,
      orders: [{ ...v1, steps: { production: { finishedAt: at(-9) } } }],
    });

    expect(error.message).toBe(
      `orders[0] (order "a"): field "productionFinishedAt": ${at(-10)} is not steps.production.finishedAt (${at(-9)}); give one of them`,
    );
  });

  it('refuses a v1 production time outside the range, naming it', () => {
    const error = snapshotError({ asOf: NOW, orders: [{ orderId: 'a', productionStartedAt: -1 }] });

    expect(error.message).toBe(
      `orders[0] (order "a"): field "productionStartedAt": ${EPOCH_MS_RULE}, got -1`,
    );
  });

  it('keeps the v1 rule that an order in production says when production started', () => {
    expect(
      snapshotError({ asOf: NOW, orders: [{ orderId: 'a', status: 'in-production', materialArrivedAt: 1 }] })
        .message,
    ).toMatch(/field "steps": required when status is "in-production"/);
    expect(one({ orderId: 'a', status: 'in-production', productionStartedAt: at(-1) }).steps).toEqual({
      production: { startedAt: at(-1) },
    });
  });

  it('the demo snapshot reads as the same orders written with steps, and forecasts the same', () => {
    const raw = JSON.parse(readFileSync('examples/demo-snapshot.json', 'utf8')) as {
      asOf: number;
      orders: Record<string, unknown>[];
    };
    const withSteps = {
      asOf: raw.asOf,
      orders: raw.orders.map(({ productionStartedAt, productionFinishedAt, ...order }) =>
        productionStartedAt === undefined && productionFinishedAt === undefined
          ? order
          : {
              ...order,
              steps: { production: { startedAt: productionStartedAt, finishedAt: productionFinishedAt } },
            },
      ),
    };

    const parsed = parseSnapshot(raw);

    expect(parsed).toEqual(parseSnapshot(JSON.parse(JSON.stringify(withSteps))));
    expect(parsed.orders.map((o) => [o.orderId, o.status, o.steps?.production])).toEqual([
      ['order-1', 'finished', { startedAt: 1767600600000, finishedAt: 1767601200000 }],
      ['order-2', 'in-production', { startedAt: 1767601400000 }],
      ['order-3', 'ready', undefined],
      ['order-4', 'awaiting-material', undefined],
    ]);
    // Without its statuses, the file says the same: each is what the times give.
    const statusless = { ...raw, orders: raw.orders.map(({ status: _status, ...order }) => order) };
    expect(parseSnapshot(statusless)).toEqual(parsed);
    expect(forecast(parseSnapshot(statusless))).toEqual(forecast(parsed));
  });
});

describe("a snapshot of the stations' state and the maintenance planned", () => {
  const withPlant = (plant: Record<string, unknown>) => parseSnapshot({ asOf: NOW, orders: [], ...plant });

  it('passes stations and maintenance through as given, units and expected times included', () => {
    const stations = [
      { station: 'saw', down: true, since: at(-10), expectedUpAt: at(20) },
      { station: 'saw', unit: 2, down: false, since: at(-5) },
    ];
    const maintenance = [{ maintenanceId: 'pm-7', station: 'booth', unit: 1, from: at(30), to: at(90) }];

    expect(withPlant({ stations, maintenance })).toEqual({ asOf: NOW, orders: [], stations, maintenance });
  });

  it('reads a file without them as before: no stations, no maintenance', () => {
    const snapshot = parseSnapshot({ asOf: NOW, orders: [{ orderId: 'a' }] });

    expect(snapshot).not.toHaveProperty('stations');
    expect(snapshot).not.toHaveProperty('maintenance');
  });

  it('names the entry and the field at fault, with the value', () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { stations: [{ station: 'saw', unit: 0, down: true, since: at(0) }] },
        `stations[0] (station "saw", unit 0): field "unit": expected a whole number from 1 (a unit of the station, 1 to the station's capacity), got 0`,
      ],
      [
        { stations: [{ station: 'saw', unit: 1.5, down: true, since: at(0) }] },
        `stations[0] (station "saw", unit 1.5): field "unit": expected a whole number from 1 (a unit of the station, 1 to the station's capacity), got 1.5`,
      ],
      [
        { stations: [{ station: 'saw', down: 'yes', since: at(0) }] },
        'stations[0] (station "saw"): field "down": expected true (down) or false (up), got "yes"',
      ],
      [
        { stations: [{ station: 'saw', down: true }] },
        'stations[0] (station "saw"): field "since": required: expected a number (epoch ms)',
      ],
      [
        { stations: [{ station: 'saw', down: true, since: at(0) + 0.5 }] },
        `stations[0] (station "saw"): field "since": ${EPOCH_MS_RULE}, got ${at(0) + 0.5}`,
      ],
      [
        { stations: [{ station: 'saw', down: true, since: at(0), expectedUp: at(5) }] },
        'stations[0] (station "saw"): field "expectedUp": unknown field (expected station, unit, down, since, expectedUpAt)',
      ],
      [
        { stations: [{ down: true, since: at(0) }] },
        'stations[0]: field "station": required: expected a string: must be 1 to 100 characters of well-formed Unicode',
      ],
      [
        {
          stations: [
            { station: 'saw', down: true, since: at(0) },
            { station: 'saw', down: false, since: at(1) },
          ],
        },
        'stations[1] (station "saw"): the station appears twice',
      ],
      [{ stations: {} }, 'field "stations": expected an array of station states, got {}'],
      [{ stations: [5] }, 'stations[0]: expected a station state object, got 5'],
      [
        { maintenance: [{ maintenanceId: 'pm-1', station: 'saw', from: at(10), to: at(10) }] },
        `maintenance[0] (maintenance "pm-1"): field "to": must be after from (${at(10)}), got ${at(10)}`,
      ],
      [
        { maintenance: [{ maintenanceId: 'pm-1', station: 'saw', from: at(10) }] },
        'maintenance[0] (maintenance "pm-1"): field "to": required: expected a number (epoch ms)',
      ],
      [
        { maintenance: [{ maintenanceId: 'pm-1', station: 'saw', from: at(10), to: LATEST_TIME_MS + 1 }] },
        `maintenance[0] (maintenance "pm-1"): field "to": ${EPOCH_MS_RULE}, got ${LATEST_TIME_MS + 1}`,
      ],
      [
        {
          maintenance: [
            { maintenanceId: 'pm-1', station: 'saw', from: at(10), to: at(20) },
            { maintenanceId: 'pm-1', station: 'saw', from: at(30), to: at(40) },
          ],
        },
        'maintenance[1] (maintenance "pm-1"): the maintenance appears twice',
      ],
      [
        { maintenance: 'none' },
        'field "maintenance": expected an array of planned maintenance windows, got "none"',
      ],
    ];

    for (const [plant, message] of cases) {
      const error = snapshotError({ asOf: NOW, orders: [], ...plant });
      expect(error.message, message).toBe(message);
    }
  });
});

describe('another of the twin’s files given as a snapshot', () => {
  it('is named for what it is, with what a snapshot is', () => {
    const read = (path: string) =>
      JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));
    const snapshotIs =
      'a snapshot is { "asOf": <epoch ms>, "orders": [order states] } (twin snapshot saves one)';

    expect(() => parseSnapshot(read('examples/order-flow-uncertain.json'))).toThrow(
      new SnapshotError(`a plant model (of --model), not a snapshot: ${snapshotIs}`),
    );
    expect(() => parseSnapshot(read('sim-core/models/casymda-benchmark.json'))).toThrow(
      new SnapshotError(`a block model (of twin simulate), not a snapshot: ${snapshotIs}`),
    );
  });
});
