// The product-delivery twin as the scenario runner hosts it (ScenarioTwin): its model and scenario
// files, its KPIs, one replication on common random numbers, sensitivity and bottleneck experiments.
import {
  type KpiSpec,
  type Replication,
  type Scenario,
  ScenarioError,
  type ScenarioTwin,
} from '../scenarios/ScenarioTwin.ts';
import { type DeliveryChanges, parseChanges, resolveRun } from './changes.ts';
import { type DeliveryKpis, DeliverySimulation } from './DeliverySimulation.ts';
import { type DeliveryModel, parseDeliveryModel } from './model.ts';

export type { DeliveryChanges, DemandRule, RunCenter, RunSetup } from './changes.ts';
export { DeliveryChangesSchema, parseChanges, resolveRun } from './changes.ts';
export type {
  CenterState,
  CenterSummary,
  DeliveryCosts,
  DeliveryKpis,
  DeliveryOrder,
  RateChange,
} from './DeliverySimulation.ts';
export { DeliverySimulation } from './DeliverySimulation.ts';
export { EARTH_RADIUS_KM, haversineKm, type LatLon, nearestIndex } from './geo.ts';
export type { Center, DeliveryModel, Distributor, Policy, Weekday } from './model.ts';
export { DeliveryModelSchema, MAX_RATE, PolicySchema, parseDeliveryModel, WEEKDAYS } from './model.ts';

/** One more machine at a center, for the bottleneck experiments: units an hour it adds. */
export const EXTRA_MACHINE_RATE = 50;

/** The KPIs of a product-delivery run, in the order the report lists them. */
export const DELIVERY_KPIS = [
  {
    key: 'overLimitShare',
    label: 'Orders over the hard limit (48 h)',
    unit: '%',
    better: 'lower',
    main: true,
  },
  {
    key: 'withinTargetShare',
    label: 'Orders within the target (24 h)',
    unit: '%',
    better: 'higher',
    main: true,
  },
  { key: 'meanFulfilmentHours', label: 'Mean fulfilment time', unit: 'h', better: 'lower', main: true },
  { key: 'stockouts', label: 'Stockouts (orders that waited)', unit: 'orders', better: 'lower' },
  { key: 'meanInventory', label: 'Mean inventory, all centers', unit: 'units', better: 'lower' },
  { key: 'rateChanges', label: 'Rate changes', unit: 'changes', better: 'lower' },
  { key: 'meanDailyCost', label: 'Mean daily cost', unit: '$/day', better: 'lower', main: true },
  { key: 'holdingCostPerDay', label: 'Holding cost', unit: '$/day', better: 'lower' },
] as const satisfies readonly KpiSpec[];

/** Runs one replication of a scenario to its horizon: the simulation, with every figure of the run. */
export function simulateDelivery(
  model: DeliveryModel,
  changes: DeliveryChanges | undefined,
  seed: number,
  replication = 0,
): DeliverySimulation {
  return new DeliverySimulation(resolveRun(model, changes), seed, replication).run();
}

/** The detail KPI of a center's mean inventory (units), beside the network's. */
export const centerInventoryKey = (center: string): string => `meanInventory:${center}`;

function replicationOf(sim: DeliverySimulation): Replication {
  const k: DeliveryKpis = sim.kpis();
  const kpis: Record<string, number> = {};
  for (const spec of DELIVERY_KPIS) kpis[spec.key] = k[spec.key];
  // Each open center's mean inventory, as a detail of the report (a closed one has none: "–").
  for (const c of sim.centerSummaries()) kpis[centerInventoryKey(c.name)] = c.meanInventory;
  return { kpis, events: sim.env.eventsProcessed };
}

