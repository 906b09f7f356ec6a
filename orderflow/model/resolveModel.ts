// A plant model with its parameters resolved (the file's values, and a run's overrides, checked as
// the file's are): every station's capacity and queue rule, every step's distribution, in one place.
import { type ParameterValue, ParameterValueSchema } from '../../sim-core/blocks/distributions.ts';
import { ModelError } from '../../sim-core/kernel/errors.ts';
import { KeyedStreams } from '../../sim-core/random/KeyedStreams.ts';
import { type DistributionSpec, type Random, type Sampler, sampler } from '../../sim-core/random/Random.ts';
import type { Seed } from '../../sim-core/random/seeds.ts';
import { type DayShifts, ShiftCalendar, WEEKDAYS, wallMinutes } from '../shifts.ts';
import type { ModelSummary, Position } from '../types.ts';
import { modelHash } from './modelHash.ts';
import { type Interruption, type PlantModel, QUEUE_RULES, type QueueRule, TIME_UNITS } from './plantModel.ts';

export interface ResolvedStation {
  id: string;
  name: string;
  /** Position in the model's list of stations. */
  index: number;
  capacity: number;
  queueRule: QueueRule;
  /** How its units break down (in the model's time unit), if the model says. */
  failures: { timeBetweenFailures: DistributionSpec; timeToRepair: DistributionSpec } | undefined;
  interruption: Interruption;
  /** Its shift calendar, if it has one, and whether an operation starts only if it fits before the shift ends. */
  shifts: { calendar: ShiftCalendar; startOnlyIfFinishes: boolean } | undefined;
}

export interface ResolvedStep {
  step: string;
  kind: 'material' | 'operation';
  /** Position in its routing. */
  index: number;
  /** Operations: the station whose unit the order holds. */
  station: ResolvedStation | undefined;
  /** Lead time (material) or duration (operation), in the model's time unit. */
  duration: DistributionSpec;
  /** Where in the file the duration is (for messages). */
  path: string;
  /** Operations: where an order stands while it waits for the operation, and while in it (shared values). */
  queued: Position | undefined;
  working: Position | undefined;
}

export interface ResolvedProduct {
  id: string;
  index: number;
  routing: readonly ResolvedStep[];
  /** Routing position by step name (own entries only: a step named "constructor" is a step). */
  stepIndex: ReadonlyMap<string, number>;
  /** Position of the material step, or -1. */
  material: number;
  /** Position of the first operation, or -1. */
  firstOperation: number;
}

export interface ResolvedModel {
  model: PlantModel;
  /** The file's parameters with the run's overrides. */
  parameters: Readonly<Record<string, ParameterValue>>;
  /** Length of the model's time unit in ms. */
  unitMs: number;
  stations: readonly ResolvedStation[];
  products: readonly ResolvedProduct[];
  productById: ReadonlyMap<string, ResolvedProduct>;
  defaultProduct: ResolvedProduct;
  etaSlip: DistributionSpec | undefined;
  summary: ModelSummary;
}

/**
 * Resolves `model`'s parameters, with `overrides` (checked as the file's values are: a parameter
 * the model lacks, or a value of the wrong kind, is a ModelError that says so).
 */
