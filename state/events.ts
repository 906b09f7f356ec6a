// Order events as the state logic sees them: validated, times in epoch milliseconds.
import { type OrderEvent, OrderEventSchema } from '../contracts/events.ts';

/** A validated v1 event with its times in epoch ms. */
export type DomainEvent =
  | {
      type: 'OrderAccepted';
      eventId: string;
      orderId: string;
      at: number;
      dueAt?: number;
      priority?: number;
      quantity?: number;
    }
  | { type: 'MaterialOrdered' | 'EtaUpdated'; eventId: string; orderId: string; at: number; eta: number }
  | {
      type: 'MaterialArrived' | 'ProductionStarted' | 'ProductionFinished' | 'OrderDelivered';
      eventId: string;
      orderId: string;
      at: number;
    };

/** Converts a validated v1 event to a domain event. */
export function toDomainEvent(event: OrderEvent): DomainEvent {
  const common = { eventId: event.eventId, orderId: event.orderId, at: Date.parse(event.occurredAt) };
  switch (event.type) {
    case 'OrderAccepted': {
      const accepted: DomainEvent = { type: event.type, ...common };
      if (event.dueAt !== undefined) accepted.dueAt = Date.parse(event.dueAt);
      if (event.priority !== undefined) accepted.priority = event.priority;
      if (event.quantity !== undefined) accepted.quantity = event.quantity;
      return accepted;
    }
    case 'MaterialOrdered':
    case 'EtaUpdated':
      return { type: event.type, ...common, eta: Date.parse(event.eta) };
    default:
      return { type: event.type, ...common };
  }
}

/** Why a record could not be turned into an event: never retried, it goes to the failure destination. */
export type ParseFailure = { ok: false; reason: string };

/** Parses the JSON text of a record as a v1 event; the reason names the field at fault. */
export function parseEvent(text: string): { ok: true; event: DomainEvent } | ParseFailure {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` };
  }
  const result = OrderEventSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? `field "${issue.path.join('.')}": ` : '';
    return { ok: false, reason: `not a valid v1 order event: ${field}${issue.message}` };
  }
  return { ok: true, event: toDomainEvent(result.data) };
}
