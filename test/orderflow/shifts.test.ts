// Shifts in the forecast: off shift, every unit of a station is out of work; an operation that would
// cross a shift's end follows the model's rule. Every time below is worked out by hand, written out.
import { describe, expect, it } from 'vitest';
import {
  forecast,
  forecastMonteCarlo,
  type OrderState,
  type PlantModelInput,
  parsePlantModel,
  type Snapshot,
} from '../../orderflow/index.ts';
import { isTimeZone } from '../../orderflow/shifts.ts';
import { ModelError } from '../../sim-core/kernel/errors.ts';
import { stepStart } from './spans.ts';

/** A UTC time of 2026: January 9 is a Friday, January 12 the Monday after. */
const utc = (month: number, day: number, hour: number, minute = 0) =>
  Date.UTC(2026, month - 1, day, hour, minute);

type StationInput = NonNullable<PlantModelInput['stations']>[number];
type ShiftsInput = NonNullable<StationInput['shifts']>;

const WEEKDAYS_6_TO_14: ShiftsInput = {
  mon: [['06:00', '14:00']],
  tue: [['06:00', '14:00']],
  wed: [['06:00', '14:00']],
  thu: [['06:00', '14:00']],
  fri: [['06:00', '14:00']],
};

/** One press working `shifts`, an operation of `hours` (fixed). */
const model = (shifts: ShiftsInput, press: Partial<StationInput> = {}, hours = 3, timeZone = 'UTC') =>
  parsePlantModel({
    name: 'shift-test',
    timeUnit: 'h',
    timeZone,
    stations: [{ ...press, id: 'press', capacity: 1, shifts }],
    products: [
      { id: 'part', routing: [{ step: 'press', kind: 'operation', station: 'press', duration: hours }] },
    ],
  });

const queued = (orderId: string, acceptedAt: number): OrderState => ({ orderId, acceptedAt });
const started = (orderId: string, startedAt: number): OrderState => ({
  orderId,
  acceptedAt: startedAt,
  steps: { press: { startedAt, station: 'press' } },
});

const one = (snapshot: Snapshot, m: ReturnType<typeof model>) => {
  const result = forecast(snapshot, m);
  return { result, a: result.orders.find((o) => o.orderId === 'a')! };
};

