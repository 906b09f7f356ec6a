// Laws of the order state reducer, for all histories: duplicates change nothing, and any
// interleaving that keeps each order's events in order gives the same state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent, type StoredOrderState } from '../../state/applyEvent.ts';
import type { DomainEvent } from '../../state/events.ts';
import { interleave, orderHistory, plantHistory } from './history.ts';

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
});