export function resolveModel(
  model: PlantModel,
  overrides: Readonly<Record<string, unknown>> = {},
): ResolvedModel {
  for (const [name, value] of Object.entries(overrides)) {
    // Own entries only: "constructor" or "__proto__" name no parameter of any model.
    if (!Object.hasOwn(model.parameters, name)) {
      throw new ModelError(`model "${model.name}" has no parameter "${name}"`);
    }
    checkOverride(name, value);
  }
  const parameters: Record<string, ParameterValue> = {
    ...model.parameters,
    ...(overrides as Record<string, ParameterValue>),
  };
  // A value's parameter, if it names one, and the value it has in this run.
  const resolve = (value: unknown, path: string): { value: unknown; param: string | undefined } => {
    if (typeof value === 'object' && value !== null && 'param' in value) {
      const name = (value as { param: string }).param;
      if (!Object.hasOwn(parameters, name)) throw new ModelError(`${path}: unknown parameter "${name}"`);
      return { value: parameters[name], param: name };
    }
    return { value, param: undefined };
  };
  // A wrong value: an override's is named first (the file is right), a file's by its path.
  const fail = (path: string, what: string, param: string | undefined, problem: string): never => {
    if (param !== undefined && Object.hasOwn(overrides, param)) {
      throw new ModelError(`parameter "${param}" ${problem} (it is ${what}, ${path})`);
    }
    throw new ModelError(`${path}: ${param === undefined ? problem : `parameter "${param}" ${problem}`}`);
  };
  const unitMs = TIME_UNITS[model.timeUnit];

  /** The parameters that give a time (a distribution in the model's time unit). */
  const timeParameters = new Set<string>();
  const distribution = (value: unknown, path: string, what: string): DistributionSpec => {
    const resolved = resolve(value, path);
    if (resolved.param !== undefined) timeParameters.add(resolved.param);
    if (typeof resolved.value === 'string') {
      fail(path, what, resolved.param, `must be a distribution, got "${resolved.value}"`);
    }
    const spec = resolved.value as DistributionSpec;
    try {
      sampler(spec, NO_RANDOM);
    } catch (error) {
      if (error instanceof ModelError) fail(path, what, resolved.param, `is wrong: ${error.message}`);
      throw error;
    }
    return spec;
  };

  const stations = model.stations.map((s, index): ResolvedStation => {
    const path = `model.stations[${index}]`;
    const capacity = resolve(s.capacity, `${path}.capacity`);
    if (typeof capacity.value !== 'number' || !Number.isInteger(capacity.value) || capacity.value < 1) {
      fail(
        `${path}.capacity`,
        `the capacity of station ${s.id}`,
        capacity.param,
        `must be a whole number >= 1, got ${JSON.stringify(capacity.value)}`,
      );
    }
    const rule = resolve(s.queueRule, `${path}.queueRule`);
    if (typeof rule.value !== 'string' || !(QUEUE_RULES as readonly string[]).includes(rule.value)) {
      fail(
        `${path}.queueRule`,
        `the queue rule of station ${s.id}`,
        rule.param,
        `must name a queue rule (${QUEUE_RULES.join(', ')}), got ${JSON.stringify(rule.value)}`,
      );
    }
    const failures = s.failures;
    return {
      id: s.id,
      name: s.name ?? s.id,
      index,
      capacity: capacity.value as number,
      queueRule: rule.value as QueueRule,
      failures:
        failures === undefined
          ? undefined
          : {
              timeBetweenFailures: distribution(
                failures.timeBetweenFailures,
                `${path}.failures.timeBetweenFailures`,
                `the time between failures of station ${s.id}`,
              ),
              timeToRepair: distribution(
                failures.timeToRepair,
                `${path}.failures.timeToRepair`,
                `the time to repair of station ${s.id}`,
              ),
            },
      interruption: s.interruption,
      shifts:
        s.shifts === undefined
          ? undefined
          : {
              calendar: new ShiftCalendar(
                WEEKDAYS.map((d) => dayShifts(s.shifts![d] ?? [])),
                new Map(Object.entries(s.shifts.exceptions).map(([date, day]) => [date, dayShifts(day)])),
                model.timeZone,
              ),
              startOnlyIfFinishes: s.shifts.startOnlyIfFinishes,
            },
    };
  });
  const stationById = new Map(stations.map((s) => [s.id, s]));

  const products = model.products.map((p, index): ResolvedProduct => {
    const routing = p.routing.map((s, i): ResolvedStep => {
      const path = `model.products[${index}].routing[${i}].${s.kind === 'material' ? 'leadTime' : 'duration'}`;
      return s.kind === 'material'
        ? {
            step: s.step,
            kind: 'material',
            index: i,
            station: undefined,
            duration: distribution(s.leadTime, path, `the lead time of step ${s.step} of product ${p.id}`),
            path,
            queued: undefined,
            working: undefined,
          }
        : {
            step: s.step,
            kind: 'operation',
            index: i,
            station: stationById.get(s.station)!,
            duration: distribution(s.duration, path, `the duration of step ${s.step} of product ${p.id}`),
            path,
            queued: Object.freeze({ kind: 'queue', step: s.step, station: s.station }),
            working: Object.freeze({ kind: 'operation', step: s.step, station: s.station }),
          };
    });
    return {
      id: p.id,
      index,
      routing,
      stepIndex: new Map(routing.map((s) => [s.step, s.index])),
      material: routing.findIndex((s) => s.kind === 'material'),
      firstOperation: routing.findIndex((s) => s.kind === 'operation'),
    };
  });
  checkRestarts(stations, products, model.timeUnit);
  const productById = new Map(products.map((p) => [p.id, p]));
  const etaSlip =
    model.etaSlip === undefined ? undefined : distribution(model.etaSlip, 'model.etaSlip', 'the ETA slip');

  const summary: ModelSummary = {
    name: model.name,
    // Worked out when first read (it loads node:crypto, some 5 ms of a command line that may not show it).
    get hash() {
      return modelHash(model);
    },
    parameters: { ...parameters },
    timeParameters: Object.keys(parameters).filter((name) => timeParameters.has(name)),
    timeUnit: model.timeUnit,
    stations: stations.map((s) => ({ id: s.id, name: s.name, capacity: s.capacity, queueRule: s.queueRule })),
    products: products.map((p) => ({
      id: p.id,
      routing: p.routing.map((s) =>
        s.station === undefined
          ? { step: s.step, kind: s.kind }
          : { step: s.step, kind: s.kind, station: s.station.id },
      ),
    })),
    defaultProduct: (model.defaultProduct === undefined
      ? products[0]!
      : productById.get(model.defaultProduct)!
    ).id,
  };
  return {
    model,
    parameters,
    unitMs,
    stations,
    products,
    productById,
    defaultProduct: productById.get(summary.defaultProduct)!,
    etaSlip,
    summary,
  };
}