describe('shifts: an operation that would cross the end of a shift follows the model’s rule, over a weekend', () => {
  // Friday 06:00–14:00 and Monday 06:00–14:00; an operation of 3 h taken up Friday 12:00: 2 h done by 14:00.
  const friday = { asOf: utc(1, 9, 12), orders: [queued('a', utc(1, 9, 12))] };

  it('resume: the 1 h left runs Monday from 06:00, ends 07:00', () => {
    const { a, result } = one(friday, model(WEEKDAYS_6_TO_14, { interruption: 'resume' }));
    expect(stepStart(a, 'press')).toBe(utc(1, 9, 12));
    expect(a.completedAt).toBe(utc(1, 12, 7));
    // The plan has the shifts too: a shift's end is no delay.
    expect(a.plannedCompletedAt).toBe(utc(1, 12, 7));
    expect(a.delayCause).toBe('none');
    expect(result.warnings).toEqual([]);
  });

  it('lists the time off shift within the forecast among the station’s outages: Friday 14:00 to Monday 06:00', () => {
    const { result } = one(friday, model(WEEKDAYS_6_TO_14, { interruption: 'resume' }));
    expect(result.stations[0]!.outages).toEqual([
      { from: utc(1, 9, 14), to: utc(1, 12, 6), kind: 'off-shift' },
    ]);
  });

  it('restart: the whole 3 h again Monday from 06:00, ends 09:00', () => {
    const { a } = one(friday, model(WEEKDAYS_6_TO_14, { interruption: 'restart' }));
    expect(a.completedAt).toBe(utc(1, 12, 9));
  });

  it('startOnlyIfFinishes: 3 h do not fit in the 2 h left; it waits for Monday 06:00 and ends 09:00', () => {
    const { a, result } = one(friday, model({ ...WEEKDAYS_6_TO_14, startOnlyIfFinishes: true }));
    expect(stepStart(a, 'press')).toBe(utc(1, 12, 6));
    expect(a.completedAt).toBe(utc(1, 12, 9));
    expect(result.warnings).toEqual([]);
  });

  it('startOnlyIfFinishes: an operation that fits starts at once (1 h from Friday 12:00, ends 13:00)', () => {
    const { a } = one(friday, model({ ...WEEKDAYS_6_TO_14, startOnlyIfFinishes: true }, {}, 1));
    expect([stepStart(a, 'press'), a.completedAt]).toEqual([utc(1, 9, 12), utc(1, 9, 13)]);
  });

  it('startOnlyIfFinishes: an operation longer than any shift starts at the next shift’s start and is cut (a warning says so)', () => {
    // 10 h from Friday 12:00: it waits for Monday 06:00, does 8 h by 14:00, its last 2 h Tuesday 06:00–08:00.
    const { a, result } = one(friday, model({ ...WEEKDAYS_6_TO_14, startOnlyIfFinishes: true }, {}, 10));
    expect([stepStart(a, 'press'), a.completedAt]).toEqual([utc(1, 12, 6), utc(1, 13, 8)]);
    expect(result.warnings.map((w) => [w.kind, w.orderId])).toEqual([['interruption', 'a']]);
    expect(result.warnings[0]!.message).toContain('station press');
  });

  it('startOnlyIfFinishes: a shorter order behind one that does not fit goes first', () => {
    // a (3 h) and b (1 h, a product of its own) both waiting Friday 12:00, a first: a does not fit in
    // the 2 h left, b does (12:00–13:00); a starts Monday 06:00 and ends 09:00.
    const m = parsePlantModel({
      name: 'shift-pass',
      timeUnit: 'h',
      stations: [{ id: 'press', shifts: { ...WEEKDAYS_6_TO_14, startOnlyIfFinishes: true } }],
      products: [
        { id: 'part', routing: [{ step: 'press', kind: 'operation', station: 'press', duration: 3 }] },
        { id: 'pin', routing: [{ step: 'press', kind: 'operation', station: 'press', duration: 1 }] },
      ],
      defaultProduct: 'part',
    });
    const result = forecast(
      {
        asOf: utc(1, 9, 12),
        orders: [queued('a', utc(1, 9, 11)), { ...queued('b', utc(1, 9, 11, 30)), product: 'pin' }],
      },
      m,
    );
    const [a, b] = ['a', 'b'].map((id) => result.orders.find((o) => o.orderId === id)!);
    expect([stepStart(b!, 'press'), b!.completedAt]).toEqual([utc(1, 9, 12), utc(1, 9, 13)]);
    expect([stepStart(a!, 'press'), a!.completedAt]).toEqual([utc(1, 12, 6), utc(1, 12, 9)]);
  });

  it('Monte Carlo: with resume, every draw of the end falls within a shift', () => {
    const m = model(WEEKDAYS_6_TO_14, {}, 3);
    const uncertain = {
      ...m,
      products: m.products.map((p) => ({
        ...p,
        routing: p.routing.map((st) => ({ ...st, duration: { dist: 'uniform' as const, min: 1, max: 5 } })),
      })),
    };
    const result = forecastMonteCarlo(
      { asOf: utc(1, 9, 12), orders: [queued('a', utc(1, 9, 12)), queued('b', utc(1, 9, 12))] },
      uncertain,
      { replications: 200, seed: 7 },
    );
    for (const o of result.orders) {
      for (const t of [o.completedAtP10!, o.completedAtP50!, o.completedAtP90!]) {
        const hour =
          (t - Date.UTC(2026, 0, 1)) / 3_600_000 - 24 * Math.floor((t - Date.UTC(2026, 0, 1)) / 86_400_000);
        const weekday = new Date(t).getUTCDay();
        expect(weekday >= 1 && weekday <= 5 && hour > 6 && hour <= 14, new Date(t).toISOString()).toBe(true);
      }
    }
  });

  it('an order taken up Saturday waits for Monday 06:00 (3 h: ends 09:00)', () => {
    const { a } = one(
      { asOf: utc(1, 10, 10), orders: [queued('a', utc(1, 10, 10))] },
      model(WEEKDAYS_6_TO_14),
    );
    expect([stepStart(a, 'press'), a.completedAt]).toEqual([utc(1, 12, 6), utc(1, 12, 9)]);
  });

  it('an exception date: Monday 12 January works 10:00–14:00 only, so the 1 h left runs 10:00–11:00', () => {
    const shifts = {
      ...WEEKDAYS_6_TO_14,
      exceptions: { '2026-01-12': [['10:00', '14:00']] as [string, string][] },
    };
    const { a } = one(friday, model(shifts));
    expect(a.completedAt).toBe(utc(1, 12, 11));
  });

  it('a holiday: Monday 12 January off; the 1 h left runs Tuesday 06:00–07:00', () => {
    const { a } = one(friday, model({ ...WEEKDAYS_6_TO_14, exceptions: { '2026-01-12': [] } }));
    expect(a.completedAt).toBe(utc(1, 13, 7));
  });

  describe('an order in progress since Friday 12:00, forecast Monday 06:30: only working time counts as done', () => {
    const monday = { asOf: utc(1, 12, 6, 30), orders: [started('a', utc(1, 9, 12))] };

    it('resume: 2 h Friday and 30 min Monday done, 30 min left: ends 07:00', () => {
      const { a } = one(monday, model(WEEKDAYS_6_TO_14, { interruption: 'resume' }));
      expect(a.completedAt).toBe(utc(1, 12, 7));
      expect(a.delayCause).toBe('none');
    });

    it('restart: 30 min done since Monday 06:00, 2 h 30 min left: ends 09:00', () => {
      const { a } = one(monday, model(WEEKDAYS_6_TO_14, { interruption: 'restart' }));
      expect(a.completedAt).toBe(utc(1, 12, 9));
    });
  });

  it('an outage that pushes an operation over the shift’s end is a delay of cause downtime', () => {
    // a on the press since Friday 10:00 (3 h, planned to end 13:00); maintenance 12:00–13:30: 1 h left
    // at 13:30, 30 min of it by 14:00, the other 30 min Monday 06:00–06:30.
    const { a } = one(
      {
        asOf: utc(1, 9, 11),
        orders: [started('a', utc(1, 9, 10))],
        maintenance: [{ maintenanceId: 'm', station: 'press', from: utc(1, 9, 12), to: utc(1, 9, 13, 30) }],
      },
      model(WEEKDAYS_6_TO_14),
    );
    expect(a.completedAt).toBe(utc(1, 12, 6, 30));
    expect(a.plannedCompletedAt).toBe(utc(1, 9, 13));
    expect([a.delayCause, a.delayStation]).toEqual(['downtime', 'press']);
  });

  it('an order pushed over a shift’s end that its plan does not cross is delayed by downtime at that station', () => {
    // a on the press since Friday 08:00 for 3 h, still in progress at 11:30: it overran and ends now.
    // b, queued since 08:30, is planned 11:00–14:00; it runs 11:30–14:00 and its last 30 min Monday 06:00–06:30.
    const { result } = one(
      { asOf: utc(1, 9, 11, 30), orders: [started('a', utc(1, 9, 8)), queued('b', utc(1, 9, 8, 30))] },
      model(WEEKDAYS_6_TO_14),
    );
    const b = result.orders.find((o) => o.orderId === 'b')!;
    expect([b.completedAt, b.plannedCompletedAt]).toEqual([utc(1, 12, 6, 30), utc(1, 9, 14)]);
    expect([b.delayCause, b.delayStation]).toEqual(['downtime', 'press']);
  });

  it('an order that the plan also takes over the shift’s end is not delayed', () => {
    // a on the press 10:30–13:30; b queued behind it since 10:45, cut at 14:00 in the plan as well.
    const { result } = one(
      { asOf: utc(1, 9, 11), orders: [started('a', utc(1, 9, 10, 30)), queued('b', utc(1, 9, 10, 45))] },
      model(WEEKDAYS_6_TO_14),
    );
    const b = result.orders.find((o) => o.orderId === 'b')!;
    // b: 13:30–14:00, then 2 h 30 min Monday: ends 08:30, as planned.
    expect(b.completedAt).toBe(utc(1, 12, 8, 30));
    expect(b.delayCause).toBe('none');
  });
});

