// Order events as the state logic sees them: validated, times in epoch milliseconds.
import { type OrderEvent, OrderEventSchema, V1_PRODUCTION_STEP } from '../contracts/events.ts';

/**
 * A validated event with its times in epoch ms. v1's ProductionStarted / ProductionFinished are
 * StepStarted / StepFinished of the step `production` here: the same state results.
 */
export type DomainEvent =
  | {
      type: 'OrderAccepted';
      eventId: string;
      orderId: string;
      at: number;
      dueAt?: number;
      priority?: number;
      quantity?: number;
      product?: string;
    }
  | { type: 'MaterialOrdered' | 'EtaUpdated'; eventId: string; orderId: string; at: number; eta: number }
  | { type: 'StepStarted'; eventId: string; orderId: string; at: number; step: string; station?: string }
  | { type: 'StepFinished'; eventId: string; orderId: string; at: number; step: string }
  | { type: 'MaterialArrived' | 'OrderDelivered'; eventId: string; orderId: string; at: number };

/** Converts a validated event to a domain event. */
export function toDomainEvent(event: OrderEvent): DomainEvent {
  const common = { eventId: event.eventId, orderId: event.orderId, at: Date.parse(event.occurredAt) };
  switch (event.type) {
    case 'OrderAccepted': {
      const accepted: DomainEvent = { type: event.type, ...common };
      if (event.dueAt !== undefined) accepted.dueAt = Date.parse(event.dueAt);
      if (event.priority !== undefined) accepted.priority = event.priority;
      if (event.quantity !== undefined) accepted.quantity = event.quantity;
      if (event.product !== undefined) accepted.product = event.product;
      return accepted;
    }
    case 'MaterialOrdered':
    case 'EtaUpdated':
      return { type: event.type, ...common, eta: Date.parse(event.eta) };
    case 'StepStarted':
      return {
        type: event.type,
        ...common,
        step: event.step,
        ...(event.station !== undefined && { station: event.station }),
      };
    case 'StepFinished':
      return { type: event.type, ...common, step: event.step };
    case 'ProductionStarted':
      return { type: 'StepStarted', ...common, step: V1_PRODUCTION_STEP };
    case 'ProductionFinished':
      return { type: 'StepFinished', ...common, step: V1_PRODUCTION_STEP };
    case 'MaterialArrived':
    case 'OrderDelivered':
      return { type: event.type, ...common };
  }
}

/** Why a record could not be turned into an event: never retried, it goes to the failure destination. */
export type ParseFailure = { ok: false; reason: string };

/** Parses the JSON text of a record as an event; the reason names the field at fault. */
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
