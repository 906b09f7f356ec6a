// Order times that go backwards along the order's routing, or lie after the snapshot's asOf (a step
// finished after asOf, or before it started, material that arrived after the next step started...):
// the forecast would invent steps from them. Each is replaced by the time that bounds it, with a
// warning that names the order and the step and says so.
import type { ResolvedProduct } from './model/resolveModel.ts';
import type { ForecastWarning, OrderState } from './types.ts';

/** One time of an order along its routing: where it is kept, how a message says it, where it goes. */
interface Milestone {
  /** The field, as a message names it (`steps.cut.finishedAt`). */
  field: string;
  /** What happened then (`step cut finished`). */
  what: string;
  /** The step it belongs to (for the warning), if any. */
  step?: string;
  at: number | undefined;
  /** Index into the routing's times ([start, end] per step), or -1 for an order field only. */
  slot: number;
  /** The order field it comes from, for fields of the order itself. */
  orderField?: 'acceptedAt' | 'materialOrderedAt' | 'materialArrivedAt';
}

/**
 * The order's times along `product`'s routing, reconciled: each that lies after a later one (or after
 * `asOf`) is moved back to it, the later one taken as stated, with a warning in `warnings`. Writes
 * the times per routing step into `times` from `base` ([start, end] per step, NaN where unknown: an
 * operation's from `steps`, a material step's end from `materialArrivedAt`), and returns the order
 * with its own fields so corrected (itself when nothing contradicts).
 */
export function reconcileOrderTimes(
  order: OrderState,
  product: ResolvedProduct,
  asOf: number,
  times: Float64Array,
  base: number,
  warnings?: ForecastWarning[],
  /** Where to read the order's times (its fields, read once in one shape by the caller), if not from `order`. */
  read: Pick<OrderState, 'steps' | 'acceptedAt' | 'materialOrderedAt' | 'materialArrivedAt'> = order,
): OrderState {
  const routing = product.routing;
  const steps = read.steps;
  // Most orders contradict nothing: their times are read and checked without a word.
  let bound = asOf;
  let ordered = true;
  for (let i = routing.length - 1; i >= 0; i--) {
    const step = routing[i]!;
    let start: number | undefined;
    let end: number | undefined;
    if (step.kind === 'material') end = read.materialArrivedAt;
    else if (steps !== undefined && Object.hasOwn(steps, step.step)) {
      const state = steps[step.step]!;
      start = state.startedAt;
      end = state.finishedAt;
    }
    times[base + 2 * i] = start ?? Number.NaN;
    times[base + 2 * i + 1] = end ?? Number.NaN;
    if (end !== undefined) {
      if (end > bound) ordered = false;
      else bound = end;
    }
    if (start !== undefined) {
      if (start > bound) ordered = false;
      else bound = start;
    }
    if (step.kind === 'material' && read.materialOrderedAt !== undefined) {
      if (read.materialOrderedAt > bound) ordered = false;
      else bound = read.materialOrderedAt;
    }
  }
  if (ordered && !(read.acceptedAt !== undefined && read.acceptedAt > bound)) return order;
  return reconcileAll(order, product, asOf, times, base, warnings);
}

/** reconcileOrderTimes for an order whose times contradict: every milestone checked and said. */
function reconcileAll(
  order: OrderState,
  product: ResolvedProduct,
  asOf: number,
  times: Float64Array,
  base: number,
  warnings?: ForecastWarning[],
): OrderState {
  const routing = product.routing;
  const milestones: Milestone[] = [
    {
      field: 'acceptedAt',
      what: 'it was accepted',
      at: order.acceptedAt,
      slot: -1,
      orderField: 'acceptedAt',
    },
  ];
  const steps = order.steps;
  for (const step of routing) {
    if (step.kind === 'material') {
      milestones.push(
        {
          field: 'materialOrderedAt',
          what: 'its material was ordered',
          step: step.step,
          at: order.materialOrderedAt,
          slot: -1,
          orderField: 'materialOrderedAt',
        },
        {
          field: 'materialArrivedAt',
          what: 'its material arrived',
          step: step.step,
          at: order.materialArrivedAt,
          slot: 2 * step.index + 1,
          orderField: 'materialArrivedAt',
        },
      );
      continue;
    }
    const state = steps !== undefined && Object.hasOwn(steps, step.step) ? steps[step.step] : undefined;
    milestones.push(
      {
        field: `steps.${step.step}.startedAt`,
        what: `step ${step.step} started`,
        step: step.step,
        at: state?.startedAt,
        slot: 2 * step.index,
      },
      {
        field: `steps.${step.step}.finishedAt`,
        what: `step ${step.step} finished`,
        step: step.step,
        at: state?.finishedAt,
        slot: 2 * step.index + 1,
      },
    );
  }

  let result = order;
  // The earliest later milestone stated (asOf at first): how the message names it, and when it was.
  let bound = { name: 'asOf', when: 'at asOf', at: asOf };
  for (let i = milestones.length - 1; i >= 0; i--) {
    const m = milestones[i]!;
    let at = m.at;
    if (at === undefined) continue;
    if (at > bound.at) {
      warnings?.push({
        orderId: order.orderId,
        ...(m.step !== undefined && { step: m.step }),
        kind: 'contradictory-time',
        message:
          `order ${order.orderId}'s ${m.field} is ${lag(at - bound.at)} after ${bound.name}, which cannot be; ` +
          `assumed ${m.what} ${bound.when}, and forecast it so`,
      });
      at = bound.at;
      if (m.orderField !== undefined) result = { ...result, [m.orderField]: at };
    } else {
      bound = { name: `its ${m.field}`, when: `when ${m.what}`, at };
    }
    if (m.slot >= 0) times[base + m.slot] = at;
  }
  return result;
}

/** A positive length of time as the forecast's warnings say it. */
function lag(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`;
}
