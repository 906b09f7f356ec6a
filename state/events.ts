// Events as the state logic sees them: validated, times in epoch milliseconds.
import { EventSchema, type OrderEvent, PLANT_EVENT_TYPES, type PlantEvent } from '../contracts/events.ts';
import { V1_PRODUCTION_STEP } from '../contracts/orderState.ts';
import { DEFAULT_PLANT, plantScopedKey } from '../contracts/plants.ts';
import { plainIssue } from '../contracts/zodIssues.ts';

/**
 * A validated event with its times in epoch ms. v1's ProductionStarted / ProductionFinished are
 * StepStarted / StepFinished of the step `production` here: the same state results. Its `orderId`
 * is the order's key in the state: the event's orderId within its plant (`plantScopedKey`), which
 * for the default plant is the orderId itself.
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
  | { type: 'MaterialOrdered'; eventId: string; orderId: string; at: number; eta: number; supplier?: string }
  | { type: 'EtaUpdated'; eventId: string; orderId: string; at: number; eta: number }
  | { type: 'StepStarted'; eventId: string; orderId: string; at: number; step: string; station?: string }
  | { type: 'StepFinished'; eventId: string; orderId: string; at: number; step: string }
  | { type: 'MaterialArrived' | 'OrderDelivered'; eventId: string; orderId: string; at: number };

/** Converts a validated event to a domain event. */
export function toDomainEvent(event: OrderEvent): DomainEvent {
  const common = {
    eventId: event.eventId,
    orderId: plantScopedKey(event.plantId ?? DEFAULT_PLANT, event.orderId),
    at: Date.parse(event.occurredAt),
  };
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
      return {
        type: event.type,
        ...common,
        eta: Date.parse(event.eta),
        ...(event.supplier !== undefined && { supplier: event.supplier }),
      };
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

/**
 * A validated station or maintenance event with its times in epoch ms; `plantId`: its plant, when
 * not the default one.
 */
export type PlantDomainEvent = { plantId?: string } & (
  | {
      type: 'StationDown';
      eventId: string;
      at: number;
      station: string;
      unit?: number;
      expectedUpAt?: number;
    }
  | { type: 'StationUp'; eventId: string; at: number; station: string; unit?: number }
  | {
      type: 'MaintenancePlanned';
      eventId: string;
      at: number;
      maintenanceId: string;
      station: string;
      unit?: number;
      from: number;
      to: number;
    }
  | { type: 'MaintenanceCancelled'; eventId: string; at: number; maintenanceId: string }
);

const PLANT_TYPES: ReadonlySet<string> = new Set(PLANT_EVENT_TYPES);

/** Whether `event` is one of the plant's (a station's or a maintenance's), not an order's. */
export function isPlantEvent(event: DomainEvent | PlantDomainEvent): event is PlantDomainEvent {
  return PLANT_TYPES.has(event.type);
}

/** Converts a validated station or maintenance event to a domain event. */
export function toPlantDomainEvent(event: PlantEvent): PlantDomainEvent {
  const common = {
    eventId: event.eventId,
    ...(event.plantId !== undefined && event.plantId !== DEFAULT_PLANT && { plantId: event.plantId }),
    at: Date.parse(event.occurredAt),
  };
  const unit = event.type !== 'MaintenanceCancelled' && event.unit !== undefined ? { unit: event.unit } : {};
  switch (event.type) {
    case 'StationDown':
      return {
        type: event.type,
        ...common,
        station: event.station,
        ...unit,
        ...(event.expectedUpAt !== undefined && { expectedUpAt: Date.parse(event.expectedUpAt) }),
      };
    case 'StationUp':
      return { type: event.type, ...common, station: event.station, ...unit };
    case 'MaintenancePlanned':
      return {
        type: event.type,
        ...common,
        maintenanceId: event.maintenanceId,
        station: event.station,
        ...unit,
        from: Date.parse(event.from),
        to: Date.parse(event.to),
      };
    case 'MaintenanceCancelled':
      return { type: event.type, ...common, maintenanceId: event.maintenanceId };
  }
}

/** Why a record could not be turned into an event: never retried, it goes to the failure destination. */
export type ParseFailure = { ok: false; reason: string };

/**
 * Parses the JSON text of a record as an event, an order's or the plant's; the reason names the
 * field at fault.
 */
export function parseEvent(text: string): { ok: true; event: DomainEvent | PlantDomainEvent } | ParseFailure {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` };
  }
  const result = EventSchema.safeParse(json, { error: plainIssue });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? `field "${issue.path.join('.')}": ` : '';
    const type = (json as { type?: unknown } | null)?.type;
    const kind = typeof type === 'string' && PLANT_TYPES.has(type) ? `${type} event` : 'order event';
    return { ok: false, reason: `not a valid v1 ${kind}: ${field}${issue.message}` };
  }
  const event = result.data;
  return {
    ok: true,
    event: PLANT_TYPES.has(event.type)
      ? toPlantDomainEvent(event as PlantEvent)
      : toDomainEvent(event as OrderEvent),
  };
}
