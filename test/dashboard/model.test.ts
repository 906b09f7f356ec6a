// What the page computes from a forecast before drawing it, for any model: colours and names from
// the model, the order view's rows, their order and filter, the station view's units and queues,
// counts, the time span, the outage banner's words, the settings from its address, and how times
// and durations read.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ForecastRecord, StepSpan } from '../../contracts/forecastRecord.ts';
import { formatDuration, formatSigned, formatTime, formatTimeNear } from '../../dashboard/page/format.ts';
import {
  assignUnits,
  causeText,
  delayGroup,
  MATERIAL_COLOR,
  modelView,
  outageText,
  paletteColor,
  parameterList,
  parameterText,
  parseSettings,
  positionText,
  queueAt,
  queueCounts,
  STATION_PALETTE,
  spanColor,
  stationLanes,
  stepText,
  summarise,
  timeExtent,
  toRows,
} from '../../dashboard/page/model.ts';
import {
  demoMonteCarloRecord,
  demoRecord,
  flowShopDowntimeRecord,
  flowShopRecord,
  jobShopRecord,
  MIN,
  syntheticRecord,
  T0,
} from './fixtures.ts';

/** Minutes from the flow shop's asOf (09:00). */
const FLOW_T = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (minutes: number) => FLOW_T + minutes * MIN;

