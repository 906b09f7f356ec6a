// The snapshot a forecast (and a what-if) reads of the live twin: the active orders, what the plant
// last said of its stations, and the maintenance that can still move a forecast.
import type { Snapshot } from '../orderflow/types.ts';
import type { PlantState } from '../state/plantState.ts';
import type { ActiveOrder } from '../state/StateStore.ts';

/**
 * The snapshot at `asOf` of `orders` and `plant`: a maintenance over before every operation in
 * progress began moves no forecast and is left out; one since then tells how much of an
 * operation's time its unit was out.
 */
export function liveSnapshot(asOf: number, orders: readonly ActiveOrder[], plant: PlantState): Snapshot {
  const since = earliestOperationInProgress(orders, asOf);
  const maintenance = plant.maintenance.filter((m) => m.to > since);
  return {
    asOf,
    orders,
    ...(plant.stations.length > 0 && { stations: plant.stations }),
    ...(maintenance.length > 0 && { maintenance }),
  };
}

/** When the earliest operation still in progress among `orders` began; `asOf` when none is. */
function earliestOperationInProgress(orders: readonly ActiveOrder[], asOf: number): number {
  let earliest = asOf;
  for (const order of orders) {
    for (const step of Object.values(order.steps ?? {})) {
      if (step.startedAt !== undefined && step.finishedAt === undefined)
        earliest = Math.min(earliest, step.startedAt);
    }
  }
  return earliest;
}
