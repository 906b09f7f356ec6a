// The warehouse twin as the scenario runner sees it: its model and scenario files, its KPIs, one
// replication of a scenario, its sensitivity cases, its bottleneck experiments and its assumptions.
import type { DistributionSpec } from '../../sim-core/random/Random.ts';
import type { KpiSpec, Scenario, ScenarioTwin } from '../scenarios/ScenarioTwin.ts';
import { flowsOf, parseWarehouseModel, WAREHOUSE_KIND, type WarehouseModel } from './model.ts';
import {
  applyWarehouseChanges,
  parseWarehouseScenarios,
  type WarehouseChanges,
  warehouseBottleneckCandidates,
  warehouseSensitivity,
} from './scenarios.ts';
import { simulateWarehouse } from './simulate.ts';

export type { WarehouseFlow, WarehouseModel, WarehouseStage, WarehouseStation } from './model.ts';
export { parseWarehouseModel, WAREHOUSE_KIND, WarehouseModelSchema } from './model.ts';
export type { WarehouseChanges } from './scenarios.ts';
export { applyWarehouseChanges, parseWarehouseScenarios, WarehouseChangesSchema } from './scenarios.ts';
export { queueTimeKey, simulateWarehouse, utilisationKey } from './simulate.ts';

/**
 * The warehouse's KPIs. Besides these, each replication reports `queue-time:<stage>` (mean minutes a
 * task waited for a unit at that stage) and `utilisation:<station>` (% of its unit-time busy over the day).
 */
export const WAREHOUSE_KPIS: readonly KpiSpec[] = [
  { key: 'meanCycleTime', label: 'Mean order cycle time', unit: 'min', better: 'lower', main: true },
  { key: 'throughputPerHour', label: 'Throughput', unit: 'orders/h', better: 'higher', main: true },
  {
    key: 'ordersCompleted',
    label: 'Orders completed in the day',
    unit: 'orders',
    better: 'higher',
    main: true,
  },
  { key: 'p90CycleTime', label: '90th percentile of order cycle time', unit: 'min', better: 'lower' },
  { key: 'meanQueueTime', label: 'Mean queue time of an order', unit: 'min', better: 'lower' },
  { key: 'backlog', label: 'Orders open at the end of the day', unit: 'orders', better: 'lower' },
  {
    key: 'shipmentsPutAway',
    label: 'Inbound shipments put away in the day',
    unit: 'shipments',
    better: 'higher',
  },
  { key: 'meanDockToStock', label: 'Mean dock-to-stock time', unit: 'min', better: 'lower' },
];

export const warehouseTwin: ScenarioTwin<WarehouseModel, WarehouseChanges> = {
  kind: WAREHOUSE_KIND,
  parseModel: parseWarehouseModel,
  parseScenarios: parseWarehouseScenarios,
  kpis: WAREHOUSE_KPIS,
  defaultObjective: ['meanCycleTime', 'throughputPerHour'],
  run(model, scenario: Scenario<WarehouseChanges> | undefined, seed, replication) {
    const changed = scenario === undefined ? model : applyWarehouseChanges(model, scenario.changes);
    return simulateWarehouse(changed, seed, replication);
  },
  sensitivity: warehouseSensitivity,
  bottleneckCandidates: warehouseBottleneckCandidates,
  assumptions: warehouseAssumptions,
};

/** The model's assumptions in plain sentences. */
export function warehouseAssumptions(model: WarehouseModel): string[] {
  const lines = [
    `Times are in minutes; one run is a day of ${model.horizonHours} h${model.warmupHours > 0 ? `, of which the first ${model.warmupHours} h are a warm-up whose arrivals are not counted` : ''}. Arrivals stop at the end of the day and the work in hand is then finished, so every counted order has a cycle time.`,
    `Stations: ${model.stations.map((s) => `${s.label ?? s.id} (${s.units} unit${s.units === 1 ? '' : 's'})`).join(', ')}. A task takes the first free unit of its station; tasks queue first come, first served.`,
  ];
  for (const { role, flow } of flowsOf(model)) {
    const what = role === 'orders' ? 'Customer orders' : 'Inbound shipments';
    const unit = role === 'orders' ? 'items' : 'pallets';
    lines.push(
      `${what} arrive as a Poisson process, ${flow.arrivalsPerHour} an hour on average, with ${flow.items.min} to ${flow.items.max} ${unit} each (uniform).`,
      ...flow.stages.map(
        (s) =>
          `${what}: ${s.name} at ${s.station}, ${describe(s.time)} min ${s.per === 'item' ? `per ${unit.slice(0, -1)}` : `per ${role === 'orders' ? 'order' : 'shipment'}`}${s.split ? `, each ${unit.slice(0, -1)} a task of its own for any free unit` : ''}.`,
      ),
    );
  }
  lines.push(
    'Throughput and completions count what finished between the warm-up and the end of the day; utilisation is the busy share of each station over that time.',
    'Scenarios are compared on common random numbers: the same order brings the same items and the same task times in every scenario.',
  );
  return lines;
}

function describe(spec: DistributionSpec): string {
  if (typeof spec === 'number') return `${spec}`;
  switch (spec.dist) {
    case 'deterministic':
      return `${spec.value}`;
    case 'uniform':
      return `uniform ${spec.min}–${spec.max}`;
    case 'triangular':
      return `triangular ${spec.min}/${spec.mode}/${spec.max}`;
    case 'exponential':
      return `exponential, mean ${spec.mean}`;
    case 'normal':
      return `normal, mean ${spec.mean}, sd ${spec.sd}`;
    case 'lognormal':
      return `lognormal, mean ${spec.mean}, sd ${spec.sd}`;
    case 'empirical':
      return `one of ${spec.values.join(', ')}`;
  }
}
