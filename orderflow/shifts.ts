// Shift calendars: the working hours of a station, per weekday and per exceptional date, as wall
// times in the plant's time zone, turned into working windows in epoch ms (daylight saving included).
// A simulation takes every unit of the station out of work outside them, one window at a time.
import type { Environment } from '../sim-core/kernel/Environment.ts';
import type { ProcessGenerator } from '../sim-core/kernel/events.ts';
import type { Network } from './network.ts';

/** A day's shifts: minutes after its midnight that each starts and ends (an end at or before its start: the next day). */
export type DayShifts = readonly (readonly [number, number])[];

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DAY_MS = 86_400_000;

/** `HH:MM`, 00:00 to 24:00, in minutes after midnight. */
export function wallMinutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** The time zone names the runtime lists, read when first needed. */
let listedTimeZones: ReadonlySet<string> | undefined;

/**
 * Whether `timeZone` is an IANA time zone name that this runtime knows. Every model is checked, with
 * shifts or without, and the first `Intl.DateTimeFormat` of a process loads the runtime's calendar
 * data (about 20 ms, a cold Lambda's too): so a listed name, or "UTC" (which ECMA-402 requires of
 * every runtime), is taken from the runtime's list (about 1 ms), and only another spelling it accepts
 * (an alias such as "Asia/Kolkata", another case) or a wrong name goes to `Intl.DateTimeFormat`.
 */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone === 'UTC') return true;
  listedTimeZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (listedTimeZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A station's working windows: its shifts by weekday (`week[0]` Sunday) and by date (`YYYY-MM-DD`,
 * replacing that day's weekday), in `timeZone`. Shifts that touch or overlap make one window: an
 * operation runs on through a change of shift. A shift belongs to the day it starts on.
 */
export class ShiftCalendar {
  private readonly parts: Intl.DateTimeFormat;
  private readonly days = new Map<number, readonly (readonly [number, number])[]>();
  /** Day number (days since 1970-01-01, local) after which no exception applies. */
  private readonly lastException: number;

  constructor(
    readonly week: readonly DayShifts[],
    readonly exceptions: ReadonlyMap<string, DayShifts>,
    readonly timeZone: string,
  ) {
    this.parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    let last = Number.NEGATIVE_INFINITY;
    for (const date of exceptions.keys()) last = Math.max(last, Date.parse(`${date}T00:00:00Z`) / DAY_MS);
    this.lastException = last;
  }

  /**
   * The working window at `t` (from ≤ t < to), or the next one (t < from): shifts that touch make
   * one window; `to` is +∞ when the station never stops again (shifts round the clock).
   */
  windowAt(t: number): { from: number; to: number } {
    // Shifts in start order (a day's start after the day before's), merged while they touch; the
    // week has a shift and the exceptions end, so a window that ends after t comes.
    let from = Number.NaN;
    let to = Number.NaN;
    for (let day = this.dayOf(t) - 2; ; day++) {
      for (const [start, end] of this.windowsOf(day)) {
        if (start <= to) to = Math.max(to, end);
        else if (to > t) return { from, to };
        else {
          from = start;
          to = end;
        }
      }
      // Past the exceptions, a week worked through is worked for ever.
      if (day > this.lastException + 1 && to - Math.max(from, t) > 8 * DAY_MS) {
        return { from, to: Number.POSITIVE_INFINITY };
      }
    }
  }

  /** The working time between `from` and `to`, as windows clipped to them. */
  working(from: number, to: number): [number, number][] {
    const out: [number, number][] = [];
    for (let t = from; t < to; ) {
      const w = this.windowAt(t);
      if (w.from >= to) break;
      out.push([Math.max(w.from, from), Math.min(w.to, to)]);
      t = w.to;
    }
    return out;
  }

  /** The shifts that start on local day `day` (days since 1970-01-01), in epoch ms, in start order. */
  private windowsOf(day: number): readonly (readonly [number, number])[] {
    let windows = this.days.get(day);
    if (windows !== undefined) return windows;
    const date = new Date(day * DAY_MS);
    const key = date.toISOString().slice(0, 10);
    const shifts = this.exceptions.get(key) ?? this.week[date.getUTCDay()]!;
    windows = shifts
      .map(([s, e]) => [this.local(day, s), this.local(e <= s ? day + 1 : day, e)] as const)
      .sort((a, b) => a[0] - b[0]);
    this.days.set(day, windows);
    return windows;
  }

  /** The local day of `t`, as days since 1970-01-01. */
  private dayOf(t: number): number {
    return Math.floor((t + this.offset(t)) / DAY_MS);
  }

  /** How far local time is ahead of UTC at `t`, in ms. */
  private offset(t: number): number {
    const p: Record<string, string> = {};
    for (const part of this.parts.formatToParts(t)) p[part.type] = part.value;
    const wall = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
    return wall - (t - (((t % 1000) + 1000) % 1000));
  }

  /**
   * The instant of local wall time `minutes` after midnight of `day`. A time that a change to summer
   * time skips is taken as late as the gap (02:30 becomes 03:30); one that the change back repeats,
   * at its first occurrence.
   */
  private local(day: number, minutes: number): number {
    const wall = day * DAY_MS + minutes * 60_000;
    const before = this.offset(wall - DAY_MS);
    const after = this.offset(wall + DAY_MS);
    const a = wall - before;
    const b = wall - after;
    const aFits = this.offset(a) === before;
    const bFits = this.offset(b) === after;
    if (aFits && bFits) return Math.min(a, b);
    if (aFits) return a;
    if (bFits) return b;
    return a;
  }
}

/** The time off shift between `from` and `to`, as windows clipped to them. */
export function offShift(calendar: ShiftCalendar, from: number, to: number): [number, number][] {
  const off: [number, number][] = [];
  let t = from;
  for (const [a, b] of calendar.working(from, to)) {
    if (a > t) off.push([t, a]);
    t = b;
  }
  if (t < to) off.push([t, to]);
  return off;
}

/**
 * Takes every unit of each station with a calendar out of work outside its working windows, from
 * now until `pending` orders of `net` have completed: the next window is placed as the run reaches
 * it, so that a run ends with its last order. Off shift now is placed at once, before any grant.
 */
export function applyShifts(net: Network, pending: number): void {
  if (pending === 0) return;
  net.resolved.stations.forEach((station, index) => {
    if (station.shifts === undefined) return;
    const w = offUntil(net, index, station.shifts.calendar);
    if (w !== Number.POSITIVE_INFINITY)
      net.env.process(offShifts(net, index, station.shifts.calendar, w, pending));
  });
}

/** Takes the units of station `index` out until the next shift starts, if off shift now; returns when the shift ends. */
function offUntil(net: Network, index: number, calendar: ShiftCalendar): number {
  const now = net.env.now;
  const w = calendar.windowAt(now);
  if (w.from > now) {
    net.shiftEnding = index;
    net.stations[index]!.outOfService(now, w.from);
    net.shiftEnding = -1;
  }
  return w.to;
}

function* offShifts(
  net: Network,
  index: number,
  calendar: ShiftCalendar,
  end: number,
  pending: number,
): ProcessGenerator<void> {
  const env: Environment = net.env;
  for (;;) {
    yield env.timeout(end - env.now);
    if (net.completed() >= pending) return;
    end = offUntil(net, index, calendar);
    if (end === Number.POSITIVE_INFINITY) return;
  }
}
