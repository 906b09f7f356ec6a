// Order times that contradict each other or the snapshot's `asOf` (production finished after asOf,
// or before it started, material that arrived after production started...): the forecast would
// invent steps from them. Each is replaced by the time that bounds it, with a warning that says so.
import type { ForecastWarning, OrderState, OrderTimeField } from './types.ts';

/** An order's milestones in the order they happen; each is at or before the next one present, and asOf. */
const MILESTONES = [
  ['acceptedAt', 'it was accepted'],
  ['materialOrderedAt', 'its material was ordered'],
  ['materialArrivedAt', 'its material arrived'],
  ['productionStartedAt', 'production started'],
  ['productionFinishedAt', 'production finished'],
] as const satisfies readonly (readonly [OrderTimeField, string])[];

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
    const [field, what] = MILESTONES[i]!;
    const at = result[field];
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
    result = { ...result, [field]: bound.at };
  }
  return result;
}

/** A positive length of time as the forecast's warnings say it. */
function lag(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`;
}