describe('shifts round midnight', () => {
  const nights: ShiftsInput = Object.fromEntries(
    ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [['22:00', '06:00']]]),
  );

  it('an operation from 23:00 runs through midnight: 3 h, ends 02:00', () => {
    const { a } = one({ asOf: utc(1, 6, 23), orders: [queued('a', utc(1, 6, 23))] }, model(nights));
    expect(a.completedAt).toBe(utc(1, 7, 2));
  });

  it('an operation from 04:00 is cut at 06:00 and resumes at 22:00: ends 23:00', () => {
    const { a } = one({ asOf: utc(1, 7, 4), orders: [queued('a', utc(1, 7, 4))] }, model(nights));
    expect(a.completedAt).toBe(utc(1, 7, 23));
  });
});

describe('shifts across a change of daylight saving time in Europe/Berlin', () => {
  // Sunday 29 March 2026, 02:00 CET becomes 03:00 CEST: the night shift Saturday 22:00 (21:00 UTC) to
  // Sunday 06:00 (04:00 UTC) lasts 7 h, not 8. The next, Sunday 22:00 CEST, is 20:00 UTC.
  const nights: ShiftsInput = { sat: [['22:00', '06:00']], sun: [['22:00', '06:00']] };

  it('an operation of 8 h from the shift’s start does 7 h by its end, and its last hour Sunday 20:00–21:00 UTC', () => {
    const m = model(nights, {}, 8, 'Europe/Berlin');
    const { a } = one({ asOf: utc(3, 28, 21), orders: [queued('a', utc(3, 28, 21))] }, m);
    expect(stepStart(a, 'press')).toBe(utc(3, 28, 21));
    expect(a.completedAt).toBe(utc(3, 29, 21));
  });

  it('Sunday 25 October 2026, 03:00 CEST becomes 02:00 CET: the night shift lasts 9 h (Saturday 20:00 to Sunday 05:00 UTC)', () => {
    const m = model({ sat: [['22:00', '06:00']] }, {}, 9, 'Europe/Berlin');
    const { a } = one({ asOf: utc(10, 24, 20), orders: [queued('a', utc(10, 24, 20))] }, m);
    expect(a.completedAt).toBe(utc(10, 25, 5));
  });

  it('a shift that starts in the skipped hour (02:30) starts at 03:30 CEST, 01:30 UTC', () => {
    // 02:30 does not exist on 29 March: it is taken as late as the gap, 03:30 CEST = 01:30 UTC.
    const m = model({ sun: [['02:30', '04:30']] }, {}, 1, 'Europe/Berlin');
    const { a } = one({ asOf: utc(3, 29, 0), orders: [queued('a', utc(3, 29, 0))] }, m);
    expect(stepStart(a, 'press')).toBe(utc(3, 29, 1, 30));
  });
});

