// Loops in a model's block graph. An entity that can go round a loop without time passing would
// go round for ever at one instant (a hang, or a stack overflow when no event separates the
// rounds), so every loop must hold a delay that always takes time. A loop with no way out keeps its
// entities for ever: a run to the end (no `until`, a forecast) would never end.
import type { DistributionSpec } from '../random/Random.ts';
import type { ParameterValue } from './distributions.ts';
import type { BlockDefinition, ModelDefinition } from './ModelDefinition.ts';

/**
 * Whether every draw of `spec` is > 0 (with probability one): a fixed value > 0; a uniform or
 * triangular with min > 0; an exponential, lognormal or (zero-truncated) normal with mean > 0; an
 * empirical whose values are all > 0. A normal with mean 0 counts as able to take no time, as a
 * uniform with min 0 does: both say that the step can be next to instantaneous.
 */
export function alwaysTakesTime(spec: DistributionSpec): boolean {
  if (typeof spec === 'number') return spec > 0;
  switch (spec.dist) {
    case 'deterministic':
      return spec.value > 0;
    case 'uniform':
    case 'triangular':
      return spec.min > 0;
    case 'exponential':
    case 'normal':
    case 'lognormal':
      return spec.mean > 0;
    case 'empirical':
      return spec.values.every((v) => v > 0);
    default:
      return false;
  }
}

type Parameters = Readonly<Record<string, ParameterValue>>;

/** A distribution or a parameter's value (undefined when the parameter is unknown). */
function resolve(
  value: DistributionSpec | { param: string },
  parameters: Parameters,
): ParameterValue | undefined {
  if (typeof value === 'object' && 'param' in value) {
    return Object.hasOwn(parameters, value.param) ? parameters[value.param] : undefined;
  }
  return value;
}

/** ` (parameter "name")` when `value` refers to a parameter. */
const paramLabel = (value: DistributionSpec | { param: string }): string =>
  typeof value === 'object' && 'param' in value ? ` (parameter "${value.param}")` : '';

/**
 * Why a block may let an entity through without time passing ('' for a block that never takes
 * time), or undefined when it always takes time: only a delay whose duration always does, and is
 * not taken from an entity attribute.
 */
function mayTakeNoTime(block: BlockDefinition, parameters: Parameters): string | undefined {
  if (block.type !== 'delay') return '';
  if (block.durationAttribute !== undefined) {
    return `delay "${block.id}" takes its duration from the attribute "${block.durationAttribute}", which may be 0`;
  }
  const duration = resolve(block.duration, parameters);
  if (duration === undefined || typeof duration === 'string' || !alwaysTakesTime(duration)) {
    return `the duration of delay "${block.id}"${paramLabel(block.duration)} can be 0`;
  }
  return undefined;
}

/** The blocks that an entity leaving `block` can enter. */
export function successors(block: BlockDefinition): readonly string[] {
  if (block.type === 'router') return block.to;
  return 'next' in block ? [block.next] : [];
}

/**
 * A loop (block ids in order, the first repeated at the end) of `blocks` that uses only the edges
 * between blocks `keep` accepts; undefined when there is none. Depth first, iteratively (a model
 * may be long), in the order of the model file, so the same model always names the same loop.
 */
