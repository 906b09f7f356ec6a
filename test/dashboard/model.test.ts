// What the page computes from a forecast before drawing it: rows, their order and filter, counts,
// the time span, the settings from its address, and how times and durations read.
import { describe, expect, it } from 'vitest';
import { formatDuration, formatSigned, formatTime, formatTimeNear } from '../../dashboard/page/format.ts';
import { delayGroup, parseSettings, summarise, timeExtent, toRows } from '../../dashboard/page/model.ts';
import { demoMonteCarloRecord, demoRecord, MIN, syntheticRecord, T0 } from './fixtures.ts';

describe('rows', () => {
  it('has one row per active order, ordered by production start', () => {
    const record = demoRecord(31);

    const rows = toRows(record);

    expect(rows.map((r) => r.orderId)).toEqual(['order-1', 'order-2', 'order-3', 'order-4']);
    expect(rows.map((r) => r.group)).toEqual(['none', 'own', 'knock-on', 'knock-on']);
    expect(rows.map((r) => r.late)).toEqual([false, false, true, true]);
  });

  it("knows order 2's slipped ETA (first ETA 08:20, now 08:23:20)", () => {
    const row = toRows(demoRecord(31)).find((r) => r.orderId === 'order-2')!;

    expect(row.etaSlipMs).toBe((10 * MIN) / 3);
  });

  it('puts late and delayed orders first on request, and filters them and by id', () => {
    const record = demoRecord(31);

    expect(toRows(record, 'late').map((r) => r.orderId)).toEqual([
      'order-3',
      'order-4',
      'order-2',
      'order-1',
    ]);
    expect(toRows(record, 'start', { attentionOnly: true }).map((r) => r.orderId)).toEqual([
      'order-2',
      'order-3',
      'order-4',
    ]);
    expect(toRows(record, 'id', { text: ' ORDER-4 ' }).map((r) => r.orderId)).toEqual(['order-4']);
  });

  it('marks the orders at risk, and keeps them when only the orders that need attention are shown', () => {
    const record = demoMonteCarloRecord(31);
    const order1 = record.orders.find((o) => o.orderId === 'order-1')!;
    const attention = () => toRows(record, 'start', { attentionOnly: true }).map((r) => r.orderId);

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
    // Without draws, late orders come first, then by production start.
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

describe('summary', () => {
  it('counts active, late, own-delay and knock-on orders', () => {
    expect(summarise(demoRecord(31))).toEqual({ active: 4, late: 2, ownDelay: 1, knockOn: 2 });
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

describe('settings', () => {
  it('reads poll and stale seconds, the token and auto-refresh from the address', () => {
    expect(parseSettings('?poll=0.5&stale=30&token=abc&auto=off')).toEqual({
      pollMs: 500,
      staleMs: 30_000,
      token: 'abc',
      autoRefresh: false,
    });
  });

  it('falls back to 5 s polling and a 2 min stale warning on missing or bad values', () => {
    expect(parseSettings('')).toEqual({
      pollMs: 5000,
      staleMs: 120_000,
      token: undefined,
      autoRefresh: true,
    });
    expect(parseSettings('?poll=abc&stale=-1&poll=0')).toMatchObject({ pollMs: 5000, staleMs: 120_000 });
    expect(parseSettings('?poll=0.01').pollMs).toBe(5000);
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