/** The product-delivery twin for `twin scenarios`. */
export const deliveryTwin: ScenarioTwin<DeliveryModel, DeliveryChanges> = {
  kind: 'product-delivery',
  parseModel: parseDeliveryModel,
  parseScenarios(json, model) {
    const list = Array.isArray(json)
      ? json
      : typeof json === 'object' &&
          json !== null &&
          Array.isArray((json as { scenarios?: unknown }).scenarios)
        ? (json as { scenarios: unknown[] }).scenarios
        : undefined;
    if (list === undefined) {
      throw new ScenarioError('scenarios: must be a list of scenarios, or { "scenarios": [...] }');
    }
    if (list.length === 0) throw new ScenarioError('scenarios: must list at least one scenario');
    const names = new Set<string>();
    return list.map((raw, i): Scenario<DeliveryChanges> => {
      const where = `scenarios[${i}]`;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw new ScenarioError(`${where}: must be an object with a name and changes`);
      }
      const { name, description, changes, ...rest } = raw as Record<string, unknown>;
      const extra = Object.keys(rest)[0];
      if (extra !== undefined) {
        throw new ScenarioError(
          `${where}.${extra}: unknown field (a scenario has name, description, changes)`,
        );
      }
      if (typeof name !== 'string' || name.length === 0) {
        throw new ScenarioError(`${where}.name: must be a non-empty string`);
      }
      if (names.has(name)) throw new ScenarioError(`${where}.name: "${name}" is named twice`);
      names.add(name);
      if (description !== undefined && typeof description !== 'string') {
        throw new ScenarioError(`${where}.description: must be a string`);
      }
      return {
        name,
        ...(description === undefined ? {} : { description }),
        changes: parseChanges(changes, model, `${where}.changes`),
      };
    });
  },
  kpis: DELIVERY_KPIS,
  defaultObjective: ['overLimitShare', 'meanDailyCost'],
  run(model, scenario, seed, replication) {
    return replicationOf(simulateDelivery(model, scenario?.changes, seed, replication));
  },
  sensitivity(model) {
    return [
      { name: 'demand -20 %', description: 'Every order 20 % smaller', changes: { demand: 0.8 } },
      { name: 'demand +20 %', description: 'Every order 20 % larger', changes: { demand: 1.2 } },
      ...(model.centers.length > 1
        ? model.centers.map((c) => ({
            name: `${c.name} down`,
            description: `${c.name} closed: its distributors order from the next nearest center`,
            changes: { down: [c.name] },
          }))
        : []),
      ...model.centers.map((c) => ({
        name: `${c.name} rate capped at half`,
        description: `${c.name}'s machines make at most ${c.initialRate / 2} units an hour`,
        changes: { rateCap: { [c.name]: c.initialRate / 2 } },
      })),
    ];
  },
  bottleneckCandidates(model) {
    return model.centers.map((c) => ({
      resource: c.name,
      scenario: {
        name: `${c.name} +${EXTRA_MACHINE_RATE} units/h`,
        description: `One more machine at ${c.name}, always on at ${EXTRA_MACHINE_RATE} units an hour`,
        changes: { extraRate: { [c.name]: EXTRA_MACHINE_RATE } },
      },
    }));
  },
  assumptions(model) {
    const { costs, targets } = model;
    return [
      `The run starts on a Monday at 00:00 and lasts ${model.weeks} weeks; time is simulated in hours.`,
      `Every distributor decides whether to order at ${model.orderCheckHours.map((h) => `${h}:00`).join(', ')} each day, with its probability for that weekday; an order's size is normal (mean ${model.orderSize.mean}, sd ${model.orderSize.sd}), rounded, at least ${model.orderSize.min} (a distributor may have its own).`,
      'A demand multiplier scales the size of every order on the days it applies to, not the number of orders.',
      'Each order goes to the nearest center that is up, by great-circle (haversine) distance.',
      'An order ships at once if the center has its units on hand; otherwise it takes what is there and waits, first come first served; every unit made then goes to the first waiting order, which ships complete.',
      'Production is continuous at the current rate (0–200 units an hour); a full store pauses it: nothing is made beyond capacity.',
      `A requested rate takes effect after an exponential delay (mean ${model.rateChangeDelayHours} h); a request while one is pending replaces its target.`,
      `Policies look at their centers every ${model.reviewHours} h and ask for a new rate only when it differs from the current target by at least ${model.deadband} units an hour.`,
      `Costs: holding ${costs.holdingPerUnitHour} per unit-hour on hand, machines ${costs.machinePerHour} an hour per center that is up, ${costs.perRateChange} per rate change that takes effect.`,
      `An order still waiting at the end counts with its wait so far and never within the ${targets.withinHours} h target; the hard limit is ${targets.limitHours} h.`,
      'A center that is down is closed for the whole run: no orders, no production, no cost.',
      'During a machine outage a center makes nothing but keeps its orders and its costs.',
    ];
  },
};