function findLoop(blocks: readonly BlockDefinition[], keep: (id: string) => boolean): string[] | undefined {
  const byId = new Map(blocks.map((b) => [b.id, b]));
  const state = new Map<string, 'open' | 'done'>();
  for (const root of blocks) {
    if (!keep(root.id) || state.has(root.id)) continue;
    const path: string[] = [root.id];
    const next: number[] = [0];
    state.set(root.id, 'open');
    while (path.length > 0) {
      const id = path[path.length - 1]!;
      const targets = successors(byId.get(id)!);
      const i = next[next.length - 1]!;
      if (i >= targets.length) {
        state.set(id, 'done');
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = i + 1;
      const target = targets[i]!;
      if (!keep(target) || !byId.has(target)) continue;
      const seen = state.get(target);
      if (seen === 'open') return [...path.slice(path.indexOf(target)), target];
      if (seen === undefined) {
        state.set(target, 'open');
        path.push(target);
        next.push(0);
      }
    }
  }
  return undefined;
}

/** A loop in which no time need pass, and why each of its delays may take no time. */
export interface TimelessLoop {
  loop: string[];
  reasons: string[];
}

/**
 * The first loop of `definition` (with `parameters`, the model's own by default) on which no
 * time need pass: every block on it may let an entity through at once. Undefined when every
 * loop holds a delay that always takes time.
 */
export function timelessLoop(
  definition: Pick<ModelDefinition, 'blocks' | 'parameters'>,
  parameters: Parameters = definition.parameters,
): TimelessLoop | undefined {
  const why = new Map<string, string>();
  for (const block of definition.blocks) {
    const reason = mayTakeNoTime(block, parameters);
    if (reason !== undefined) why.set(block.id, reason);
  }
  const loop = findLoop(definition.blocks, (id) => why.has(id));
  if (loop === undefined) return undefined;
  const reasons = [...new Set(loop.map((id) => why.get(id)!).filter((r) => r !== ''))];
  return { loop, reasons };
}

/** The message of a loop on which no time need pass: the loop, why, and what a loop needs. */
export function timelessLoopMessage({ loop, reasons }: TimelessLoop): string {
  const why = reasons.length === 0 ? 'there is no delay on it' : reasons.join('; ');
  return (
    `the blocks ${loop.join(' → ')} form a loop on which no time need pass (${why}): ` +
    'an entity could go round it for ever at one instant; a loop needs a delay that always takes time ' +
    '(a duration certain to be > 0, not taken from an entity attribute)'
  );
}

/**
 * What lets time stand still in `definition` with `parameters` (the model's own by default): a
 * loop on which no time need pass, or a source without a count whose inter-arrival time can be 0
 * (it could create entities for ever at one instant). Undefined when time always moves on.
 */
export function timeStandsStill(
  definition: Pick<ModelDefinition, 'blocks' | 'parameters'>,
  parameters: Parameters = definition.parameters,
): string | undefined {
  for (const block of definition.blocks) {
    if (block.type !== 'source' || block.count !== undefined) continue;
    const interArrival = resolve(block.interArrival, parameters);
    if (interArrival === undefined || typeof interArrival === 'string' || !alwaysTakesTime(interArrival)) {
      return (
        `source "${block.id}" has no count and its inter-arrival time${paramLabel(block.interArrival)} can be 0: it could create ` +
        'entities for ever at one instant; a source without a count needs an inter-arrival time that always takes time'
      );
    }
  }
  const loop = timelessLoop(definition, parameters);
  return loop === undefined ? undefined : timelessLoopMessage(loop);
}

/**
 * A loop of `definition` that has no way out (block ids in order, the first repeated at the end):
 * an entity that enters it never leaves. Undefined when every loop has an exit.
 */
export function closedLoop(definition: Pick<ModelDefinition, 'blocks'>): string[] | undefined {
  // The blocks from which an entity can reach a block without successors (a sink, or a block that
  // leads nowhere): backwards from those. Every block of a closed loop is outside this set.
  const byId = new Map(definition.blocks.map((b) => [b.id, b]));
  const predecessors = new Map<string, string[]>();
  for (const block of definition.blocks) {
    for (const target of successors(block)) {
      if (!predecessors.has(target)) predecessors.set(target, []);
      predecessors.get(target)!.push(block.id);
    }
  }
  const canLeave = new Set<string>();
  const todo = definition.blocks.filter((b) => successors(b).length === 0).map((b) => b.id);
  for (const id of todo) canLeave.add(id);
  while (todo.length > 0) {
    for (const p of predecessors.get(todo.pop()!) ?? []) {
      if (!canLeave.has(p)) {
        canLeave.add(p);
        todo.push(p);
      }
    }
  }
  return findLoop(definition.blocks, (id) => byId.has(id) && !canLeave.has(id));
}
