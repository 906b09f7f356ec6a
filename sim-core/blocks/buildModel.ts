// Builds a runnable network of blocks and resources from a model definition, and reports its KPIs.
import type * as z from 'zod';
import type { Environment } from '../kernel/Environment.ts';
import { ModelError } from '../kernel/errors.ts';
import {
  type BaseResource,
  OrderedResource,
  type Request,
  type RequestOrder,
  Resource,
} from '../kernel/resources.ts';
import { type DistributionSpec, type Random, type Sampler, sampler } from '../random/Random.ts';
import { type Block, Delay, Release, Router, Seize, Sink, Source } from './blocks.ts';
import { FORBIDDEN_NAME, PARSE_ONCE, type ParameterValue, ParameterValueSchema } from './distributions.ts';
import type { Entity } from './Entity.ts';
import { successors, timeStandsStill } from './loops.ts';
import { type BlockDefinition, type ModelDefinition, ModelDefinitionSchema } from './ModelDefinition.ts';

export interface BuildOptions {
  env: Environment;
  random: Random;
  /** Overrides of the model's parameters, by name. */
  parameters?: Record<string, ParameterValue>;
  /** Every distribution draws its mean (a deterministic run). */
  deterministic?: boolean;
}

/** A model ready to run: its blocks and resources by id. */
export interface Model {
  readonly definition: ModelDefinition;
  readonly env: Environment;
  readonly blocks: ReadonlyMap<string, Block>;
  readonly resources: ReadonlyMap<string, BaseResource<Entity>>;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  /** Starts every source. */
  start(): void;
}

/**
 * Validates raw JSON as a model definition; the error names the path of the first problem. A model
 * in which time can stand still (a loop on which no time need pass) is refused here.
 */
export function parseModelDefinition(raw: unknown): ModelDefinition {
  refuseForbiddenKeys(raw);
  const result = ModelDefinitionSchema.safeParse(raw, PARSE_ONCE);
  if (!result.success) throw new ModelError(describeIssue(result.error));
  const definition = result.data;
  checkReferences(definition);
  const still = timeStandsStill(definition);
  if (still !== undefined) throw new ModelError(`model: ${still}`);
  return definition;
}

/** Refuses `__proto__` as a key where names are keys (zod would drop it silently). */
function refuseForbiddenKeys(raw: unknown): void {
  const has = (value: unknown): boolean =>
    typeof value === 'object' && value !== null && Object.hasOwn(value, FORBIDDEN_NAME);
  const refuse = (path: string, what: string): never => {
    throw new ModelError(`model${path}: "${FORBIDDEN_NAME}" is not allowed as ${what}`);
  };
  if (typeof raw !== 'object' || raw === null) return;
  const model = raw as { parameters?: unknown; queueRules?: unknown; blocks?: unknown };
  if (has(model.parameters)) refuse('.parameters', 'a parameter name');
  if (has(model.queueRules)) refuse('.queueRules', 'a queue rule name');
  if (Array.isArray(model.blocks)) {
    model.blocks.forEach((block: unknown, i) => {
      if (has((block as { attributes?: unknown } | null)?.attributes))
        refuse(`.blocks[${i}].attributes`, 'an attribute name');
    });
  }
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `model${pathOf(issue.path)}: ${issue.message}`;
}

const pathOf = (path: readonly PropertyKey[]): string =>
  path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');

function checkReferences(definition: ModelDefinition): void {
  const ids = new Set<string>();
  for (const block of definition.blocks) {
    if (ids.has(block.id)) throw new ModelError(`model: block id "${block.id}" is used twice`);
    ids.add(block.id);
  }
  const resources = new Set(definition.resources.map((r) => r.id));
  for (const block of definition.blocks) {
    for (const target of successors(block)) {
      if (!ids.has(target))
        throw new ModelError(`model: block "${block.id}" leads to unknown block "${target}"`);
    }
    if ((block.type === 'seize' || block.type === 'release') && !resources.has(block.resource)) {
      throw new ModelError(`model: block "${block.id}" uses unknown resource "${block.resource}"`);
    }
    if (block.type === 'router' && block.weights && block.weights.length !== block.to.length) {
      throw new ModelError(`model: router "${block.id}" needs one weight per target`);
    }
    if (block.type === 'router' && block.weights?.every((w) => w === 0)) {
      throw new ModelError(`model: router "${block.id}" needs a weight above zero`);
    }
  }
  // An entity sent into a source would pass straight through, counted as entered where none were made.
  const sources = new Set(definition.blocks.filter((b) => b.type === 'source').map((b) => b.id));
  for (const block of definition.blocks) {
    const target = successors(block).find((id) => sources.has(id));
    if (target !== undefined) {
      throw new ModelError(
        `model: block "${block.id}" leads into source "${target}": a source only creates entities, none can enter it`,
      );
    }
  }
}

