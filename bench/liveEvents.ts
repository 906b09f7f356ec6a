// Events of a live plant at a given rate, stamped with the wall clock, for the embedded twin's
// end-to-end benchmark: as many active orders as events per second, so that an order rarely has two
// events in one ingest batch (which would make high rates look cheaper than a real plant's).
import type { OrderEvent, OrderEventType } from '../contracts/events.ts';

/** The life of a benchmark's order: the demo plant's events, from acceptance to delivery. */
export const ORDER_LIFE = [
  'OrderAccepted',
  'MaterialOrdered',
  'EtaUpdated',
  'MaterialArrived',
  'ProductionStarted',
  'ProductionFinished',
  'OrderDelivered',
] as const satisfies readonly OrderEventType[];

interface LiveOrder {
  id: string;
  stage: number;
}

/**
 * Events at `rate` events/s among `activeOrders` active orders (default: as many as events per
 * second, at least 40), each order's events in the order of its life, event times strictly
 * increasing; `finish` delivers every order still in the plant (one event each), so that a run
 * leaves no active order behind to slow the next one's forecasts.
 */
export function liveEvents(prefix: string, rate: number, activeOrders = Math.max(40, Math.round(rate))) {
  const active: LiveOrder[] = [];
  let orders = 0;
  let turn = 0;
  let last = 0;
  const tick = () => {
    last = Math.max(last + 1, Date.now());
    return last;
  };
  const iso = (t: number) => new Date(t).toISOString();
  const eventOf = (
    order: LiveOrder,
    at: number,
    type: (typeof ORDER_LIFE)[number] = ORDER_LIFE[order.stage]!,
  ): OrderEvent => {
    order.stage = ORDER_LIFE.indexOf(type) + 1;
    if (order.stage === ORDER_LIFE.length) active.splice(active.indexOf(order), 1);
    const extra =
      type === 'OrderAccepted'
        ? { dueAt: iso(at + 3_600_000) }
        : type === 'MaterialOrdered' || type === 'EtaUpdated'
          ? { eta: iso(at + 600_000) }
          : {};
    return {
      eventId: `${order.id}-${order.stage}`,
      orderId: order.id,
      occurredAt: iso(at),
      type,
      ...extra,
    } as OrderEvent;
  };
  const next = (): OrderEvent => {
    const at = tick();
    if (active.length < activeOrders) active.push({ id: `${prefix}-${++orders}`, stage: 0 });
    return eventOf(active[turn++ % active.length]!, at);
  };
  const finish = (): OrderEvent[] => {
    const delivered: OrderEvent[] = [];
    while (active.length > 0) delivered.push(eventOf(active[0]!, tick(), 'OrderDelivered'));
    return delivered;
  };
  return { next, finish };
}
