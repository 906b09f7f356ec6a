// Generators of order event histories for property tests of the state logic.
import fc from 'fast-check';
import { payloadHash } from '../../state/applyEvent.ts';
import type { DomainEvent } from '../../state/events.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;

/** One order's plausible history: accepted, ordered, some ETA updates, arrival, production, maybe delivery. */
export function orderHistory(orderId: string): fc.Arbitrary<DomainEvent[]> {
  return fc
    .record({
      start: fc.integer({ min: 0, max: 600 }),
      due: fc.option(fc.integer({ min: 30, max: 600 }), { nil: undefined }),
      priority: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      etaUpdates: fc.array(
        fc.record({ after: fc.integer({ min: 0, max: 20 }), eta: fc.integer({ min: 1, max: 60 }) }),
        {
          maxLength: 4,
        },
      ),
      progress: fc.integer({ min: 1, max: 6 }),
    })
    .map(({ start, due, priority, etaUpdates, progress }) => {
      let n = 0;
      const id = () => `${orderId}-e${++n}`;
      const at = (minutes: number) => T0 + minutes * MIN;
      const events: DomainEvent[] = [
        {
          type: 'OrderAccepted',
          eventId: id(),
          orderId,
          at: at(start),
          ...(due !== undefined && { dueAt: at(start + due) }),
          ...(priority !== undefined && { priority }),
        },
      ];
      let t = start;
      if (progress >= 2)
        events.push({ type: 'MaterialOrdered', eventId: id(), orderId, at: at(t), eta: at(t + 10) });
      for (const u of progress >= 2 ? etaUpdates : []) {
        t += u.after;
        events.push({ type: 'EtaUpdated', eventId: id(), orderId, at: at(t), eta: at(t + u.eta) });
      }
      const milestones = [
        'MaterialArrived',
        'ProductionStarted',
        'ProductionFinished',
        'OrderDelivered',
      ] as const;
      for (let i = 0; i < progress - 2; i++) {
        t += 5;
        events.push({ type: milestones[i]!, eventId: id(), orderId, at: at(t) });
      }
      return events;
    });
}

/** Histories of a few orders. */
export const plantHistory: fc.Arbitrary<DomainEvent[][]> = fc
  .integer({ min: 1, max: 4 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => orderHistory(`order-${i + 1}`))));

/** Merges per-order histories into one stream, keeping each order's events in their order. */
export function interleave(histories: DomainEvent[][], picks: number[]): DomainEvent[] {
  const queues = histories.map((h) => [...h]);
  const out: DomainEvent[] = [];
  let p = 0;
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    const q = open[(picks[p++ % Math.max(1, picks.length)] ?? 0) % open.length]!;
    out.push(q.shift()!);
  }
  return out;
}

/**
 * Another delivery of `event`: the same eventId, order and time, another payload (another value,
 * or even another type). Never equal to `event`.
 */
export function conflictingDelivery(event: DomainEvent): fc.Arbitrary<DomainEvent> {
  const types = ['OrderAccepted', 'MaterialOrdered', 'EtaUpdated', 'MaterialArrived'] as const;
  return fc
    .record({
      type: fc.constantFrom<DomainEvent['type']>(event.type, ...types),
      eta: fc.integer({ min: 1, max: 60 }),
      priority: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    })
    .map(({ type, eta, priority }): DomainEvent => {
      const common = { eventId: event.eventId, orderId: event.orderId, at: event.at };
      if (type === 'MaterialOrdered' || type === 'EtaUpdated')
        return { type, ...common, eta: event.at + eta * MIN };
      if (type === 'OrderAccepted') return { type, ...common, ...(priority !== undefined && { priority }) };
      return { type, ...common };
    })
    .filter((twin) => payloadHash(twin) !== payloadHash(event));
}

/** One order's history, with differing second deliveries of some of its events (at least one). */
export function historyWithConflicts(orderId: string): fc.Arbitrary<DomainEvent[]> {
  return orderHistory(orderId).chain((history) =>
    fc
      .uniqueArray(fc.integer({ min: 0, max: history.length - 1 }), {
        minLength: 1,
        maxLength: history.length,
      })
      .chain((picked) => fc.tuple(...picked.map((i) => conflictingDelivery(history[i]!))))
      .map((twins) => [...history, ...twins]),
  );
}