/** Creates the blocks and resources of `definition` in `options.env`. */
export function buildModel(definition: ModelDefinition, options: BuildOptions): Model {
  const { env, random } = options;
  for (const [name, value] of Object.entries(options.parameters ?? {})) {
    // Own entries only: "constructor" or "__proto__" name no parameter of any model.
    if (!Object.hasOwn(definition.parameters, name)) {
      throw new ModelError(`model "${definition.name}" has no parameter "${name}"`);
    }
    // Overrides come from outside (a Lambda's environment, the command line): checked as the model file's are.
    const checked = ParameterValueSchema.safeParse(value);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      // A distribution with a bad field names the field; anything else says what a parameter may be.
      if (issue.path.length > 0) {
        throw new ModelError(
          `parameter "${name}"${pathOf(issue.path)}: ${issue.message}, got ${JSON.stringify(value)}`,
        );
      }
      throw new ModelError(
        `parameter "${name}" must be a number >= 0, a distribution (such as {"dist":"uniform","min":…,"max":…}) or a name, got ${JSON.stringify(value)} (every number at most 1e15)`,
      );
    }
  }
  const parameters: Record<string, ParameterValue> = { ...definition.parameters, ...options.parameters };
  const still = timeStandsStill(definition, parameters);
  if (still !== undefined) {
    const overrides = options.parameters ?? {};
    const given = Object.keys(overrides).length === 0 ? '' : ` with parameters ${JSON.stringify(overrides)}`;
    throw new ModelError(`model "${definition.name}"${given}: ${still}`);
  }
  const param = (name: string): ParameterValue => {
    if (!Object.hasOwn(parameters, name))
      throw new ModelError(`model "${definition.name}": unknown parameter "${name}"`);
    return parameters[name]!;
  };
  const resolve = <T>(value: T | { param: string }): T | ParameterValue =>
    typeof value === 'object' && value !== null && 'param' in value ? param(value.param) : value;
  const distribution = (value: DistributionSpec | { param: string }, where: string): Sampler => {
    const resolved = resolve(value);
    const named =
      typeof value === 'object' && value !== null && 'param' in value
        ? `${where} (parameter "${value.param}")`
        : where;
    if (typeof resolved === 'string') {
      const which = typeof value === 'object' && 'param' in value ? ` "${value.param}"` : '';
      throw new ModelError(`${where}: parameter${which} is not a distribution, got "${resolved}"`);
    }
    try {
      return sampler(resolved, random, options.deterministic);
    } catch (error) {
      if (error instanceof ModelError) throw new ModelError(`${named}: ${error.message}`);
      throw error;
    }
  };
  const whole = (value: number | { param: string }, where: string): number => {
    const resolved = resolve(value);
    if (typeof resolved !== 'number' || !Number.isInteger(resolved) || resolved < 0) {
      throw new ModelError(`${where}: must be a whole number, got ${JSON.stringify(resolved)}`);
    }
    return resolved;
  };

  const resources = new Map<string, BaseResource<Entity>>();
  for (const r of definition.resources) {
    const capacity =
      r.capacity === 'unlimited'
        ? Number.POSITIVE_INFINITY
        : whole(r.capacity, `resource "${r.id}" capacity`);
    if (capacity < 1) throw new ModelError(`resource "${r.id}": capacity must be at least 1`);
    const queue = resolve(r.queue);
    if (typeof queue !== 'string') throw new ModelError(`resource "${r.id}": queue must name a rule`);
    const rule = Object.hasOwn(definition.queueRules, queue) ? definition.queueRules[queue] : undefined;
    const settings = { capacity, dispatch: r.dispatch };
    if (rule) resources.set(r.id, new OrderedResource<Entity>(env, byAttributes(rule.orderBy), settings));
    else if (queue === 'fifo') resources.set(r.id, new Resource<Entity>(env, settings));
    else throw new ModelError(`resource "${r.id}": unknown queue rule "${queue}"`);
  }

  const blocks = new Map<string, Block>();
  const sources: Source[] = [];
  const create = (b: BlockDefinition): Block => {
    const where = `block "${b.id}"`;
    switch (b.type) {
      case 'source': {
        const attributes: Record<string, Sampler> = {};
        for (const [name, spec] of Object.entries(b.attributes ?? {})) {
          attributes[name] = distribution(spec, `${where} attribute ${name}`);
        }
        const count = b.count === undefined ? Number.POSITIVE_INFINITY : whole(b.count, `${where} count`);
        const source = new Source(
          env,
          b.id,
          distribution(b.interArrival, where),
          count,
          attributes,
          b.start ?? env.now,
          b.step,
        );
        sources.push(source);
        return source;
      }
      case 'delay':
        return new Delay(env, b.id, distribution(b.duration, where), b.durationAttribute, b.step);
      case 'seize':
        return new Seize(env, b.id, resources.get(b.resource)!, b.resource, b.step);
      case 'release':
        return new Release(env, b.id, resources.get(b.resource)!, b.resource, b.step);
      case 'router':
        return new Router(env, b.id, b.rule, b.weights, random, b.step);
      case 'sink':
        return new Sink(env, b.id, b.step);
    }
  };
  for (const b of definition.blocks) blocks.set(b.id, create(b));
  for (const b of definition.blocks) {
    const block = blocks.get(b.id)!;
    if ('next' in b) block.next = blocks.get(b.next);
    if (b.type === 'router') (block as Router).targets = b.to.map((id) => blocks.get(id)!);
  }
  return {
    definition,
    env,
    blocks,
    resources,
    parameters,
    start: () => {
      for (const source of sources) source.begin();
    },
  };
}

