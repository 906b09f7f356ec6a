// Laws of the order state reducer, for all histories: duplicates change nothing, and any
// interleaving that keeps each order's events in order gives the same state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderStatusOf } from '../../contracts/orderState.ts';
import { LATEST_TIME_MS } from '../../contracts/time.ts';
import {
  applyEvent,
  applyEvents,
  eventKey,
  eventPrefix,
  payloadHash,
  runningStepsOf,
  type StoredOrderState,
  slotVerdict,
  stageOf,
} from '../../state/applyEvent.ts';
import { type DomainEvent, parseEvent } from '../../state/events.ts';
import { historyWithConflicts, interleave, orderHistory, plantHistory } from './history.ts';

/** `events` in the order a seed shuffles them. */
const shuffle = <T>(events: readonly T[], seed: number): T[] =>
  fc.sample(fc.shuffledSubarray([...events], { minLength: events.length }), { seed, numRuns: 1 })[0]!;

/** Applies `events` in order; the version (a count of applied changes) is left out. */
function replay(events: readonly DomainEvent[]): Record<string, Omit<StoredOrderState, 'version'>> {
  const states = new Map<string, StoredOrderState>();
  for (const event of events) {
    const next = applyEvent(states.get(event.orderId), event);
    if (next) states.set(event.orderId, next);
  }
  return Object.fromEntries(
    [...states].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, { version: _v, ...rest }]) => [id, rest]),
  );
}

