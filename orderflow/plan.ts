// The plan a forecast is compared with: the same orders run from the start of their routings with
// every ETA as first announced and nominal durations. A forecast later than the plan is a delay.
import { Environment } from '../sim-core/kernel/Environment.ts';
import type { Event } from '../sim-core/kernel/events.ts';
import type { RunLimits } from '../sim-core/limits.ts';
import type { ModelSamplers, ResolvedModel } from './model/resolveModel.ts';
import { buildNetwork, OrderUnit } from './network.ts';
import type { Restored } from './restore.ts';
import { applyShifts } from './shifts.ts';

/** The planned step times of the orders (laid out as the restored times), and the kernel events. */
export interface Plan {
  times: Float64Array;
  events: number;
  /** Per order: the first station whose shift's end held it up in the plan, if one did. */
  shiftStations: (string | undefined)[];
}

/**
 * Runs the plan of `restored` (the forecast's orders): each order enters its routing when it did (a
 * first material step when its material was ordered, or asOf if it is not yet; a first operation
 * when the order was accepted), and its material arrives at its first ETA. The stations keep their
 * shifts: a shift's end is planned, only one that the forecast crosses and the plan does not delays.
 */
export function runPlan(
  { orders: restored, times: known }: Restored,
  resolved: ResolvedModel,
  nominal: ModelSamplers,
  asOf: number,
  limits: RunLimits,
): Plan {
  const n = restored.length;
  // Each order's entry, and the earliest: the plan starts then.
  const entries = new Float64Array(n);
  let start = asOf;
  for (let i = 0; i < n; i++) {
    const r = restored[i]!;
    const o = r.fields;
    const entry =
      r.product.material !== 0
        ? r.entry
        : r.materialOrdered
          ? Math.min(o.materialOrderedAt ?? o.acceptedAt ?? asOf, asOf)
          : asOf;
    entries[i] = entry;
    start = Math.min(start, entry);
  }
  const env = new Environment(start);
  const net = buildNetwork(resolved, nominal, env);
  const times = new Float64Array(known.length).fill(Number.NaN);
  // Orders whose routing starts with an operation enter its queue by their timeout (which carries
  // the order): one callback per product, not one per order.
  const enterFirst = net.steps.map((steps) => {
    const seize = steps[0]?.seize;
    return (event: Event<OrderUnit>) => seize!.enter(event.value);
  });
  const units: OrderUnit[] = [];
  for (let i = 0; i < n; i++) {
    const r = restored[i]!;
    const o = r.fields;
    const entry = entries[i]!;
    const unit = new OrderUnit(r.keys, times, r.base, entry);
    units.push(unit);
    const ready = r.materialOrdered ? (o.initialEta ?? o.eta ?? o.materialArrivedAt) : undefined;
    const first = net.steps[r.product.index]![0]!;
    if (r.product.material === 0) {
      // Every order waits for its material from its entry on: placed at once, no event to enter.
      const lead = ready === undefined ? first.delay.durationFor(unit) : Math.max(0, ready - entry);
      first.delay.place(unit, entry, entry - start + lead);
    } else {
      if (ready !== undefined) unit.arrivesAt = ready;
      env.timeout(entry - start, unit).addCallback(enterFirst[r.product.index]!);
    }
  }
  applyShifts(net, restored.length);
  limits.run(env);
  const shiftStations: (string | undefined)[] = [];
  for (let i = 0; i < n; i++) shiftStations.push(units[i]!.shiftStation);
  return { times, events: env.eventsProcessed, shiftStations };
}
