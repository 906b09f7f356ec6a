// Order times that contradict each other or the snapshot's `asOf` (production finished after asOf,
// or before it started, material that arrived after production started...): the forecast would
// invent steps from them. Each is replaced by the time that bounds it, with a warning that says so.
import type { ForecastWarning, OrderState, OrderTimeField } from './types.ts';

/** An order time: its name, what it means, how to read it and how to replace it. */
interface Milestone {
  field: string;
  what: string;
  read: (o: OrderState) => number | undefined;
  write: (o: OrderState, at: number) => OrderState;
}
const time = (field: OrderTimeField, what: string): Milestone => ({
  field,
  what,
  read: (o) => o[field],
  write: (o, at) => ({ ...o, [field]: at }),
});
const production = (field: string, t: 'startedAt' | 'finishedAt', what: string): Milestone => ({
  field,
  what,
  read: (o) => o.steps?.production?.[t],
  write: (o, at) => ({ ...o, steps: { ...o.steps, production: { ...o.steps?.production, [t]: at } } }),
});

/** An order's milestones in the order they happen; each is at or before the next one present, and asOf. */
const MILESTONES: readonly Milestone[] = [
  time('acceptedAt', 'it was accepted'),
  time('materialOrderedAt', 'its material was ordered'),
  time('materialArrivedAt', 'its material arrived'),
  production('productionStartedAt', 'startedAt', 'production started'),
  production('productionFinishedAt', 'finishedAt', 'production finished'),
];

/**
 * `order` with each milestone that lies after a later one (or after `asOf`) moved back to it, the
 * later one taken as stated, and a warning in `warnings` that says so. The forecast takes the times
 * so corrected as the snapshot's, for this order and for the others. `order` itself when nothing
 * contradicts.
 */
export function reconcileOrderTimes(
  order: OrderState,
  asOf: number,
  warnings?: ForecastWarning[],
): OrderState {
  let result = order;
  // The earliest later milestone stated (asOf at first): how the message names it, and when it was.
  let bound = { name: 'asOf', when: 'at asOf', at: asOf };
  for (let i = MILESTONES.length - 1; i >= 0; i--) {
    const { field, what, read, write } = MILESTONES[i]!;
    const at = read(result);
    if (at === undefined) continue;
    if (!(at > bound.at)) {
      bound = { name: `its ${field}`, when: `when ${what}`, at };
      continue;
    }
    warnings?.push({
      orderId: order.orderId,
      kind: 'contradictory-time',
      message:
        `order ${order.orderId}'s ${field} is ${lag(at - bound.at)} after ${bound.name}, which cannot be; ` +
        `assumed ${what} ${bound.when}, and forecast it so`,
    });
    result = write(result, bound.at);
  }
  return result;
}

/** A positive length of time as the forecast's warnings say it. */
function lag(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`;
}
