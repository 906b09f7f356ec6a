// The ingest handler: poison records go to the failure destination and block nothing; transient
// failures are reported per record for retry; each order's records are applied in order; logs
// carry orderId and eventId.
import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_FUTURE_MS, LATEST_TIME_MS } from '../../contracts/time.ts';
import { InMemoryFailureSink } from '../../ingest/FailureSink.ts';
import { createIngestHandler } from '../../ingest/ingestHandler.ts';
import type { StoredOrderState } from '../../state/applyEvent.ts';
import { TransientStoreError } from '../../state/errors.ts';
import type { DomainEvent, PlantDomainEvent } from '../../state/events.ts';
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';
import type { PlantState } from '../../state/plantState.ts';
import type { ActiveOrder, ApplyOutcome, FinishedOrder, StateStore } from '../../state/StateStore.ts';
import { kinesisEvent, lifecycle, v1 } from '../support/events.ts';

/** Captures what the Powertools logger prints. */
function captureLogs(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l)),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/** A store that fails transiently for one order, and records the order of applies. */
class FlakyStore implements StateStore {
  readonly applied: DomainEvent[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly inner = new InMemoryStateStore(),
    private readonly failFor = new Set<string>(),
  ) {}
  async apply(event: DomainEvent): Promise<ApplyOutcome> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 2));
    this.inFlight--;
    if (this.failFor.has(event.eventId))
      throw new TransientStoreError('throttled', { orderId: event.orderId, eventId: event.eventId });
    this.applied.push(event);
    return this.inner.apply(event);
  }
  async applyAll(events: readonly DomainEvent[]): Promise<ApplyOutcome[]> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 2));
    this.inFlight--;
    const failing = events.find((e) => this.failFor.has(e.eventId));
    if (failing)
      throw new TransientStoreError('throttled', { orderId: failing.orderId, eventId: failing.eventId });
    this.applied.push(...events);
    return this.inner.applyAll(events);
  }
  get(orderId: string): Promise<StoredOrderState | undefined> {
    return this.inner.get(orderId);
  }
  async applyPlant(event: PlantDomainEvent): Promise<ApplyOutcome> {
    if (this.failFor.has(event.eventId))
      throw new TransientStoreError('throttled', { eventId: event.eventId });
    return this.inner.applyPlant(event);
  }
  plantState(): Promise<PlantState> {
    return this.inner.plantState();
  }
  listActive(): Promise<ActiveOrder[]> {
    return this.inner.listActive();
  }
  listFinished(): Promise<FinishedOrder[]> {
    return this.inner.listFinished();
  }
}