describe('the restart guard: an operation never finishes by restarting', () => {
  it('with shifts shorter than the operation, it starts over 10 times, then runs the rest as resume', () => {
    // 1 h a day (06:00–07:00 UTC), 3 h to do, restart: started Monday 5 January 06:00, cut each day at
    // 07:00 with 1 h done. Back on the 6th (1st restart), … the 15th (10th); on the 16th it resumes the
    // 2 h it had left: 1 h that day, the last hour Saturday 17 January 06:00–07:00.
    const daily: ShiftsInput = Object.fromEntries(
      ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [['06:00', '07:00']]]),
    );
    const { a, result } = one(
      { asOf: utc(1, 5, 6), orders: [queued('a', utc(1, 5, 6))] },
      model(daily, { interruption: 'restart' }),
    );
    expect(a.completedAt).toBe(utc(1, 17, 7));
    expect(result.warnings.map((w) => [w.kind, w.orderId])).toEqual([['interruption', 'a']]);
    expect(result.warnings[0]!.message).toContain('station press');
  });

  const failing = (timeBetweenFailures: unknown) =>
    parsePlantModel({
      name: 'restart-guard',
      timeUnit: 'h',
      stations: [
        {
          id: 'press',
          interruption: 'restart',
          failures: { timeBetweenFailures, timeToRepair: 0.5 },
        },
      ],
      products: [
        { id: 'part', routing: [{ step: 'press', kind: 'operation', station: 'press', duration: 3 }] },
      ],
    });

  it('refuses at load a station that fails before any of its operations could finish, with restart', () => {
    expect(() => failing(1)).toThrow(ModelError);
    expect(() => failing({ dist: 'uniform', min: 0.5, max: 2.5 })).toThrow(/station press.*restart/);
    expect(() => failing({ dist: 'exponential', mean: 1 })).not.toThrow();
  });

  it('Monte Carlo: failures every 30 min on average, a 3-hour operation with restart still ends, quickly', () => {
    const t0 = Date.now();
    const result = forecastMonteCarlo(
      { asOf: utc(1, 5, 6), orders: [queued('a', utc(1, 5, 6))] },
      failing({ dist: 'exponential', mean: 0.5 }),
      { replications: 200, seed: 1 },
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    // At most 11 cuts of at most 3 h, each repaired in 30 min, then the rest: within two days.
    expect(result.orders[0]!.completedAtP90!).toBeLessThan(utc(1, 7, 6));
    const guard = result.warnings.filter((w) => w.kind === 'interruption');
    expect(guard).toHaveLength(1);
    expect(guard[0]!.message).toMatch(/order a.*station press/);
  });
});

