// Runs a block model from empty: one or more seeded replications, with KPIs per replication.
import { Sink } from './blocks/blocks.ts';
import { buildModel, type ModelKpis, modelKpis } from './blocks/buildModel.ts';
import type { ParameterValue } from './blocks/distributions.ts';
import { closedLoop } from './blocks/loops.ts';
import type { ModelDefinition } from './blocks/ModelDefinition.ts';
import { Environment } from './kernel/Environment.ts';
import { ModelError } from './kernel/errors.ts';
import { MAX_REPLICATIONS, RunLimits, type SimulationLimits } from './limits.ts';
import { MAX_MODEL_VALUE, Random } from './random/Random.ts';
import { replicationSeed, type Seed, seedRecord } from './random/seeds.ts';

export interface RunOptions {
  /** Stop at this simulated time (> 0, at most 1e15); without it, the run ends when nothing is left to happen. */
  until?: number;
  /** Any integer; each replication draws from a stream of its own derived from it. Default 1. */
  seed?: Seed;
  /** From 1 to MAX_REPLICATIONS; default 1. */
  replications?: number;
  parameters?: Record<string, ParameterValue>;
  /** Events per replication and wall time of the whole run (defaults: DEFAULT_MAX_EVENTS, DEFAULT_MAX_WALL_MS). */
  limits?: SimulationLimits;
  /** Called after each replication (for progress on long runs). */
  onReplication?: (done: number, total: number) => void;
  /** Called about every `progressEvery` events of a replication with its simulated time. */
  onProgress?: (replication: number, now: number, events: number) => void;
  progressEvery?: number;
  /**
   * Whether each block keeps every entity's time in it, for the KPIs' `p95Time` (default true).
   * Without, `p95Time` is NaN, the mean times are as exact, and a run takes no memory per entity:
   * for runs of millions of entities, or where only the counts and means are read.
   */
  percentiles?: boolean;
}

export interface RunResult {
  /** The run's seed (decimal digits when it exceeds a safe integer). */
  seed: number | string;
  /** Per replication, numbered from 1: replication r of a seed is the same whatever the number of replications. */
  replications: (ModelKpis & { replication: number; events: number })[];
}

/**
 * Runs `definition` from empty `replications` times, each with the stream `replicationSeed(seed, r)`.
 * Throws a SimulationLimitError when a replication or the whole run goes beyond `limits`.
 */
export function runModel(definition: ModelDefinition, options: RunOptions = {}): RunResult {
  const limits = new RunLimits(options.limits);
  const replications = options.replications ?? 1;
  const { until } = options;
  if (!Number.isInteger(replications) || replications < 1 || replications > MAX_REPLICATIONS) {
    throw new ModelError(
      `replications must be a whole number from 1 to ${MAX_REPLICATIONS.toLocaleString('en')}, got ${replications}`,
    );
  }
  if (until !== undefined && !(until > 0 && until <= MAX_MODEL_VALUE)) {
    throw new ModelError(`until must be a time > 0 and at most 1e15, got ${until}`);
  }
  const seed = options.seed ?? 1;
  if (until === undefined) {
    if (definition.blocks.some((b) => b.type === 'source' && b.count === undefined)) {
      throw new ModelError(
        `model "${definition.name}" has a source without a count: give a time to run until`,
      );
    }
    const closed = closedLoop(definition);
    if (closed !== undefined) {
      throw new ModelError(
        `model "${definition.name}": the blocks ${closed.join(' → ')} form a loop with no way out, which an entity never leaves: give a time to run until`,
      );
    }
  }
  const progress = options.onProgress === undefined ? undefined : { every: options.progressEvery ?? 500_000 };
  const result: RunResult = { seed: seedRecord(seed), replications: [] };
  for (let i = 0; i < replications; i++) {
    limits.checkWallTime();
    const env = new Environment(0);
    const model = buildModel(definition, {
      env,
      random: new Random(replicationSeed(seed, i)),
      parameters: options.parameters,
    });
    for (const block of model.blocks.values()) {
      block.stats.timeInBlock.keepValues = options.percentiles ?? true;
      // The KPIs have no time in system: a sink need not keep it.
      block.recordTimes = !(block instanceof Sink);
    }
    model.start();
    limits.run(
      env,
      until,
      progress && { every: progress.every, report: (now, events) => options.onProgress!(i + 1, now, events) },
    );
    result.replications.push({ ...modelKpis(model), replication: i + 1, events: env.eventsProcessed });
    options.onReplication?.(i + 1, replications);
  }
  return result;
}