describe('ingest handler', () => {
  let logs: ReturnType<typeof captureLogs>;
  const logger = new Logger({ serviceName: 'ingest', logLevel: 'DEBUG' });
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('applies the valid records and sends poison records to the failure destination, losing none', async () => {
    const store = new InMemoryStateStore();
    const failures = new InMemoryFailureSink();
    const handler = createIngestHandler({ store, failures, logger });
    const good = [...lifecycle('o1'), ...lifecycle('o2', 3).slice(0, 4)];
    const event = kinesisEvent([
      ...good.slice(0, 4),
      { raw: '{"not json', key: 'o1' },
      { raw: JSON.stringify({ ...v1('EtaUpdated', 'o2', 7), eta: 'tomorrow' }), key: 'o2' },
      {
        raw: JSON.stringify({
          eventId: 'x',
          orderId: 'o3',
          occurredAt: '2026-01-05T08:00:00Z',
          type: 'OrderShipped',
        }),
        key: 'o3',
      },
      ...good.slice(4),
    ]);

    const response = await handler(event);

    expect(response.batchItemFailures).toEqual([]);
    expect((await store.get('o1'))!.status).toBe('delivered');
    expect((await store.get('o2'))!.status).toBe('ready');
    // Orders are processed concurrently: the failures of different orders come in any order.
    const byKey = [...failures.records].sort((a, b) => (a.partitionKey < b.partitionKey ? -1 : 1));
    expect(byKey.map((r) => [r.partitionKey, r.reason])).toEqual([
      ['o1', expect.stringMatching(/^not valid JSON/)],
      [
        'o2',
        'not a valid v1 order event: field "eta": expected an ISO-8601 time with offset, e.g. 2026-11-23T08:00:00Z',
      ],
      ['o3', expect.stringMatching(/^not a valid v1 order event: field "type"/)],
    ]);
    expect(byKey[0]).toMatchObject({ data: '{"not json', dataEncoding: 'utf8' });
    expect(failures.records.every((r) => r.sequenceNumber.length > 0)).toBe(true);
  });

  it('applies station and maintenance events mixed with order events, and sends bad ones to the failure destination with what is wrong', async () => {
    const store = new InMemoryStateStore();
    const failures = new InMemoryFailureSink();
    const handler = createIngestHandler({ store, failures, logger });
    const iso = (minutes: number) => new Date(Date.UTC(2026, 0, 5, 8, minutes)).toISOString();
    const plant = (key: string, event: Record<string, unknown>) => ({ raw: JSON.stringify(event), key });
    const o1 = lifecycle('o1').slice(0, 5);
    const event = kinesisEvent([
      o1[0]!,
      plant('s-1', {
        eventId: 'd1',
        type: 'StationDown',
        station: 's-1',
        unit: 2,
        occurredAt: iso(3),
        expectedUpAt: iso(40),
      }),
      o1[1]!,
      plant('s-1', {
        eventId: 'm1-plan',
        type: 'MaintenancePlanned',
        maintenanceId: 'm1',
        station: 's-1',
        occurredAt: iso(1),
        from: iso(60),
        to: iso(90),
      }),
      plant('s-2', {
        eventId: 'm2-plan',
        type: 'MaintenancePlanned',
        maintenanceId: 'm2',
        station: 's-2',
        occurredAt: iso(1),
        from: iso(60),
        to: iso(90),
      }),
      // Cancelled before its plan arrives: still cancelled.
      plant('m3', {
        eventId: 'm3-cancel',
        type: 'MaintenanceCancelled',
        maintenanceId: 'm3',
        occurredAt: iso(5),
      }),
      plant('s-2', {
        eventId: 'm3-plan',
        type: 'MaintenancePlanned',
        maintenanceId: 'm3',
        station: 's-2',
        occurredAt: iso(2),
        from: iso(60),
        to: iso(90),
      }),
      plant('s-1', { eventId: 'bad-unit', type: 'StationDown', station: 's-1', unit: 0, occurredAt: iso(4) }),
      plant('s-2', {
        eventId: 'bad-window',
        type: 'MaintenancePlanned',
        maintenanceId: 'm4',
        station: 's-2',
        occurredAt: iso(4),
        from: iso(60),
        to: iso(30),
      }),
      plant('s-3', { eventId: 'no-station', type: 'StationUp', occurredAt: iso(4) }),
      ...o1.slice(2),
    ]);

    const response = await handler(event);

    expect(response.batchItemFailures).toEqual([]);
    expect((await store.get('o1'))!.status).toBe('in-production');
    expect(await store.plantState()).toEqual({
      stations: [
        { station: 's-1', unit: 2, down: true, since: Date.parse(iso(3)), expectedUpAt: Date.parse(iso(40)) },
      ],
      maintenance: [
        { maintenanceId: 'm1', station: 's-1', from: Date.parse(iso(60)), to: Date.parse(iso(90)) },
        { maintenanceId: 'm2', station: 's-2', from: Date.parse(iso(60)), to: Date.parse(iso(90)) },
      ],
    });
    const reasons = failures.records.map((r) => [r.partitionKey, r.reason]).sort();
    expect(reasons).toEqual([
      [
        's-1',
        `not a valid v1 StationDown event: field "unit": expected a whole number from 1 (a unit of the station, 1 to the station's capacity)`,
      ],
      ['s-2', 'not a valid v1 MaintenancePlanned event: field "to": must be after from'],
      ['s-3', expect.stringMatching(/^not a valid v1 StationUp event: field "station": /)],
    ]);
  });

  it('reports a transient failure of a station event for retry, and applies the other records', async () => {
    const down = { eventId: 'd1', type: 'StationDown', station: 's-1', occurredAt: '2026-01-05T08:03:00Z' };
    const store = new FlakyStore(undefined, new Set(['d1']));
    const handler = createIngestHandler({ store, failures: new InMemoryFailureSink(), logger });
    const event = kinesisEvent([...lifecycle('o1').slice(0, 2), { raw: JSON.stringify(down), key: 's-1' }]);

    const response = await handler(event);

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: event.Records[2]!.kinesis.sequenceNumber },
    ]);
    expect((await store.get('o1'))!.status).toBe('awaiting-material');
    expect((await store.plantState()).stations).toEqual([]);
  });

  it("applies each plant's events to its own order under the same order id, and keeps the plant in its logs", async () => {
    const store = new InMemoryStateStore();
    const logs = captureLogs();
    try {
      const handler = createIngestHandler({
        store,
        failures: new InMemoryFailureSink(),
        logger: new Logger({ serviceName: 'ingest', logLevel: 'DEBUG' }),
      });
      const north = lifecycle('o1', 5)
        .slice(0, 4)
        .map((e) => ({ ...e, eventId: `north-${e.eventId}`, plantId: 'north' }));
      const down = { eventId: 'd1', type: 'StationDown', station: 's-1', occurredAt: '2026-01-05T08:03:00Z' };

      const response = await handler(
        kinesisEvent([
          ...lifecycle('o1').slice(0, 2),
          ...north,
          { raw: JSON.stringify({ ...down, plantId: 'north' }), key: 's-1' },
        ]),
      );

      expect(response.batchItemFailures).toEqual([]);
      expect((await store.get('o1'))!.status).toBe('awaiting-material');
      expect((await store.get('o1', 'north'))!.status).toBe('ready');
      expect((await store.plantState()).stations).toEqual([]);
      expect((await store.plantState('north')).stations).toMatchObject([{ station: 's-1', down: true }]);
      const lines = logs.lines();
      expect(lines.filter((l) => l.level === 'WARN')).toEqual([]);
      expect(lines.filter((l) => l.plantId === 'north' && l.orderId === 'o1')).toHaveLength(north.length);
    } finally {
      logs.restore();
    }
  });

  it('keeps bytes that are not UTF-8 in base64 in the failure destination', async () => {
    const failures = new InMemoryFailureSink();
    const handler = createIngestHandler({ store: new InMemoryStateStore(), failures, logger });
    const event = kinesisEvent([]);
    const record = kinesisEvent([v1('OrderAccepted', 'o1', 0)]).Records[0]!;
    record.kinesis.data = Buffer.from([0xff, 0xfe, 0x00]).toString('base64');
    event.Records.push(record);

    await handler(event);

    expect(failures.records[0]).toMatchObject({
      reason: 'not valid UTF-8 text',
      data: '//4A',
      dataEncoding: 'base64',
    });
  });

  it('reports a transient failure for retry, with every record of that order in the batch, and applies other orders', async () => {
    const o1 = lifecycle('o1');
    const o2 = lifecycle('o2');
    const store = new FlakyStore(undefined, new Set([o1[2]!.eventId]));
    const handler = createIngestHandler({ store, failures: new InMemoryFailureSink(), logger });
    const event = kinesisEvent(o1.flatMap((e, i) => [e, o2[i]!]));

    const response = await handler(event);

    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    const sequenceOf = (eventId: string) =>
      event.Records.find((r) => Buffer.from(r.kinesis.data, 'base64').toString().includes(eventId))!.kinesis
        .sequenceNumber;
    // The order's events are written at once: none of them is applied, all are retried.
    expect(failed).toEqual(new Set(o1.map((e) => sequenceOf(e.eventId))));
    expect((await store.get('o2'))!.status).toBe('delivered');
    expect(await store.get('o1')).toBeUndefined();
    expect(store.applied.filter((e) => e.orderId === 'o1')).toEqual([]);
  });

  it("applies each order's records in stream order, different orders concurrently within the bound", async () => {
    const orders = Array.from({ length: 12 }, (_, i) => lifecycle(`o${i}`, i));
    const store = new FlakyStore();
    const handler = createIngestHandler({
      store,
      failures: new InMemoryFailureSink(),
      logger,
      concurrency: 4,
    });
    const interleaved = orders[0]!.flatMap((_, step) => orders.map((o) => o[step]!));

    await handler(kinesisEvent(interleaved));

    for (const order of orders) {
      const id = order[0]!.orderId;
      expect(store.applied.filter((e) => e.orderId === id).map((e) => e.eventId)).toEqual(
        order.map((e) => e.eventId),
      );
    }
    expect(store.maxInFlight).toBe(4);
  });

  it('makes re-applying a batch that already succeeded harmless', async () => {
    const store = new InMemoryStateStore();
    const handler = createIngestHandler({ store, failures: new InMemoryFailureSink(), logger });
    const event = kinesisEvent([...lifecycle('o1').slice(0, 5)]);
    await handler(event);
    const before = await store.get('o1');

    await handler(event);

    expect(await store.get('o1')).toEqual(before);
  });

  it('logs every line about a record with its orderId and eventId', async () => {
    const o1 = lifecycle('o1');
    const handler = createIngestHandler({
      store: new FlakyStore(undefined, new Set([o1[1]!.eventId])),
      failures: new InMemoryFailureSink(),
      logger,
    });

    const o2 = lifecycle('o2');
    await handler(kinesisEvent([o1[0]!, o1[1]!, o2[0]!, { raw: 'oops', key: 'o9' }]));

    const lines = logs.lines();
    const about = lines.filter(
      (l) => typeof l.message === 'string' && /event|record/.test(l.message as string),
    );
    expect(about.length).toBeGreaterThanOrEqual(3);
    for (const line of about) expect(line).toHaveProperty('orderId');
    expect(lines.find((l) => l.message === 'event applied')).toMatchObject({
      orderId: 'o2',
      eventId: o2[0]!.eventId,
      service: 'ingest',
    });
    expect(lines.find((l) => l.level === 'ERROR')).toMatchObject({ orderId: 'o1', eventId: o1[1]!.eventId });
    expect(lines.find((l) => l.level === 'WARN')).toMatchObject({
      orderId: 'o9',
      reason: expect.stringMatching(/JSON/),
    });
  });

  describe('times and ids the contract does not accept', () => {
    const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
    const clock = () => T0;
    const iso = (ms: number) => new Date(ms).toISOString();

    it('refuses an event from more than a day ahead of its clock, with the reason, and applies the rest', async () => {
      const store = new InMemoryStateStore();
      const failures = new InMemoryFailureSink();
      const handler = createIngestHandler({ store, failures, logger, clock });
      const accepted = v1('OrderAccepted', 'o1', 0);
      const inADay = { ...v1('MaterialOrdered', 'o1', 0), occurredAt: iso(T0 + DEFAULT_MAX_FUTURE_MS) };
      const justBeyond = {
        ...v1('MaterialArrived', 'o1', 0),
        occurredAt: iso(T0 + DEFAULT_MAX_FUTURE_MS + 60_000),
      };
      const year9999 = { ...v1('ProductionStarted', 'o1', 0), occurredAt: '9999-12-31T23:59:59.999Z' };

      const response = await handler(kinesisEvent([accepted, inADay, justBeyond, year9999]));

      expect(response.batchItemFailures).toEqual([]);
      expect(await store.get('o1')).toMatchObject({
        status: 'awaiting-material',
        updatedAt: T0 + DEFAULT_MAX_FUTURE_MS,
      });
      expect(failures.records.map((r) => r.reason)).toEqual([
        "occurredAt 2026-01-06T08:01:00.000Z is 1 day 1 min ahead of the ingest's clock (2026-01-05T08:00:00.000Z), " +
          'more than the 1 day allowed: an event from the future would hold the fields it sets until then',
        expect.stringMatching(
          /^occurredAt 9999-12-31T23:59:59.999Z is \d+ days \d+ h ahead of the ingest's clock/,
        ),
      ]);
      expect(JSON.parse(failures.records[1]!.data)).toEqual(year9999);
    });

    it('takes the margin as an option: none at all, or any', async () => {
      const soon = { ...v1('OrderAccepted', 'o1', 0), occurredAt: iso(T0 + 1) };
      const late = { ...v1('OrderAccepted', 'o2', 0), occurredAt: iso(LATEST_TIME_MS) };
      const strict = new InMemoryFailureSink();
      const open = new InMemoryFailureSink();

      await createIngestHandler({
        store: new InMemoryStateStore(),
        failures: strict,
        logger,
        clock,
        maxFutureMs: 0,
      })(kinesisEvent([soon]));
      const store = new InMemoryStateStore();
      await createIngestHandler({
        store,
        failures: open,
        logger,
        clock,
        maxFutureMs: Number.POSITIVE_INFINITY,
      })(kinesisEvent([soon, late]));

      expect(strict.records.map((r) => r.reason)).toEqual([
        expect.stringMatching(/is 1 ms ahead of the ingest's clock .* more than the 0 ms allowed/),
      ]);
      expect(open.records).toEqual([]);
      expect((await store.get('o2'))!.acceptedAt).toBe(LATEST_TIME_MS);
    });

    it('refuses any event from further ahead than the margin, and applies any other', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 7 * DEFAULT_MAX_FUTURE_MS }),
          fc.integer({ min: -T0, max: LATEST_TIME_MS - T0 }),
          async (maxFutureMs, ahead) => {
            const store = new InMemoryStateStore();
            const failures = new InMemoryFailureSink();
            const handler = createIngestHandler({ store, failures, logger, clock, maxFutureMs });
            const event = { ...v1('OrderAccepted', 'o1', 0), occurredAt: iso(T0 + ahead) };

            await handler(kinesisEvent([event]));

            const refused = ahead > maxFutureMs;
            expect(failures.records.length).toBe(refused ? 1 : 0);
            expect((await store.get('o1'))?.acceptedAt).toBe(refused ? undefined : T0 + ahead);
          },
        ),
        { numRuns: 200 },
      );
    });

    it('refuses times outside 1970 to 9999, and ids that are not well-formed Unicode, naming the field', async () => {
      const failures = new InMemoryFailureSink();
      const store = new InMemoryStateStore();
      const handler = createIngestHandler({ store, failures, logger, clock });

      await handler(
        kinesisEvent([
          {
            raw: JSON.stringify({ ...v1('OrderAccepted', 'o1', 0), occurredAt: '1969-12-31T23:59:59.999Z' }),
            key: 'o1',
          },
          {
            raw: JSON.stringify({ ...v1('OrderAccepted', 'o1', 0), occurredAt: '1970-01-01T00:30:00+01:00' }),
            key: 'o1',
          },
          {
            raw: JSON.stringify({ ...v1('OrderAccepted', 'o1', 0), dueAt: '9999-12-31T23:00:00-01:00' }),
            key: 'o1',
          },
          { raw: JSON.stringify({ ...v1('EtaUpdated', 'o1', 0), eta: '0000-01-01T00:00:00Z' }), key: 'o1' },
          { raw: JSON.stringify(v1('OrderAccepted', 'o\ud800', 0)), key: 'o1' },
          { raw: JSON.stringify({ ...v1('OrderAccepted', 'o1', 0), eventId: 'e\udfff' }), key: 'o1' },
        ]),
      );

      const range = 'must be a time from 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z';
      const unicode = 'must be well-formed Unicode: it has a lone surrogate (an unpaired \\uD800-\\uDFFF)';
      expect(failures.records.map((r) => r.reason)).toEqual([
        `not a valid v1 order event: field "occurredAt": ${range}`,
        `not a valid v1 order event: field "occurredAt": ${range}`,
        `not a valid v1 order event: field "dueAt": ${range}`,
        `not a valid v1 order event: field "eta": ${range}`,
        `not a valid v1 order event: field "orderId": ${unicode}`,
        `not a valid v1 order event: field "eventId": ${unicode}`,
      ]);
      expect(await store.get('o1')).toBeUndefined();
    });

    it('accepts well-formed ids with characters beyond the BMP, and the first and last times of the range', async () => {
      const failures = new InMemoryFailureSink();
      const store = new InMemoryStateStore();
      const handler = createIngestHandler({ store, failures, logger, maxFutureMs: Number.POSITIVE_INFINITY });

      await handler(
        kinesisEvent([
          v1('OrderAccepted', 'o-😀', 0, {
            occurredAt: '1970-01-01T00:00:00Z',
            dueAt: '9999-12-31T23:59:59.999Z',
          }),
        ]),
      );

      expect(failures.records).toEqual([]);
      expect(await store.get('o-😀')).toMatchObject({ acceptedAt: 0, dueAt: LATEST_TIME_MS });
    });
  });

  it('logs a warning with orderId and eventId when deliveries of one event differ, and keeps the same one in any order', async () => {
    const first = v1('EtaUpdated', 'o1', 5);
    const second = { ...first, eta: '2026-01-05T09:00:00.000Z' };
    const stores = [new InMemoryStateStore(), new InMemoryStateStore()];
    const handlers = stores.map((store) =>
      createIngestHandler({ store, failures: new InMemoryFailureSink(), logger }),
    );

    await handlers[0]!(kinesisEvent([first]));
    await handlers[0]!(kinesisEvent([second]));
    await handlers[1]!(kinesisEvent([second, first]));

    const conflicts = logs.lines().filter((l) => l.level === 'WARN');
    expect(conflicts).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^conflicting deliveries of one event/),
        orderId: 'o1',
        eventId: first.eventId,
        occurredAt: first.occurredAt,
      }),
      expect.objectContaining({ orderId: 'o1', eventId: first.eventId }),
    ]);
    const [a, b] = await Promise.all(stores.map((s) => s.get('o1')));
    expect({ ...a, version: 0 }).toEqual({ ...b, version: 0 });
  });
});