/** A parameter override from outside (a command line, a Lambda's environment), checked as the file's values are. */
function checkOverride(name: string, value: unknown): void {
  const checked = ParameterValueSchema.safeParse(value);
  if (checked.success) return;
  const issue = checked.error.issues[0]!;
  // A distribution with a bad field names the field; anything else says what a parameter may be.
  if (issue.path.length > 0) {
    const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new ModelError(`parameter "${name}"${at}: ${issue.message}, got ${JSON.stringify(value)}`);
  }
  throw new ModelError(
    `parameter "${name}" must be a number >= 0, a distribution (such as {"dist":"uniform","min":…,"max":…}) or a name, got ${JSON.stringify(value)} (every number at most 1e15)`,
  );
}

/**
 * Refuses a station whose operations restart after a failure when no time between failures is as
 * long as the shortest one of them: such an operation would start over for ever.
 */
function checkRestarts(
  stations: readonly ResolvedStation[],
  products: readonly ResolvedProduct[],
  unit: string,
): void {
  for (const station of stations) {
    if (station.interruption !== 'restart' || station.failures === undefined) continue;
    const between = sampler(station.failures.timeBetweenFailures, NO_RANDOM);
    for (const product of products) {
      for (const step of product.routing) {
        if (step.station !== station) continue;
        const shortest = lowerBound(step.duration);
        if (shortest > 0 && between.mean < shortest && between.meanAbove(shortest) === undefined) {
          throw new ModelError(
            `${step.path}: step ${step.step} of product ${product.id} takes at least ${shortest} ${unit} at station ${station.id}, whose every time between failures is shorter, with interruption "restart": it would never finish (use "resume", or failures that leave it time)`,
          );
        }
      }
    }
  }
}

/** The least a distribution can draw. */
function lowerBound(spec: DistributionSpec): number {
  if (typeof spec === 'number') return spec;
  switch (spec.dist) {
    case 'deterministic':
      return spec.value;
    case 'uniform':
    case 'triangular':
      return spec.min;
    case 'empirical':
      return Math.min(...spec.values.filter((_, i) => (spec.weights?.[i] ?? 1) > 0));
    default:
      return 0;
  }
}

function dayShifts(day: readonly (readonly [string, string])[]): DayShifts {
  return day.map(([start, end]) => [wallMinutes(start), wallMinutes(end)] as const);
}

/** Checking a spec draws nothing. */
const NO_RANDOM = { next: () => 0 } as unknown as Random;

/** Draws of a resolved model's times, in ms: one sampler per product and routing step, and the ETA slip. */
export interface ModelSamplers {
  /** steps[product.index][step.index] */
  steps: Sampler[][];
  etaSlip: Sampler | undefined;
  /** By station index: its units' time between failures and time to repair, if the model has them. */
  failures: ({ timeBetweenFailures: Sampler; timeToRepair: Sampler } | undefined)[];
  /**
   * Common random numbers (Monte Carlo replications): the samplers draw from `streams.random`, and
   * each draw on behalf of an order's step, a station's unit, selects its own stream first.
   */
  streams?: KeyedStreams;
}

/**
 * The samplers of `resolved`, drawing from `random` (or their means, when `deterministic`), in ms:
 * the model's time unit applied to draws, means and conditional means alike.
 */
export function modelSamplers(
  resolved: ResolvedModel,
  random: Random,
  deterministic: boolean,
): ModelSamplers {
  const inMs = (spec: DistributionSpec): Sampler =>
    scaled(sampler(spec, random, deterministic), resolved.unitMs);
  return {
    steps: resolved.products.map((p) => p.routing.map((s) => inMs(s.duration))),
    etaSlip: resolved.etaSlip === undefined ? undefined : inMs(resolved.etaSlip),
    failures: resolved.stations.map((s) =>
      s.failures === undefined
        ? undefined
        : {
            timeBetweenFailures: inMs(s.failures.timeBetweenFailures),
            timeToRepair: inMs(s.failures.timeToRepair),
          },
    ),
  };
}

/**
 * The samplers of a Monte Carlo replication with `seed`, on common random numbers: an order's step
 * draws the same numbers in every run with that seed, whatever else the run holds (see KeyedStreams).
 */
export function replicationSamplers(resolved: ResolvedModel, seed: Seed): ModelSamplers {
  const streams = new KeyedStreams(seed);
  return { ...modelSamplers(resolved, streams.random, false), streams };
}

function scaled(s: Sampler, factor: number): Sampler {
  if (factor === 1) return s;
  return {
    mean: s.mean * factor,
    sample: () => s.sample() * factor,
    meanAbove: (x) => {
      const m = s.meanAbove(x / factor);
      return m === undefined ? undefined : m * factor;
    },
    drawAbove: (x) => {
      const d = s.drawAbove(x / factor);
      return d === undefined ? undefined : d * factor;
    },
  };
}
