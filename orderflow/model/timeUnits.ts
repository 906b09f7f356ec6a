// The time units a plant model's durations may be written in: read by the model's schema, the
// forecast, the command line and the dashboard's page (which bundles this file: no zod here).

/** The time units a model's durations may be written in, and their length in ms. */
export const TIME_UNITS = { ms: 1, s: 1_000, min: 60_000, h: 3_600_000 } as const;
export type TimeUnit = keyof typeof TIME_UNITS;

/** The units a time is shown in when it is a whole number of one, the largest first. */
const WHOLE_UNITS = ['h', 'min', 's'] as const;

/**
 * A model's time `value`, written in `unit`, as a person reads it and exactly: in the largest unit
 * of which it is a whole number (`600000` ms is `10 min`, `90` s is `90 s`, `120` min is `2 h`,
 * `0.25` h is `15 min`), else in the model's own unit (`8.5 min`, `1500 ms`).
 */
export function modelTimeText(value: number, unit: TimeUnit): string {
  const ms = value * TIME_UNITS[unit];
  if (ms !== 0) {
    for (const whole of WHOLE_UNITS) {
      const inUnit = ms / TIME_UNITS[whole];
      // A smaller unit than the model's only for less than one of it (0.25 h is 15 min, 8.5 min stays).
      const allowed = TIME_UNITS[whole] >= TIME_UNITS[unit] || Math.abs(value) < 1;
      if (allowed && Number.isInteger(inUnit)) return `${inUnit} ${whole}`;
    }
  }
  return `${+value.toPrecision(6)} ${unit}`;
}
