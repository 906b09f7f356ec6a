// The station and maintenance events: what the schema accepts, what it refuses and why, and the
// domain events the ingest makes of them (times in epoch ms).
import { describe, expect, it } from 'vitest';
import { EventSchema, eventJsonSchema, PLANT_EVENT_TYPES } from '../../contracts/events.ts';
import { ISO_TIME_RULE } from '../../contracts/time.ts';
import { parseEvent } from '../../state/events.ts';

const parsed = (event: Record<string, unknown>) => parseEvent(JSON.stringify(event));
const reason = (event: Record<string, unknown>) => {
  const result = parsed(event);
  if (result.ok) throw new Error('the event was accepted');
  return result.reason;
};

const common = { eventId: 'e1', occurredAt: '2026-01-05T09:00:00+01:00' };
const T = Date.UTC(2026, 0, 5, 8, 0, 0);

describe('station and maintenance events', () => {
  it("carry their plant, when not the default one; an order event's plant scopes its order's key", () => {
    const down = { ...common, type: 'StationDown', station: 'saw' };
    expect(parsed({ ...down, plantId: 'north' })).toMatchObject({ ok: true, event: { plantId: 'north' } });
    expect(parsed({ ...down, plantId: 'default' })).toEqual(parsed(down));
    expect(parsed(down)).not.toMatchObject({ event: { plantId: expect.anything() } });
    const accepted = { ...common, type: 'OrderAccepted', orderId: 'o1' };
    expect(parsed({ ...accepted, plantId: 'north' })).toMatchObject({ event: { orderId: '@north/o1' } });
    expect(parsed({ ...accepted, plantId: 'default' })).toMatchObject({ event: { orderId: 'o1' } });
  });

  it('become domain events with their times in epoch ms, unknown fields dropped', () => {
    expect(
      parsed({
        ...common,
        type: 'StationDown',
        station: 'saw',
        unit: 2,
        expectedUpAt: '2026-01-05T08:30:00Z',
        note: 'x',
      }),
    ).toEqual({
      ok: true,
      event: {
        type: 'StationDown',
        eventId: 'e1',
        at: T,
        station: 'saw',
        unit: 2,
        expectedUpAt: T + 30 * 60_000,
      },
    });
    expect(parsed({ ...common, type: 'StationUp', station: 'saw', version: 1 })).toEqual({
      ok: true,
      event: { type: 'StationUp', eventId: 'e1', at: T, station: 'saw' },
    });
    expect(
      parsed({
        ...common,
        type: 'MaintenancePlanned',
        maintenanceId: 'pm-1',
        station: 'saw',
        from: '2026-01-05T10:00:00Z',
        to: '2026-01-05T11:00:00Z',
      }),
    ).toEqual({
      ok: true,
      event: {
        type: 'MaintenancePlanned',
        eventId: 'e1',
        at: T,
        maintenanceId: 'pm-1',
        station: 'saw',
        from: T + 2 * 3_600_000,
        to: T + 3 * 3_600_000,
      },
    });
    expect(parsed({ ...common, type: 'MaintenanceCancelled', maintenanceId: 'pm-1' })).toEqual({
      ok: true,
      event: { type: 'MaintenanceCancelled', eventId: 'e1', at: T, maintenanceId: 'pm-1' },
    });
  });

  it('are refused with a reason that names the event type and the field at fault', () => {
    const unit = "expected a whole number from 1 (a unit of the station, 1 to the station's capacity)";
    const cases: [Record<string, unknown>, string][] = [
      [
        { ...common, type: 'StationDown', station: 'saw', unit: 0 },
        `not a valid v1 StationDown event: field "unit": ${unit}`,
      ],
      [
        { ...common, type: 'StationUp', station: 'saw', unit: 1.5 },
        `not a valid v1 StationUp event: field "unit": ${unit}`,
      ],
      [
        { ...common, type: 'StationUp', station: 'saw', unit: '1' },
        `not a valid v1 StationUp event: field "unit": ${unit}`,
      ],
      [
        { ...common, type: 'StationDown', station: 'saw', expectedUpAt: 'soon' },
        'not a valid v1 StationDown event: field "expectedUpAt": expected an ISO-8601 time with offset, e.g. 2026-11-23T08:00:00Z',
      ],
      [
        {
          ...common,
          type: 'MaintenancePlanned',
          maintenanceId: 'pm-1',
          station: 'saw',
          from: '2026-01-05T10:00:00Z',
          to: '2026-01-05T10:00:00Z',
        },
        'not a valid v1 MaintenancePlanned event: field "to": must be after from',
      ],
      [
        {
          ...common,
          type: 'MaintenancePlanned',
          maintenanceId: 'pm-1',
          station: 'saw',
          from: '2026-01-05T10:00:00Z',
          to: '+010000-01-01T00:00:00Z',
        },
        'not a valid v1 MaintenancePlanned event: field "to": expected an ISO-8601 time with offset, e.g. 2026-11-23T08:00:00Z',
      ],
      [
        {
          ...common,
          type: 'MaintenancePlanned',
          maintenanceId: 'pm-1',
          station: 'saw',
          from: '2026-01-05T10:00:00Z',
          to: '9999-12-31T23:59:59-01:00',
        },
        `not a valid v1 MaintenancePlanned event: field "to": ${ISO_TIME_RULE}`,
      ],
      [
        { ...common, type: 'MaintenanceCancelled' },
        'not a valid v1 MaintenanceCancelled event: field "maintenanceId": required (string)',
      ],
      [
        { ...common, type: 'MaintenanceCancelled', maintenanceId: 7 },
        'not a valid v1 MaintenanceCancelled event: field "maintenanceId": expected string, got number',
      ],
      [
        { ...common, type: 'StationDown', station: 's\ud800' },
        'not a valid v1 StationDown event: field "station": must be well-formed Unicode: it has a lone surrogate (an unpaired \\uD800-\\uDFFF)',
      ],
      [
        { ...common, type: 'OrderAccepted', orderId: '@north/o1' },
        `not a valid v1 order event: field "orderId": must not start with "@" (the twin keeps other plants' items under such keys)`,
      ],
      [
        { ...common, type: 'StationUp', station: 'saw', plantId: 'north/1' },
        'not a valid v1 StationUp event: field "plantId": must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or a digit',
      ],
      [
        { ...common, type: 'OrderAccepted', orderId: '#plant#station#saw' },
        `not a valid v1 order event: field "orderId": must not start with "#plant#" (the twin keeps the plant's own items under such keys)`,
      ],
    ];

    for (const [event, message] of cases) expect(reason(event), message).toBe(message);
  });

  it('are in the JSON Schema for producers, with the unit a whole number from 1', () => {
    const schema = eventJsonSchema() as {
      description: string;
      oneOf: { properties: Record<string, Record<string, unknown>> }[];
    };
    const variants = schema.oneOf.filter((v) =>
      (PLANT_EVENT_TYPES as readonly unknown[]).includes(v.properties.type!.const),
    );

    expect(variants).toHaveLength(4);
    for (const v of variants.slice(0, 3))
      expect(v.properties.unit).toMatchObject({ type: 'integer', minimum: 1 });
    expect(schema.description).toMatch(
      /partition key orderId for an order event, the station for a station event/,
    );
    expect(EventSchema.options.map((o) => o.shape.type.value)).toEqual(
      expect.arrayContaining([...PLANT_EVENT_TYPES]),
    );
  });
});