describe('the model gives the colours and the names', () => {
  it('gives each station a colour of the palette in the order of the model’s stations', () => {
    const view = modelView(flowShopRecord());

    expect(view.stations.map((s) => [s.id, s.name, s.capacity, s.color])).toEqual([
      ['saw', 'Saw', 1, STATION_PALETTE[0]],
      ['welder', 'Welder', 2, STATION_PALETTE[1]],
      ['booth', 'Paint booth', 1, STATION_PALETTE[2]],
    ]);
    expect(view.hasMaterial).toBe(true);
  });

  it('keeps a model’s colours whatever its orders, and gives another model its own stations', () => {
    const record = jobShopRecord();
    const fewer: ForecastRecord = { ...record, orders: record.orders.slice(3).reverse() };

    const view = modelView(record);

    expect(view.stations.map((s) => s.name)).toEqual(['Lathe', 'Milling machine', 'Drill press']);
    expect(modelView(fewer).stations).toEqual(view.stations);
    expect(new Set(view.stations.map((s) => s.color)).size).toBe(3);
  });

  it('colours operations and queue waits by station, material waits in one neutral colour', () => {
    const record = flowShopRecord();
    const view = modelView(record);
    const frame5 = record.orders.find((o) => o.orderId === 'frame-5')!;

    const colours = frame5.steps.map((s) => [s.kind, s.station ?? null, spanColor(view, s)]);

    expect(colours).toEqual([
      ['material', null, MATERIAL_COLOR],
      ['queue', 'saw', STATION_PALETTE[0]],
      ['operation', 'saw', STATION_PALETTE[0]],
      ['operation', 'saw', STATION_PALETTE[0]],
      ['queue', 'welder', STATION_PALETTE[1]],
      ['operation', 'welder', STATION_PALETTE[1]],
      ['queue', 'booth', STATION_PALETTE[2]],
      ['operation', 'booth', STATION_PALETTE[2]],
    ]);
  });

  it('gives a station the model does not list the next colour and its id as its name', () => {
    const record = flowShopRecord();
    const frame = record.orders[0]!;
    const extra: StepSpan = {
      step: 'pack',
      station: 'packer',
      kind: 'operation',
      start: 0,
      end: 1,
      actual: true,
    };
    const view = modelView({ ...record, orders: [{ ...frame, steps: [...frame.steps, extra] }] });

    expect(view.stations.at(-1)).toEqual({
      id: 'packer',
      name: 'packer',
      capacity: 1,
      color: STATION_PALETTE[3],
    });
  });

  it('has distinct colours beyond the palette, none of them the material grey', () => {
    const colours = Array.from({ length: 40 }, (_, i) => paletteColor(i));

    expect(new Set(colours).size).toBe(40);
    expect(colours).not.toContain(MATERIAL_COLOR);
    for (const colour of colours) expect(colour).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('names steps, positions and delays with the model’s station names', () => {
    const record = flowShopRecord();
    const view = modelView(record);
    const order = (id: string) => record.orders.find((o) => o.orderId === id)!;

    expect(stepText(view, { kind: 'material', step: 'material' })).toBe('Material wait');
    expect(stepText(view, { kind: 'queue', step: 'weld', station: 'welder' })).toBe(
      'Queued for weld at Welder',
    );
    expect(stepText(view, { kind: 'operation', step: 'paint', station: 'booth' })).toBe(
      'paint at Paint booth',
    );
    expect(positionText(view, order('frame-3').position)).toBe('in weld at Welder');
    expect(positionText(view, order('frame-6').position)).toBe('queued for cut at Saw');
    expect(positionText(view, order('frame-8').position)).toBe('not started');
    expect(causeText(view, order('frame-7'))).toBe('knock-on: waited behind other orders at Saw');
    expect(causeText(view, order('frame-9'))).toBe('own delay: material later than first promised');
    const downtime = flowShopDowntimeRecord().orders.find((o) => o.orderId === 'frame-7')!;
    expect(causeText(view, downtime)).toBe('downtime: a unit down or in maintenance at Paint booth');
    expect(causeText(view, { delayCause: 'overrun', delayStation: 'booth' })).toBe(
      'own delay: an operation overran at Paint booth',
    );
  });

  it('reads parameters: numbers, names, references and distributions', () => {
    expect(parameterList(flowShopRecord().model)).toEqual([
      'materialLeadTime 10 min',
      'cutTime 4 min',
      'weldTime 9 min',
      'paintTime 5 min',
    ]);
    expect(parameterList(jobShopRecord().model)).toEqual([
      'materialLeadTime lognormal(mean 30 min, sd 10 min)',
      'lathes 1',
      'mills 2',
      'etaSlip empirical(values [0 min, 10 min], weights [0.8, 0.2])',
    ]);
    // A forecast of a model in ms, and one kept before the forecast named its times.
    const demo = { parameters: { lead: 600_000, lines: 2, slip: 1500 }, timeUnit: 'ms' };
    expect(parameterList({ ...demo, timeParameters: ['lead', 'slip'] })).toEqual([
      'lead 10 min',
      'lines 2',
      'slip 1500 ms',
    ]);
    expect(parameterList(demo)).toEqual(['lead 600000', 'lines 2', 'slip 1500']);
    expect(parameterText('fifo')).toBe('fifo');
    expect(parameterText({ param: 'weldTime' })).toBe('= weldTime');
    expect(parameterText(1 / 3)).toBe('0.3333');
  });
});

describe('the order view', () => {
  it('has one row per active order, ordered by first start', () => {
    const record = demoRecord(31);

    const rows = toRows(record);

    expect(rows.map((r) => r.orderId)).toEqual(['order-1', 'order-2', 'order-3', 'order-4']);
    expect(rows.map((r) => r.group)).toEqual(['none', 'own', 'knock-on', 'knock-on']);
    expect(rows.map((r) => r.late)).toEqual([false, false, true, true]);
  });

  it('draws every routing step and queue wait of the flow shop: one segment per span', () => {
    const record = flowShopRecord();

    const rows = toRows(record);

    const frame6 = rows.find((r) => r.orderId === 'frame-6')!;
    expect(frame6.steps.map((s) => `${s.kind} ${s.step}${s.actual ? '' : ' (forecast)'}`)).toEqual([
      'material material',
      'queue cut',
      'queue cut (forecast)',
      'operation cut (forecast)',
      'queue weld (forecast)',
      'operation weld (forecast)',
      'queue paint (forecast)',
      'operation paint (forecast)',
    ]);
    for (const row of rows) {
      const operations = new Set(row.steps.filter((s) => s.kind === 'operation').map((s) => s.step));
      expect(operations).toEqual(new Set(['cut', 'weld', 'paint']));
    }
  });

  it("knows order 2's slipped ETA (first ETA 08:20, now 08:23:20)", () => {
    const row = toRows(demoRecord(31)).find((r) => r.orderId === 'order-2')!;

    expect(row.etaSlipMs).toBe((10 * MIN) / 3);
  });

  it('sorts by first start, by completion, late and delayed first, or by id, and filters', () => {
    const record = flowShopRecord();
    const ids = (rows: { orderId: string }[]) => rows.map((r) => r.orderId);

    expect(ids(toRows(record, 'first'))).toEqual([
      'frame-1',
      'frame-9',
      'frame-2',
      'frame-3',
      'frame-4',
      'frame-5',
      'frame-6',
      'frame-7',
      'frame-8',
    ]);
    expect(ids(toRows(record, 'completion'))).toEqual([
      'frame-1',
      'frame-2',
      'frame-3',
      'frame-4',
      'frame-5',
      'frame-6',
      'frame-9',
      'frame-7',
      'frame-8',
    ]);
    // Late (frame-9, frame-7) first, then delayed (frame-8), each by completion.
    expect(ids(toRows(record, 'late')).slice(0, 3)).toEqual(['frame-9', 'frame-7', 'frame-8']);
    expect(ids(toRows(record, 'first', { attentionOnly: true }))).toEqual(['frame-9', 'frame-7', 'frame-8']);
    expect(ids(toRows(record, 'id', { text: ' FRAME-4 ' }))).toEqual(['frame-4']);
  });

  it('marks the orders at risk, and keeps them when only the orders that need attention are shown', () => {
    const record = demoMonteCarloRecord(31);
    const order1 = record.orders.find((o) => o.orderId === 'order-1')!;
    const attention = () => toRows(record, 'first', { attentionOnly: true }).map((r) => r.orderId);

    // order-2 is on time at the means and late in about half of the draws.
    expect(
      toRows(record)
        .filter((r) => r.atRisk)
        .map((r) => r.orderId),
    ).toEqual(['order-2']);
    // order-1, on time and not delayed, needs attention once it is late in 1 draw in 5.
    expect(order1).toMatchObject({ late: false, delayCause: 'none', onTimeProbability: 1 });
    expect(attention()).not.toContain('order-1');
    order1.onTimeProbability = 0.81;
    expect(attention()).not.toContain('order-1');
    order1.onTimeProbability = 0.8;
    expect(attention()).toContain('order-1');
    expect(toRows(demoRecord(31)).some((r) => r.atRisk)).toBe(false);
  });

  it('puts the orders least likely to be on time first: by the Monte Carlo chance, else late ones first', () => {
    const record = demoMonteCarloRecord(31);
    const chance = Object.fromEntries(record.orders.map((o) => [o.orderId, o.onTimeProbability!]));

    const rows = toRows(record, 'risk');

    const chances = rows.map((r) => chance[r.orderId]!);
    expect(chances).toEqual([...chances].sort((a, b) => a - b));
    expect(rows.at(-1)!.orderId).toBe('order-1');
    // Without draws, late orders come first, then by completion.
    expect(toRows(demoRecord(31), 'risk').map((r) => r.orderId)).toEqual([
      'order-3',
      'order-4',
      'order-1',
      'order-2',
    ]);
  });

  it('sorts ids by their numbers', () => {
    const record = demoRecord(31);
    record.orders = [
      { ...record.orders[0]!, orderId: 'o-10' },
      { ...record.orders[0]!, orderId: 'o-9' },
    ];

    expect(toRows(record, 'id').map((r) => r.orderId)).toEqual(['o-9', 'o-10']);
  });

  it('groups the causes: own material, overdue material and overrun are the order’s own', () => {
    expect(delayGroup('own-material')).toBe('own');
    expect(delayGroup('overdue-material')).toBe('own');
    expect(delayGroup('overrun')).toBe('own');
    expect(delayGroup('knock-on')).toBe('knock-on');
    expect(delayGroup('none')).toBe('none');
  });
});

describe('putting operations on units', () => {
  const job = (orderId: string, start: number, end: number) => ({ orderId, start, end });
  const ids = (units: { orderId: string }[][]) => units.map((unit) => unit.map((j) => j.orderId));

  it('puts each operation on the lowest-numbered unit free at its start, by start then order id', () => {
    const units = assignUnits([job('c', 2, 6), job('b', 0, 3), job('a', 0, 2), job('d', 3, 5)]);

    expect(ids(units)).toEqual([
      ['a', 'c'],
      ['b', 'd'],
    ]);
  });

  it('reuses a unit whose operation ends when the next starts', () => {
    expect(ids(assignUnits([job('a', 0, 4), job('b', 4, 8)]))).toEqual([['a', 'b']]);
  });

  it('never puts overlapping operations on one unit, uses as many units as overlap, and ignores input order', () => {
    const jobs = fc.array(
      fc
        .record({
          id: fc.integer({ min: 1, max: 40 }),
          start: fc.integer({ min: 0, max: 60 }),
          length: fc.integer({ min: 0, max: 15 }),
        })
        .map(({ id, start, length }) => job(`o-${id}`, start, start + length)),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(jobs, fc.boolean(), (list, reverse) => {
        const units = assignUnits(list);

        for (const unit of units) {
          for (let i = 1; i < unit.length; i++)
            expect(unit[i]!.start).toBeGreaterThanOrEqual(unit[i - 1]!.end);
        }
        expect(units.flat()).toHaveLength(list.length);
        // As many units as operations run at once at the busiest moment.
        let most = 0;
        for (const j of list) {
          if (j.end > j.start)
            most = Math.max(most, list.filter((k) => k.start <= j.start && j.start < k.end).length);
        }
        expect(units.filter((u) => u.some((j) => j.end > j.start)).length).toBeLessThanOrEqual(
          Math.max(1, most),
        );
        expect(units.length).toBeGreaterThanOrEqual(most);
        const again = assignUnits(reverse ? [...list].reverse() : list);
        expect(ids(again)).toEqual(ids(units));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the station view', () => {
  it('puts a unit down on its row and a station’s maintenance on each of its units, none elsewhere', () => {
    const lanes = stationLanes(flowShopDowntimeRecord());

    const outages = lanes.flatMap((l) => l.units.map((u) => [u.key, u.outages]));
    expect(outages).toEqual([
      ['saw#1', []],
      ['welder#1', []],
      ['welder#2', [{ unit: 2, from: at(-1), to: at(15), kind: 'down' }]],
      ['booth#1', [{ from: at(10), to: at(40), kind: 'maintenance' }]],
    ]);
    // No operation starts on welder 2 while it is down: welder 1 takes them. The one it had goes on after.
    const welder2 = lanes[1]!.units[1]!;
    expect(welder2.jobs.filter((j) => j.start > at(-1) && j.start < at(15))).toEqual([]);
    expect(welder2.jobs.find((j) => j.orderId === 'frame-4')).toMatchObject({ start: at(-1), end: at(24) });
    expect(lanes[1]!.units).toHaveLength(2);
  });

  it('gives a station’s maintenance to none of the rows a forecast overbooks', () => {
    const record = flowShopDowntimeRecord();
    record.model = { ...record.model, stations: record.model.stations.map((s) => ({ ...s, capacity: 1 })) };
    record.stations = record.stations.map((s) =>
      s.station === 'welder'
        ? { ...s, outages: [{ from: at(1), to: at(2), kind: 'maintenance' as const }] }
        : s,
    );

    const welder = stationLanes(record)[1]!;

    expect(welder.units.map((u) => [u.overCapacity, u.outages.length])).toEqual([
      [false, 1],
      [true, 0],
    ]);
  });

  it('has each unit of the flow shop: one saw, two welders, one booth, none over capacity', () => {
    const lanes = stationLanes(flowShopRecord());

    expect(lanes.map((l) => l.station.id)).toEqual(['saw', 'welder', 'booth']);
    expect(lanes.flatMap((l) => l.units.map((u) => [u.key, u.label, u.overCapacity]))).toEqual([
      ['saw#1', 'Saw 1', false],
      ['welder#1', 'Welder 1', false],
      ['welder#2', 'Welder 2', false],
      ['booth#1', 'Paint booth 1', false],
    ]);
  });

  it('puts every operation on one unit, an operation cut at "now" whole on one unit', () => {
    const record = flowShopRecord();

    const lanes = stationLanes(record);

    const welders = lanes[1]!.units.map((u) => u.jobs.map((j) => j.orderId));
    expect(welders).toEqual([
      ['frame-1', 'frame-2', 'frame-4', 'frame-6', 'frame-7'],
      ['frame-3', 'frame-5', 'frame-9', 'frame-8'],
    ]);
    const frame3 = lanes[1]!.units[1]!.jobs[0]!;
    expect(frame3).toMatchObject({ orderId: 'frame-3', step: 'weld', start: at(-5), end: at(4) });
    expect(frame3.parts.map((p) => p.actual)).toEqual([true, false]);
    // Every operation of every order is on a unit, once.
    const operations = new Set(
      record.orders.flatMap((o) =>
        o.steps.filter((s) => s.kind === 'operation').map((s) => `${o.orderId} ${s.step}`),
      ),
    );
    const drawn = lanes.flatMap((l) => l.units.flatMap((u) => u.jobs.map((j) => `${j.orderId} ${j.step}`)));
    expect(drawn.sort()).toEqual([...operations].sort());
  });

  it('shows operations a forecast puts beyond a station’s capacity on extra rows, marked over capacity', () => {
    const record = flowShopRecord();
    record.model = { ...record.model, stations: record.model.stations.map((s) => ({ ...s, capacity: 1 })) };

    const welder = stationLanes(record)[1]!;

    expect(welder.units.map((u) => [u.key, u.overCapacity])).toEqual([
      ['welder#1', false],
      ['welder#2', true],
    ]);
  });

  it('shows every unit of a station, even an idle one', () => {
    const record = flowShopRecord();
    record.model = {
      ...record.model,
      stations: record.model.stations.map((s) => (s.id === 'booth' ? { ...s, capacity: 3 } : s)),
    };

    const booth = stationLanes(record)[2]!;

    expect(booth.units.map((u) => [u.label, u.jobs.length])).toEqual([
      ['Paint booth 1', 9],
      ['Paint booth 2', 0],
      ['Paint booth 3', 0],
    ]);
  });

  it('counts the orders waiting in a queue over time', () => {
    const counts = queueCounts([
      { start: 0, end: 10 },
      { start: 5, end: 15 },
      { start: 10, end: 12 },
      { start: 20, end: 20 },
      { start: 15, end: 18 },
    ]);

    // 10: one leaves as another comes; 15: one leaves as another comes.
    expect(counts).toEqual([
      { start: 0, end: 5, count: 1 },
      { start: 5, end: 12, count: 2 },
      { start: 12, end: 18, count: 1 },
    ]);
    expect(queueAt(counts, 11)).toBe(2);
    expect(queueAt(counts, 12)).toBe(1);
    expect(queueAt(counts, 18)).toBe(0);
  });

  it('counts the flow shop’s saw queue: two waiting when frame-9’s and frame-7’s material arrive', () => {
    const saw = stationLanes(flowShopRecord())[0]!;

    expect(saw.maxQueue).toBe(2);
    expect(queueAt(saw.queue, at(0))).toBe(1);
    expect(queueAt(saw.queue, at(6))).toBe(2);
    expect(queueAt(saw.queue, at(10))).toBe(2);
    expect(queueAt(saw.queue, at(15))).toBe(0);
    expect(saw.utilisation).toBeCloseTo(19 / 39);
  });
});

describe('summary', () => {
  it('counts active, late, own-delay and knock-on orders, and names the busiest station', () => {
    expect(summarise(demoRecord(31))).toEqual({
      active: 4,
      late: 2,
      ownDelay: 1,
      knockOn: 2,
      busiest: { station: 'line', name: 'Production line', utilisation: 1 },
    });
    expect(summarise(flowShopRecord())).toMatchObject({
      active: 9,
      late: 2,
      ownDelay: 1,
      knockOn: 2,
      busiest: { station: 'booth', name: 'Paint booth' },
    });
  });

  it('covers every step, due date and now, with a margin', () => {
    const record = syntheticRecord(100);
    const [min, max] = timeExtent(record);

    for (const order of record.orders) {
      for (const s of order.steps) expect(s.start >= min && s.end <= max).toBe(true);
      if (order.dueAt !== undefined) expect(order.dueAt <= max).toBe(true);
    }
    expect(min).toBeLessThan(record.asOf);
  });
});

describe('the outage banner', () => {
  const now = T0 + 60 * MIN;
  const retrying = { autoRefresh: true, pollMs: 5000 };

  it('says the forecast store is unreachable, since when, and how old the forecast shown is', () => {
    const words = outageText(
      { kind: 'store', since: now - 45_000, message: 'the forecasts table did not answer (ECONNREFUSED)' },
      now,
      { generatedAt: now - 3 * MIN },
      retrying,
    );

    expect(words.title).toBe(`The forecast store is unreachable since ${formatTime(now - 45_000)} (45 s)`);
    expect(words.detail).toBe(
      `Showing the last forecast, made ${formatTime(now - 3 * MIN)}: 3 min old. Retrying every 5 s; the page ` +
        'updates by itself once it answers again. Server: the forecasts table did not answer (ECONNREFUSED).',
    );
  });

  it('tells a dead server from a dead store, and says when there is nothing to show', () => {
    const words = outageText({ kind: 'network', since: now }, now, undefined, {
      autoRefresh: false,
      pollMs: 5000,
    });

    expect(words.title).toMatch(/^The dashboard server is unreachable since/);
    expect(words.detail).toBe('No forecast to show yet. Auto-refresh is off: refresh to try again.');
  });
});

describe('settings', () => {
  it('reads poll and stale seconds, the token, auto-refresh, the view and the sort from the address', () => {
    expect(parseSettings('?poll=0.5&stale=30&token=abc&auto=off&view=stations&sort=completion')).toEqual({
      pollMs: 500,
      staleMs: 30_000,
      token: 'abc',
      autoRefresh: false,
      view: 'stations',
      sort: 'completion',
    });
  });

  it('falls back to 5 s polling, a 2 min stale warning, the order view by first start on missing or bad values', () => {
    expect(parseSettings('')).toEqual({
      pollMs: 5000,
      staleMs: 120_000,
      token: undefined,
      autoRefresh: true,
      view: 'orders',
      sort: 'first',
    });
    expect(parseSettings('?poll=abc&stale=-1&poll=0')).toMatchObject({ pollMs: 5000, staleMs: 120_000 });
    expect(parseSettings('?poll=0.01').pollMs).toBe(5000);
    expect(parseSettings('?view=gantt&sort=__proto__')).toMatchObject({ view: 'orders', sort: 'first' });
  });
});

describe('formatting', () => {
  it('reads durations in their two largest units', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
    expect(formatDuration(600_000)).toBe('10 min');
    expect(formatDuration(2 * 3_600_000 + 5 * MIN)).toBe('2 h 05 min');
    expect(formatDuration(28 * 3_600_000)).toBe('1 d 4 h');
    expect(formatSigned(-80_000)).toBe('−1 min 20 s');
    expect(formatSigned(80_000)).toBe('+1 min 20 s');
  });

  it('gives clock times, with the day only when it differs', () => {
    const t = T0 + 31 * MIN;
    const hhmmss = (ms: number) => {
      const d = new Date(ms);
      return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    };

    expect(formatTime(t)).toBe(hhmmss(t));
    expect(formatTimeNear(t, t + MIN)).toBe(hhmmss(t));
    expect(formatTimeNear(t + 86_400_000, t)).toMatch(new RegExp(`\\S+.* ${hhmmss(t)}$`));
  });
});