describe('the model file’s shifts and time zone', () => {
  it('refuses a time zone that is not an IANA name, naming the path', () => {
    expect(() => model(WEEKDAYS_6_TO_14, {}, 3, 'Europe/Nowhere')).toThrow(ModelError);
    expect(() => model(WEEKDAYS_6_TO_14, {}, 3, 'Europe/Nowhere')).toThrow(/timeZone/);
  });

  it('takes the time zone names Intl.DateTimeFormat takes, listed or not, and no others', () => {
    const takenByIntl = (timeZone: string) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone });
        return true;
      } catch {
        return false;
      }
    };
    const names = [
      ...Intl.supportedValuesOf('timeZone'),
      // Not in the runtime's list: "UTC", aliases, other cases; then names that are no time zone.
      'UTC',
      'Etc/UTC',
      'utc',
      'Asia/Kolkata',
      'US/Pacific',
      'europe/berlin',
      'Europe/Nowhere',
      'Mars/Olympus',
      'Europe Berlin',
      '',
    ];
    for (const name of names) expect([name, isTimeZone(name)]).toEqual([name, takenByIntl(name)]);
    expect(isTimeZone('Europe/Nowhere')).toBe(false);
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
  });

  it('refuses a calendar with no shift on any weekday, a bad time, a bad date', () => {
    expect(() => model({ sat: [] })).toThrow(/shifts/);
    expect(() => model({ mon: [['06:00', '25:00']] })).toThrow(/HH:MM/);
    expect(() => model({ mon: [['06:00', '06:00']] })).toThrow(/same time/);
    expect(() => model({ ...WEEKDAYS_6_TO_14, exceptions: { '2026-02-30': [] } })).toThrow(/date/);
  });
});