describe('order state reducer', () => {
  it('gives the same state when every event is delivered twice', () => {
    fc.assert(
      fc.property(plantHistory, fc.array(fc.nat()), (histories, picks) => {
        const events = interleave(histories, picks);
        const twice = events.flatMap((e) => [e, e]);

        expect(replay(twice)).toEqual(replay(events));
      }),
    );
  });

  it("gives the same state for any interleaving that keeps each order's events in order", () => {
    fc.assert(
      fc.property(plantHistory, fc.array(fc.nat()), fc.array(fc.nat()), (histories, a, b) => {
        expect(replay(interleave(histories, a))).toEqual(replay(interleave(histories, b)));
      }),
    );
  });

  it('gives the same state in any order at all (events carry their own time)', () => {
    fc.assert(
      fc.property(orderHistory('o'), fc.integer(), (history, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(history, { minLength: history.length }), {
          seed,
          numRuns: 1,
        })[0]!;

        expect(replay(shuffled)).toEqual(replay(history));
      }),
    );
  });

  it('ignores an ETA update older than the stored ETA', () => {
    fc.assert(
      fc.property(
        orderHistory('o'),
        fc.integer({ min: 1, max: 10 * 60_000 }),
        fc.nat(),
        (history, earlier, eta) => {
          const state = history.reduce<StoredOrderState | undefined>(
            (s, e) => applyEvent(s, e) ?? s,
            undefined,
          )!;
          fc.pre(state.etaEvent !== undefined);
          const storedAt = Number(state.etaEvent!.slice(0, 15));
          const stale: DomainEvent = {
            type: 'EtaUpdated',
            eventId: 'stale',
            orderId: 'o',
            at: storedAt - earlier,
            eta,
          };

          expect(applyEvent(state, stale)).toBeUndefined();
        },
      ),
    );
  });

  it('gives the same state in any arrival order when deliveries of one event differ, and reports only those', () => {
    fc.assert(
      fc.property(historyWithConflicts('o'), fc.integer(), fc.integer(), (events, a, b) => {
        const first = shuffle(events, a);
        const second = shuffle(events, b);

        expect(replay(second)).toEqual(replay(first));
        // Only a delivery whose event has another, different delivery is ever reported as a conflict.
        const { outcomes } = applyEvents(undefined, first);
        const hashes = new Map<string, Set<string>>();
        for (const e of events)
          hashes.set(e.eventId, (hashes.get(e.eventId) ?? new Set()).add(payloadHash(e)));
        first.forEach((e, i) => {
          if (outcomes[i] === 'conflict') expect(hashes.get(e.eventId)!.size, e.eventId).toBeGreaterThan(1);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('order state reducer with steps', () => {
  it('keeps the status the times give (delivered, a step running, a step finished, material, ETA), in any order', () => {
    fc.assert(
      fc.property(orderHistory('o'), fc.integer(), (history, seed) => {
        let state: StoredOrderState | undefined;
        for (const event of shuffle(history, seed)) {
          state = applyEvent(state, event) ?? state;
          expect(state!.status).toBe(orderStatusOf(state!));
          expect(state!.stage).toBe(stageOf(state!));
          expect(state!.runningSteps).toBe(runningStepsOf(state!));
          expect(state!.activeShard === undefined).toBe(state!.deliveredAt !== undefined);
        }
      }),
    );
  });

  it('keeps in each step the times of its events, and in stepEvents their keys only', () => {
    fc.assert(
      fc.property(orderHistory('o'), (history) => {
        const { next } = applyEvents(undefined, history);
        for (const event of history) {
          if (event.type !== 'StepStarted' && event.type !== 'StepFinished') continue;
          const step = Object.getOwnPropertyDescriptor(next!.steps, event.step)?.value;
          const keys = Object.getOwnPropertyDescriptor(next!.stepEvents, event.step)?.value;
          if (event.type === 'StepStarted') {
            expect(step).toMatchObject({ startedAt: event.at });
            expect(step.station).toBe(event.station);
            expect(keys.startedEvent).toBe(eventKey(event));
          } else {
            expect(step.finishedAt).toBe(event.at);
            expect(keys.finishedEvent).toBe(eventKey(event));
          }
        }
        for (const step of Object.values(next!.steps ?? {})) {
          expect(Object.keys(step).every((f) => ['startedAt', 'finishedAt', 'station'].includes(f))).toBe(
            true,
          );
        }
      }),
    );
  });
});

describe('v1 production events', () => {
  const json = (event: object) =>
    JSON.stringify({ eventId: 'e-1', orderId: 'o', occurredAt: '2026-01-05T08:00:00Z', ...event });
  const parsed = (event: object) => {
    const result = parseEvent(json(event));
    if (!result.ok) throw new Error(result.reason);
    return result.event;
  };

  it('are StepStarted / StepFinished of the step production, with the same key', () => {
    const started = parsed({ type: 'ProductionStarted' });
    const finished = parsed({ type: 'ProductionFinished' });

    expect(started).toEqual(parsed({ type: 'StepStarted', step: 'production' }));
    expect(finished).toEqual(parsed({ type: 'StepFinished', step: 'production' }));
    expect(started).toEqual({
      type: 'StepStarted',
      eventId: 'e-1',
      orderId: 'o',
      at: Date.parse('2026-01-05T08:00:00Z'),
      step: 'production',
    });
  });

  it('keep the keys that items written before step events hold (hashed as v1 said them)', () => {
    const started = parsed({ type: 'ProductionStarted' });
    const { step: _step, ...v1 } = { ...(started as { step: string }), type: 'ProductionStarted' };

    expect(payloadHash(started)).toBe(payloadHash(v1));
    expect(payloadHash(parsed({ type: 'StepStarted', step: 'production', station: 'line' }))).not.toBe(
      payloadHash(v1),
    );
    expect(payloadHash(parsed({ type: 'StepStarted', step: 'cut' }))).not.toBe(
      payloadHash(parsed({ type: 'StepStarted', step: 'production' })),
    );
  });

  it('refuse step and station names that are empty, longer than 100 characters or not well-formed', () => {
    for (const [event, field] of [
      [{ type: 'StepStarted', step: '' }, 'step'],
      [{ type: 'StepFinished', step: 'x'.repeat(101) }, 'step'],
      [{ type: 'StepStarted', step: 'cut', station: 'saw \ud800' }, 'station'],
      [{ type: 'OrderAccepted', product: '' }, 'product'],
      [{ type: 'MaterialOrdered', eta: '2026-01-05T08:10:00Z', supplier: 'x'.repeat(101) }, 'supplier'],
      [{ type: 'StepFinished' }, 'step'],
    ] as const) {
      const result = parseEvent(json(event));
      expect(result.ok, JSON.stringify(event)).toBe(false);
      expect((result as { reason: string }).reason).toMatch(
        new RegExp(`^not a valid v1 order event: field "${field}"`),
      );
    }
    expect(parseEvent(json({ type: 'StepStarted', step: 'x'.repeat(100), station: 'a.b #1 🙂' })).ok).toBe(
      true,
    );
  });
});

describe('the supplier of a material order', () => {
  const ordered = (eventId: string, at: number, supplier?: string): DomainEvent => ({
    type: 'MaterialOrdered',
    eventId,
    orderId: 'o',
    at,
    eta: at + 600_000,
    ...(supplier !== undefined && { supplier }),
  });

  it('is read from the event and kept beside the first ETA, with the event time that set it', () => {
    const result = parseEvent(
      JSON.stringify({
        eventId: 'e1',
        type: 'MaterialOrdered',
        orderId: 'o',
        occurredAt: '2026-01-05T08:00:00Z',
        eta: '2026-01-05T08:10:00Z',
        supplier: 'acme',
      }),
    );
    expect(result).toMatchObject({ ok: true, event: { type: 'MaterialOrdered', supplier: 'acme' } });
    const state = applyEvent(undefined, (result as { event: DomainEvent }).event)!;

    expect(state).toMatchObject({ supplier: 'acme', initialEta: Date.parse('2026-01-05T08:10:00Z') });
    expect(state.orderedEvent).toBe(eventKey((result as { event: DomainEvent }).event));
  });

  it('is replaced by a newer material order only, in either arrival order, and removed by one naming none', () => {
    const older = ordered('a', 1_000, 'acme');
    const newer = ordered('b', 2_000, 'globex');
    const forward = applyEvent(applyEvent(undefined, older), newer)!;
    const backward = applyEvent(undefined, newer)!;

    expect(forward.supplier).toBe('globex');
    expect(applyEvent(backward, older)).toBeUndefined();
    expect(applyEvent(forward, ordered('c', 3_000))!.supplier).toBeUndefined();
  });
});

describe('event keys', () => {
  const event: DomainEvent = {
    type: 'EtaUpdated',
    eventId: 'e-1',
    orderId: 'o',
    at: 1_767_600_000_000,
    eta: 1,
  };

  it('are the time in 15 digits, the eventId and a 12-digit hash of the payload', () => {
    expect(eventKey(event)).toMatch(/^001767600000000#e-1#[0-9a-f]{12}$/);
    expect(eventPrefix({ at: LATEST_TIME_MS, eventId: 'x' })).toBe('253402300799999#x');
    expect(eventPrefix({ at: 0, eventId: 'x' })).toBe('000000000000000#x');
  });

  it('hash the payload whatever the order of its fields', () => {
    const reordered = {
      eta: 1,
      at: event.at,
      orderId: 'o',
      eventId: 'e-1',
      type: 'EtaUpdated',
    } as DomainEvent;

    expect(payloadHash(reordered)).toBe(payloadHash(event));
    expect(payloadHash({ ...event, eta: 2 })).not.toBe(payloadHash(event));
  });

  it('sort by time, then eventId, for every time the contracts accept', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: LATEST_TIME_MS }),
        fc.integer({ min: 0, max: LATEST_TIME_MS }),
        (t1, t2) => {
          fc.pre(t1 !== t2);
          const k1 = eventKey({ ...event, at: t1 });
          const k2 = eventKey({ ...event, at: t2 });

          expect(k1 < k2).toBe(t1 < t2);
        },
      ),
    );
  });

  it('let a greater key replace a lesser one, tell another delivery of the same event, and keep a key without hash', () => {
    const key = eventKey(event);
    const other = eventKey({ ...event, eta: 2 } as DomainEvent);
    const [low, high] = key < other ? [key, other] : [other, key];

    expect(slotVerdict(undefined, key)).toEqual({ supersedes: true, conflict: false });
    expect(slotVerdict(key, key)).toEqual({ supersedes: false, conflict: false });
    expect(slotVerdict(low, high)).toEqual({ supersedes: true, conflict: true });
    expect(slotVerdict(high, low)).toEqual({ supersedes: false, conflict: true });
    expect(slotVerdict(eventPrefix(event), key)).toEqual({ supersedes: false, conflict: false });
    expect(slotVerdict(eventKey({ ...event, eventId: 'e-0' }), key)).toEqual({
      supersedes: true,
      conflict: false,
    });
    expect(slotVerdict(eventKey({ ...event, eventId: 'e-1#b' }), key).conflict).toBe(false);
  });
});
