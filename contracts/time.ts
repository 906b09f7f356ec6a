// The times the contracts accept, stated once: every time of an event, an order state item and a
// snapshot lies between 1970-01-01 and 9999-12-31 (UTC), in whole epoch milliseconds. Inside that
// range every time is a safe integer that a Date can show, and an event key's 15 digits sort it.

/** The earliest time accepted: 1970-01-01T00:00:00.000Z. */
export const EARLIEST_TIME_MS = 0;
/** The latest time accepted: 9999-12-31T23:59:59.999Z. */
export const LATEST_TIME_MS = 253_402_300_799_999;

/** The accepted range as ISO-8601 times, for messages and schema descriptions. */
export const ISO_TIME_RANGE = `from ${new Date(EARLIEST_TIME_MS).toISOString()} to ${new Date(LATEST_TIME_MS).toISOString()}`;

/** What an epoch-ms field must be, as an error message says it. */
export const EPOCH_MS_RULE = `must be an epoch time in whole milliseconds between ${EARLIEST_TIME_MS} and ${LATEST_TIME_MS} (${ISO_TIME_RANGE})`;

/** What an ISO-8601 field must be, as an error message says it. */
export const ISO_TIME_RULE = `must be a time ${ISO_TIME_RANGE}`;

/**
 * How far ahead of the ingest's clock an event's `occurredAt` may be, by default (1 day): an event
 * from the future would hold the fields it sets until the plant's clock catches up.
 */
export const DEFAULT_MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

/** Whether `value` is a time the contracts accept: a whole number of epoch ms in the range. */
export function isEpochMs(value: unknown): value is number {
  return (
    Number.isSafeInteger(value) &&
    (value as number) >= EARLIEST_TIME_MS &&
    (value as number) <= LATEST_TIME_MS
  );
}

/** Whether `text` (an ISO-8601 time already checked as such) lies in the accepted range. */
export function isIsoTimeInRange(text: string): boolean {
  const ms = Date.parse(text);
  return ms >= EARLIEST_TIME_MS && ms <= LATEST_TIME_MS;
}
