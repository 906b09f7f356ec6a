// Generators of order event histories for property tests of the state logic.
import fc from 'fast-check';
import { payloadHash } from '../../state/applyEvent.ts';
import type { DomainEvent } from '../../state/events.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;

/**
 * Step and station names as a plant model may have them, odd ones included: the state must keep
 * any well-formed name as it is (`:` `.` `#`, spaces, object built-ins, characters beyond the BMP).
 */
export const STEP_NAMES = [
  'production',
  'cut',
  'weld.2',
  'paint #1',
  'a:b:startedAt',
  'step:x',
  '__proto__',
  'constructor',
  'prüfen 🙂',
] as const;
export const STATIONS = ['saw', 'saw 2', 'booth.1', '__proto__'] as const;

/**
 * One order's plausible history: accepted (maybe naming its product), ordered, some ETA updates,
 * arrival, its steps started and finished one after the other (maybe naming a station), maybe delivery.
 */
export function orderHistory(orderId: string): fc.Arbitrary<DomainEvent[]> {
  return fc
    .record({
      start: fc.integer({ min: 0, max: 600 }),
      due: fc.option(fc.integer({ min: 30, max: 600 }), { nil: undefined }),
      priority: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      product: fc.option(fc.constantFrom('frame', 'door.left', '__proto__'), { nil: undefined }),
      supplier: fc.option(fc.constantFrom('acme', 'Müller & Söhne'), { nil: undefined }),
      etaUpdates: fc.array(
        fc.record({ after: fc.integer({ min: 0, max: 20 }), eta: fc.integer({ min: 1, max: 60 }) }),
        {
          maxLength: 4,
        },
      ),
      steps: fc.uniqueArray(
        fc.record({
          step: fc.constantFrom(...STEP_NAMES),
          station: fc.option(fc.constantFrom(...STATIONS), { nil: undefined }),
          duration: fc.integer({ min: 0, max: 6 }),
        }),
        { minLength: 1, maxLength: 3, selector: (s) => s.step },
      ),
      progress: fc.nat(),
    })
    .map(({ start, due, priority, product, supplier, etaUpdates, steps, progress }) => {
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
          ...(product !== undefined && { product }),
        },
      ];
      // How far the order got: 1 accepted … 2 + milestones.length delivered.
      const milestones: ((t: number) => DomainEvent)[] = [
        (t) => ({ type: 'MaterialArrived', eventId: id(), orderId, at: at(t) }),
        ...steps.flatMap(({ step, station }) => [
          (t: number): DomainEvent => ({
            type: 'StepStarted',
            eventId: id(),
            orderId,
            at: at(t),
            step,
            ...(station !== undefined && { station }),
          }),
          (t: number): DomainEvent => ({ type: 'StepFinished', eventId: id(), orderId, at: at(t), step }),
        ]),
        (t) => ({ type: 'OrderDelivered', eventId: id(), orderId, at: at(t) }),
      ];
      const reached = 1 + (progress % (milestones.length + 2));
      let t = start;
      if (reached >= 2)
        events.push({
          type: 'MaterialOrdered',
          eventId: id(),
          orderId,
          at: at(t),
          eta: at(t + 10),
          ...(supplier !== undefined && { supplier }),
        });
      for (const u of reached >= 2 ? etaUpdates : []) {
        t += u.after;
        events.push({ type: 'EtaUpdated', eventId: id(), orderId, at: at(t), eta: at(t + u.eta) });
      }
      for (let i = 0; i < reached - 2; i++) {
        // A step may take no time: its start and finish then share a time (keys still differ).
        t += i >= 2 && i % 2 === 0 ? steps[(i - 2) / 2]!.duration : 5;
        events.push(milestones[i]!(t));
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
  const types = [
    'OrderAccepted',
    'MaterialOrdered',
    'EtaUpdated',
    'MaterialArrived',
    'StepStarted',
    'StepFinished',
  ] as const;
  return fc
    .record({
      type: fc.constantFrom<DomainEvent['type']>(event.type, ...types),
      eta: fc.integer({ min: 1, max: 60 }),
      priority: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      step: fc.constantFrom(...STEP_NAMES),
      station: fc.option(fc.constantFrom(...STATIONS), { nil: undefined }),
    })
    .map(({ type, eta, priority, step, station }): DomainEvent => {
      const common = { eventId: event.eventId, orderId: event.orderId, at: event.at };
      if (type === 'MaterialOrdered' || type === 'EtaUpdated')
        return { type, ...common, eta: event.at + eta * MIN };
      if (type === 'OrderAccepted') return { type, ...common, ...(priority !== undefined && { priority }) };
      if (type === 'StepStarted') return { type, ...common, step, ...(station !== undefined && { station }) };
      if (type === 'StepFinished') return { type, ...common, step };
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
