// A variant applied: the live snapshot and the plant model as the variant's changes leave them, both
// new objects (the live ones are never touched). A change that names an order, station, step,
// product or maintenance window the snapshot and model do not have is refused with the name.
import { LATEST_TIME_MS } from '../../contracts/time.ts';
import type { RestoredRun } from '../forecast.ts';
import type { PlantModel } from '../model/plantModel.ts';
import type { OrderState, PlannedMaintenance, Snapshot } from '../types.ts';
import { type Change, type Variant, VariantError } from './variant.ts';

/** What a variant runs on. */
export interface AppliedVariant {
  snapshot: Snapshot;
  model: PlantModel;
  /** Orders held until a time (epoch ms). */
  holds: Map<string, number> | undefined;
}

/**
 * Applies `variant` to the live plant: `live` is the baseline's run of `snapshot` restored with
 * `model` (it knows where each order stands and each station's capacity after the run's parameters).
 */
export function applyVariant(
  variant: Variant,
  live: RestoredRun,
  snapshot: Snapshot,
  model: PlantModel,
): AppliedVariant {
  const asOf = snapshot.asOf;
  const active = new Map(live.restored.orders.map((r) => [r.order.orderId, r]));
  const orders = new Map(snapshot.orders.map((o) => [o.orderId, o]));
  const capacity = new Map(live.resolved.stations.map((s) => [s.id, s.capacity]));
  let maintenance: PlannedMaintenance[] = [...(snapshot.maintenance ?? [])];
  let changed: PlantModel | undefined;
  const edit = (): PlantModel => {
    changed ??= structuredClone(model);
    return changed;
  };
  let holds: Map<string, number> | undefined;
  let generated = 0;

  variant.changes.forEach((change, i) => {
    const fail = (what: string): never => {
      throw new VariantError(`variant "${variant.name}", change ${i + 1} (${change.change}): ${what}`);
    };
    const activeOrder = (id: string) =>
      active.get(id) ?? fail(`order "${id}" is not an active order of the snapshot`);
    const knownStation = (id: string): number =>
      capacity.get(id) ?? fail(`station "${id}" is not in model ${model.name}`);
    const setOrder = (id: string, fields: Partial<OrderState>) => {
      orders.set(id, { ...orders.get(id)!, ...fields });
    };
    switch (change.change) {
      case 'expedite': {
        const r = activeOrder(change.order);
        if (r.product.material < 0 || r.product.material < r.at)
          fail(`order "${change.order}" has no material still to come`);
        setOrder(change.order, { eta: Date.parse(change.eta) });
        break;
      }
      case 'priority':
        activeOrder(change.order);
        setOrder(change.order, { priority: change.priority });
        break;
      case 'due-date':
        activeOrder(change.order);
        setOrder(change.order, { dueAt: Date.parse(change.dueAt) });
        break;
      case 'rush-order': {
        if (orders.has(change.order)) fail(`order "${change.order}" is already in the snapshot`);
        if (change.product !== undefined && !model.products.some((p) => p.id === change.product))
          fail(`product "${change.product}" is not in model ${model.name}`);
        orders.set(change.order, {
          orderId: change.order,
          acceptedAt: asOf,
          updatedAt: asOf,
          dueAt: Date.parse(change.dueAt),
          ...(change.product !== undefined && { product: change.product }),
          ...(change.priority !== undefined && { priority: change.priority }),
        });
        break;
      }
      case 'units': {
        const units = knownStation(change.station);
        const from = change.from === undefined ? asOf : Date.parse(change.from);
        const to = change.to === undefined ? LATEST_TIME_MS : Date.parse(change.to);
        const window = from > asOf || to < LATEST_TIME_MS;
        const out = (unit: number, a: number, b: number) => {
          if (b > a)
            maintenance.push({
              maintenanceId: `${variant.name}#${++generated}`,
              station: change.station,
              unit,
              from: a,
              to: b,
            });
        };
        if (change.add > 0) {
          // The new units work from `from` to `to` only.
          for (let u = units + 1; u <= units + change.add; u++) {
            out(u, asOf, from);
            out(u, to, LATEST_TIME_MS);
          }
          setCapacity(edit(), change.station, units + change.add);
          capacity.set(change.station, units + change.add);
        } else if (!window) {
          if (-change.add >= units)
            fail(
              `station "${change.station}" has ${units} unit${units === 1 ? '' : 's'}: it cannot lose ${-change.add} for good (give "to")`,
            );
          setCapacity(edit(), change.station, units + change.add);
          capacity.set(change.station, units + change.add);
        } else {
          // The last units (the first are those that orders in progress hold) stop from `from` to `to`.
          if (-change.add > units)
            fail(
              `station "${change.station}" has ${units} unit${units === 1 ? '' : 's'}, not ${-change.add} to take away`,
            );
          for (let u = units; u > units + change.add; u--) out(u, from, to);
        }
        break;
      }
      case 'queue-rule':
        knownStation(change.station);
        edit().stations.find((s) => s.id === change.station)!.queueRule = change.rule;
        break;
      case 'duration': {
        if (change.product !== undefined && !model.products.some((p) => p.id === change.product))
          fail(`product "${change.product}" is not in model ${model.name}`);
        let found = 0;
        for (const product of edit().products) {
          if (change.product !== undefined && product.id !== change.product) continue;
          for (const step of product.routing) {
            if (step.step !== change.step || step.kind !== 'operation') continue;
            step.duration = change.duration;
            found++;
          }
        }
        if (found === 0)
          fail(
            `step "${change.step}" is not an operation of ${change.product === undefined ? `any product of model ${model.name}` : `product ${change.product}`}`,
          );
        break;
      }
      case 'hold': {
        const r = activeOrder(change.order);
        if (r.position.kind === 'operation')
          fail(
            `order "${change.order}" is in an operation at station ${r.position.station}: only a waiting order can be held`,
          );
        if (r.position.kind === 'completed') fail(`order "${change.order}" has completed its routing`);
        holds ??= new Map();
        holds.set(change.order, Date.parse(change.until));
        break;
      }
      case 'maintenance': {
        const units = knownStation(change.station);
        if (change.unit !== undefined && change.unit > units)
          fail(
            `station "${change.station}" has ${units} unit${units === 1 ? '' : 's'}, no unit ${change.unit}`,
          );
        const window: PlannedMaintenance = {
          maintenanceId: change.maintenanceId,
          station: change.station,
          ...(change.unit !== undefined && { unit: change.unit }),
          from: Date.parse(change.from),
          to: Date.parse(change.to),
        };
        maintenance = maintenance.filter((m) => m.maintenanceId !== change.maintenanceId);
        maintenance.push(window);
        break;
      }
      case 'cancel-maintenance':
        if (!maintenance.some((m) => m.maintenanceId === change.maintenanceId))
          fail(`maintenance "${change.maintenanceId}" is not planned in the snapshot`);
        maintenance = maintenance.filter((m) => m.maintenanceId !== change.maintenanceId);
        break;
      default:
        unreachable(change);
    }
  });
  const applied: Snapshot = { ...snapshot, orders: [...orders.values()] };
  if (maintenance.length > 0 || snapshot.maintenance !== undefined) applied.maintenance = maintenance;
  return { snapshot: applied, model: changed ?? model, holds };
}

/** Sets a station's capacity in a model (a number, even where the file named a parameter). */
function setCapacity(model: PlantModel, station: string, units: number): void {
  model.stations.find((s) => s.id === station)!.capacity = units;
}

function unreachable(change: never): never {
  throw new VariantError(`unknown change ${JSON.stringify(change as Change)}`);
}
