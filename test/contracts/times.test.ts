// The times and ids the contracts accept: every time from 1970-01-01 to 9999-12-31 in whole epoch
// milliseconds (ISO-8601 in events), ids of well-formed Unicode. Anything else is refused with a
// message that names the field and the range, in events, order state items and snapshots alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnapshotError } from '../../contracts/errors.ts';
import { eventJsonSchema, OrderEventSchema } from '../../contracts/events.ts';
import { ORDER_TIME_FIELDS } from '../../contracts/orderState.ts';
import { parseSnapshot } from '../../contracts/snapshot.ts';
import {
  EARLIEST_TIME_MS,
  EPOCH_MS_RULE,
  ISO_TIME_RULE,
  isEpochMs,
  LATEST_TIME_MS,
} from '../../contracts/time.ts';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);

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

describe('the time range of the contracts', () => {
  it('runs from 1970-01-01 to 9999-12-31 in milliseconds, all safe integers', () => {
    expect(new Date(EARLIEST_TIME_MS).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(new Date(LATEST_TIME_MS).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect(Number.isSafeInteger(LATEST_TIME_MS)).toBe(true);
    expect(EPOCH_MS_RULE).toBe(
      'must be an epoch time in whole milliseconds between 0 and 253402300799999 (from 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z)',
    );
  });

  it('accepts exactly the whole numbers in it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger(), fc.constant(1e20)), (value) => {
        expect(isEpochMs(value)).toBe(Number.isInteger(value) && value >= 0 && value <= LATEST_TIME_MS);
      }),
    );
  });
});

describe('event times and ids', () => {
  const event = (fields: Record<string, unknown>) =>
    OrderEventSchema.safeParse({
      eventId: 'e-1',
      orderId: 'o-1',
      type: 'OrderAccepted',
      occurredAt: '2026-01-05T08:00:00Z',
      ...fields,
    });
  const issue = (fields: Record<string, unknown>) => {
    const result = event(fields);
    return result.success
      ? undefined
      : [result.error.issues[0]!.path.join('.'), result.error.issues[0]!.message];
  };

  it('refuses a time before 1970 or after 9999, also one pushed there by its offset', () => {
    expect(issue({ occurredAt: '1969-12-31T23:59:59.999Z' })).toEqual(['occurredAt', ISO_TIME_RULE]);
    expect(issue({ occurredAt: '0000-01-01T00:00:00Z' })).toEqual(['occurredAt', ISO_TIME_RULE]);
    expect(issue({ occurredAt: '1970-01-01T00:59:59+01:00' })).toEqual(['occurredAt', ISO_TIME_RULE]);
    expect(issue({ dueAt: '9999-12-31T23:00:00-01:00' })).toEqual(['dueAt', ISO_TIME_RULE]);
    expect(issue({ type: 'EtaUpdated', eta: '1900-01-01T00:00:00Z' })).toEqual(['eta', ISO_TIME_RULE]);
  });

  it('accepts the first and the last millisecond of the range', () => {
    expect(event({ occurredAt: '1970-01-01T00:00:00Z', dueAt: '9999-12-31T23:59:59.999Z' }).success).toBe(
      true,
    );
    expect(event({ occurredAt: '1970-01-01T01:00:00+01:00' }).success).toBe(true);
  });

  it('refuses ids with a lone surrogate, and accepts well-formed ones with any character', () => {
    const rule = 'must be well-formed Unicode: it has a lone surrogate (an unpaired \\uD800-\\uDFFF)';

    expect(issue({ orderId: 'o-\ud800' })).toEqual(['orderId', rule]);
    expect(issue({ eventId: '\udc00e' })).toEqual(['eventId', rule]);
    expect(issue({ orderId: 'Auftrag-😀-ä', eventId: 'e#1' })).toBeUndefined();
  });

  it('says so in the JSON Schema for producers', () => {
    const schema = eventJsonSchema() as {
      description: string;
      oneOf: { properties: Record<string, { description?: string }> }[];
    };
    const accepted = schema.oneOf[0]!.properties;

    for (const field of ['occurredAt', 'dueAt'])
      expect(accepted[field]!.description, field).toBe(
        'ISO-8601 time with offset, from 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z',
      );
    expect(accepted.orderId!.description).toMatch(/well-formed Unicode/);
    expect(accepted.eventId!.description).toMatch(/well-formed Unicode/);
    expect(schema.description).toMatch(
      /refuses an occurredAt too far ahead of its clock \(by default more than 24 h\)/,
    );
  });
});

describe('snapshot times and ids', () => {
  for (const [what, asOf, shown] of [
    ['beyond the year 9999', 1e20, '100000000000000000000'],
    ['infinite (1e999 in JSON)', JSON.parse('1e999'), 'Infinity'],
    ['before 1970', -1, '-1'],
    ['not whole', NOW + 0.5, String(NOW + 0.5)],
    ['a millisecond after the range', LATEST_TIME_MS + 1, '253402300800000'],
  ] as const) {
    it(`refuses an asOf ${what}, naming the field and the range`, () => {
      const error = snapshotError({ asOf, orders: [] });

      expect(error.message).toBe(`field "asOf": ${EPOCH_MS_RULE}, got ${shown}`);
      expect(error.where).toEqual({ field: 'asOf' });
    });
  }

  it('accepts the first and the last millisecond of the range as asOf', () => {
    expect(parseSnapshot({ asOf: 0, orders: [] }).asOf).toBe(0);
    expect(parseSnapshot({ asOf: LATEST_TIME_MS, orders: [] }).asOf).toBe(LATEST_TIME_MS);
  });

  for (const field of ORDER_TIME_FIELDS) {
    it(`refuses an order's ${field} outside the range, naming the order and the field`, () => {
      const order = { orderId: 'o-7', status: 'accepted', [field]: 1e17 };

      const error = snapshotError({ asOf: NOW, orders: [{ orderId: 'o-1', status: 'accepted' }, order] });

      expect(error.message).toBe(
        `orders[1] (order "o-7"): field "${field}": ${EPOCH_MS_RULE}, got 100000000000000000`,
      );
      expect(error.where).toEqual({ index: 1, orderId: 'o-7', field });
    });
  }

  it('refuses any order time that is not in the range, and accepts any that is', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ORDER_TIME_FIELDS),
        fc.oneof(fc.integer({ min: -1e3, max: LATEST_TIME_MS + 1e3 }), fc.double({ noNaN: true })),
        (field, value) => {
          const raw = { asOf: NOW, orders: [{ orderId: 'o', status: 'accepted', [field]: value }] };

          if (isEpochMs(value)) expect(parseSnapshot(raw).orders[0]![field]).toBe(value);
          else expect(snapshotError(raw).where.field).toBe(field);
        },
      ),
    );
  });

  it('refuses an order id with a lone surrogate, showing it escaped', () => {
    const error = snapshotError({ asOf: NOW, orders: [{ orderId: 'o-\ud800', status: 'accepted' }] });

    expect(error.message).toBe(
      'orders[0] (order "o-\\ud800"): field "orderId": must be well-formed Unicode: it has a lone surrogate (an unpaired \\uD800-\\uDFFF), got "o-\\ud800"',
    );
  });
});
