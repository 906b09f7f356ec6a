// The warehouse's scenario files: each scenario changes the model as data (units of a station, the
// arrival rates, a stage's times), checked against the model so that a station or stage it lacks is
// refused by name. Also the twin's own scenarios: sensitivity cases and one more unit of each station.
import * as z from 'zod';
import { scaleDistribution } from '../../sim-core/random/Random.ts';
import { type Scenario, ScenarioError } from '../scenarios/ScenarioTwin.ts';
import { flowsOf, jsonPath, WAREHOUSE_KIND, type WarehouseModel } from './model.ts';

const Factor = z
  .number()
  .refine(Number.isFinite, 'must be a finite number')
  .refine((x) => x > 0 && x <= 1000, 'must be a factor > 0 and at most 1000');

/** What a scenario changes; every part is optional, and they apply in this order. */
export const WarehouseChangesSchema = z
  .object({
    /** A station's units, set. */
    units: z
      .record(z.string(), z.number().int('must be a whole number').min(1, 'must be at least 1'))
      .optional(),
    /** Units added to a station (negative: taken away); at least one unit must remain. */
    addUnits: z.record(z.string(), z.number().int('must be a whole number')).optional(),
    /** The customer orders' arrival rate, multiplied. */
    orderRate: Factor.optional(),
    /** The inbound shipments' arrival rate, multiplied. */
    inboundRate: Factor.optional(),
    /** A stage's times (every draw), multiplied. */
    stageTime: z.record(z.string(), Factor).optional(),
  })
  .strict();

export type WarehouseChanges = z.infer<typeof WarehouseChangesSchema>;

const ScenarioSchema = z
  .object({
    name: z.string().min(1, 'must be a name').max(100, 'must be a name of at most 100 characters'),
    description: z.string().optional(),
    changes: WarehouseChangesSchema.default({}),
  })
  .strict();

const ScenarioFileSchema = z.union([
  z.array(ScenarioSchema),
  z.object({ kind: z.string().optional(), scenarios: z.array(ScenarioSchema) }).strict(),
]);

/** Parses a scenario file (`{ "kind": "warehouse", "scenarios": [...] }` or the bare list) against `model`. */
export function parseWarehouseScenarios(json: unknown, model: WarehouseModel): Scenario<WarehouseChanges>[] {
  if (
    typeof json === 'object' &&
    json !== null &&
    !Array.isArray(json) &&
    'kind' in json &&
    (json as { kind: unknown }).kind !== WAREHOUSE_KIND
  ) {
    throw new ScenarioError(
      `kind: the scenarios are for "${String((json as { kind: unknown }).kind)}", the model is a "${WAREHOUSE_KIND}"`,
    );
  }
  const result = ScenarioFileSchema.safeParse(json);
  if (!result.success) {
    // The union's own message says little: the object form's issue says where.
    const meant = Array.isArray(json) ? z.array(ScenarioSchema) : ScenarioFileSchema.options[1];
    const issue = (meant.safeParse(json).error ?? result.error).issues[0]!;
    throw new ScenarioError(
      `${issue.path.length === 0 ? 'scenarios' : jsonPath(issue.path)}: ${issue.message}`,
    );
  }
  const list = Array.isArray(result.data) ? result.data : result.data.scenarios;
  const prefix = Array.isArray(result.data) ? '' : 'scenarios';
  const names = new Set<string>();
  return list.map((scenario, i) => {
    const at = `${prefix}[${i}]`;
    if (names.has(scenario.name))
      throw new ScenarioError(`${at}.name: scenario "${scenario.name}" is named twice`);
    names.add(scenario.name);
    // Applying checks every name and the units left.
    applyWarehouseChanges(model, scenario.changes, `${at}.changes`);
    return {
      name: scenario.name,
      ...(scenario.description !== undefined && { description: scenario.description }),
      changes: scenario.changes,
    };
  });
}

/** The model as `changes` make it (a copy); a station or stage the model lacks is a ScenarioError at `where`. */
export function applyWarehouseChanges(
  model: WarehouseModel,
  changes: WarehouseChanges,
  where = 'changes',
): WarehouseModel {
  const stationIds = model.stations.map((s) => s.id);
  const stageNames = flowsOf(model).flatMap(({ flow }) => flow.stages.map((s) => s.name));
  const known = (names: string[], name: string, what: string, field: string): void => {
    if (!names.includes(name))
      throw new ScenarioError(
        `${where}.${field}: unknown ${what} "${name}" (the model's: ${names.join(', ')})`,
      );
  };
  const stations = model.stations.map((s) => ({ ...s }));
  for (const [id, units] of Object.entries(changes.units ?? {})) {
    known(stationIds, id, 'station', 'units');
    stations.find((s) => s.id === id)!.units = units;
  }
  for (const [id, add] of Object.entries(changes.addUnits ?? {})) {
    known(stationIds, id, 'station', 'addUnits');
    const station = stations.find((s) => s.id === id)!;
    if (station.units + add < 1) {
      throw new ScenarioError(
        `${where}.addUnits.${id}: leaves ${station.units + add} units (the station has ${station.units}); at least 1 must remain`,
      );
    }
    station.units += add;
  }
  const stageTime = changes.stageTime ?? {};
  for (const name of Object.keys(stageTime)) known(stageNames, name, 'stage', 'stageTime');
  const flow = (f: WarehouseModel['orders'], rate: number | undefined) => ({
    ...f,
    arrivalsPerHour: f.arrivalsPerHour * (rate ?? 1),
    stages: f.stages.map((s) =>
      stageTime[s.name] === undefined ? s : { ...s, time: scaleDistribution(s.time, stageTime[s.name]!) },
    ),
  });
  if (changes.inboundRate !== undefined && model.inbound === undefined)
    throw new ScenarioError(`${where}.inboundRate: the model has no inbound flow`);
  return {
    ...model,
    stations,
    orders: flow(model.orders, changes.orderRate),
    ...(model.inbound !== undefined && { inbound: flow(model.inbound, changes.inboundRate) }),
  };
}

/** Demand 20 % lower and higher, and each station with more than one unit one unit down. */
export function warehouseSensitivity(model: WarehouseModel): Scenario<WarehouseChanges>[] {
  return [
    {
      name: 'demand −20 %',
      description: 'customer orders arrive 20 % less often',
      changes: { orderRate: 0.8 },
    },
    {
      name: 'demand +20 %',
      description: 'customer orders arrive 20 % more often',
      changes: { orderRate: 1.2 },
    },
    ...model.stations
      .filter((s) => s.units > 1)
      .map((s) => ({
        name: `${s.label ?? s.id} one unit down`,
        description: `${s.units - 1} units of ${s.label ?? s.id} instead of ${s.units}`,
        changes: { addUnits: { [s.id]: -1 } },
      })),
  ];
}

/** One more unit of each station, as a scenario of its own. */
export function warehouseBottleneckCandidates(
  model: WarehouseModel,
): { resource: string; scenario: Scenario<WarehouseChanges> }[] {
  return model.stations.map((s) => ({
    resource: s.id,
    scenario: {
      name: `one more unit of ${s.label ?? s.id}`,
      changes: { addUnits: { [s.id]: 1 } },
    },
  }));
}
