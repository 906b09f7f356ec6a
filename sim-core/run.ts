// Runs a block model from empty: one or more seeded replications, with KPIs per replication.
import { buildModel, type ModelKpis, modelKpis } from './blocks/buildModel.ts';
import type { ModelDefinition, ParameterValue } from './blocks/ModelDefinition.ts';
import { Environment } from './kernel/Environment.ts';
import { ModelError } from './kernel/errors.ts';
import { Random } from './random/Random.ts';
import { replicationSeed, type Seed, seedRecord } from './random/seeds.ts';

export interface RunOptions {
  /** Stop at this simulated time; without it, the run ends when nothing is left to happen. */
  until?: number;
  /** Any integer; each replication draws from a stream of its own derived from it. Default 1. */
  seed?: Seed;
  replications?: number;
  parameters?: Record<string, ParameterValue>;
  /** Called after each replication (for progress on long runs). */
  onReplication?: (done: number, total: number) => void;
  /** Called about every `progressEvery` events of a replication with its simulated time. */
  onProgress?: (replication: number, now: number, events: number) => void;
  progressEvery?: number;
}

export interface RunResult {
  /** The run's seed (decimal digits when it exceeds a safe integer). */
  seed: number | string;
  /** Per replication, numbered from 1: replication r of a seed is the same whatever the number of replications. */
  replications: (ModelKpis & { replication: number; events: number })[];
}

/** Runs `definition` from empty `replications` times, each with the stream `replicationSeed(seed, r)`. */
export function runModel(definition: ModelDefinition, options: RunOptions = {}): RunResult {
  const replications = options.replications ?? 1;
  const seed = options.seed ?? 1;
  const unbounded = definition.blocks.some((b) => b.type === 'source' && b.count === undefined);
  if (unbounded && options.until === undefined) {
    throw new ModelError(`model "${definition.name}" has a source without a count: give a time to run until`);
  }
  const result: RunResult = { seed: seedRecord(seed), replications: [] };
  for (let i = 0; i < replications; i++) {
    const env = new Environment(0);
    const model = buildModel(definition, {
      env,
      random: new Random(replicationSeed(seed, i)),
      parameters: options.parameters,
    });
    model.start();
    if (options.onProgress === undefined)
      env.run(options.until === undefined ? {} : { until: options.until });
    else
      runWithProgress(env, options.until, options.progressEvery ?? 500_000, (now, events) =>
        options.onProgress!(i + 1, now, events),
      );
    result.replications.push({ ...modelKpis(model), replication: i + 1, events: env.eventsProcessed });
    options.onReplication?.(i + 1, replications);
  }
  return result;
}

/** Runs like `env.run({ until })`, reporting progress every `every` events. */
function runWithProgress(
  env: Environment,
  until: number | undefined,
  every: number,
  report: (now: number, events: number) => void,
): void {
  const end = until ?? Number.POSITIVE_INFINITY;
  let next = env.eventsProcessed + every;
  while (env.pending > 0 && env.peek() < end) {
    env.step();
    if (env.eventsProcessed >= next) {
      report(env.now, env.eventsProcessed);
      next += every;
    }
  }
  // Like run({ until }): the clock stands at `until` even if nothing happens then.
  if (until !== undefined && env.now < until) env.run({ until });
}