/**
 * Orders requests by the owners' attributes: ascending, `-name` descending, missing values last.
 * `@requestedAt` is the time the request joined the queue (first come, first served).
 */
export function byAttributes(keys: readonly string[]): RequestOrder<Entity> {
  const names = keys.map((k) => (k.startsWith('-') ? k.slice(1) : k));
  const signs = keys.map((k) => (k.startsWith('-') ? -1 : 1));
  const n = names.length;
  // The values are read once per request: a queue compares each request many times.
  const keyOf = (r: Request<Entity>): (number | string | undefined)[] =>
    names.map((name) => (name === '@requestedAt' ? r.requestedAt : own(r.owner.attributes, name)));
  const order: RequestOrder<Entity> = (a, b) => {
    if (a.sortKey === undefined) a.sortKey = keyOf(a);
    if (b.sortKey === undefined) b.sortKey = keyOf(b);
    const ka = a.sortKey;
    const kb = b.sortKey;
    for (let i = 0; i < n; i++) {
      const x = ka[i];
      const y = kb[i];
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return x < y ? -signs[i]! : signs[i]!;
    }
    return 0;
  };
  // The first two keys, when numeric, rank requests with plain number compares (missing values last).
  const numeric = (i: number) => {
    const name = names[i];
    const sign = signs[i]!;
    if (name === undefined) return undefined;
    return (r: Request<Entity>) => {
      const v = name === '@requestedAt' ? r.requestedAt : own(r.owner.attributes, name);
      return typeof v === 'number' ? sign * v : Number.POSITIVE_INFINITY;
    };
  };
  const rank = numeric(0);
  const rank2 = numeric(1);
  if (rank) order.rank = rank;
  if (rank2) order.rank2 = rank2;
  return order;
}

/** An entity's own attribute `name` (an attribute named "constructor" is not Object's). */
const own = (attributes: Entity['attributes'], name: string) =>
  Object.hasOwn(attributes, name) ? attributes[name] : undefined;

/** Throughput, time in each block and resource utilisation of a model run so far. */
export interface ModelKpis {
  endTime: number;
  throughput: number;
  /** Per block: its counts, and the mean and 95th percentile of the time spent in it (NaN if it keeps no times). */
  blocks: { id: string; type: string; entered: number; left: number; meanTime: number; p95Time: number }[];
  resources: { id: string; capacity: number; utilisation: number }[];
}

/** KPIs of a model after a run. */
export function modelKpis(model: Model): ModelKpis {
  let throughput = 0;
  const blocks: ModelKpis['blocks'] = [];
  for (const block of model.blocks.values()) {
    if (block instanceof Sink) throughput += block.stats.left;
    blocks.push({
      id: block.id,
      type: block.type,
      entered: block.stats.entered,
      left: block.stats.left,
      meanTime: block.timed ? block.stats.timeInBlock.mean() : 0,
      p95Time: block.timed ? block.stats.timeInBlock.quantile(0.95) : 0,
    });
  }
  const resources = [...model.resources].map(([id, r]) => ({
    id,
    capacity: r.capacity,
    utilisation: r.capacity === Number.POSITIVE_INFINITY ? 0 : r.utilisation(),
  }));
  return { endTime: model.env.now, throughput, blocks, resources };
}
