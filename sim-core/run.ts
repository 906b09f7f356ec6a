// Runs a block model from empty: one or more seeded replications, with KPIs per replication.
import { buildModel, type ModelKpis, modelKpis } from './blocks/buildModel.ts';
import type { ModelDefinition, ParameterValue } from './blocks/ModelDefinition.ts';
import { Environment } from './kernel/Environment.ts';
import { ModelError } from './kernel/errors.ts';
import { Random } from './random/Random.ts';

export interface RunOptions {
  /** Stop at this simulated time; without it, the run ends when nothing is left to happen. */
  until?: number;
  seed?: number;
  replications?: number;
  parameters?: Record<string, ParameterValue>;
  /** Called after each replication (for progress on long runs). */
  onReplication?: (done: number, total: number) => void;
}

export interface RunResult {
  replications: (ModelKpis & { seed: number; events: number })[];
}

/** Runs `definition` from empty `replications` times with seeds seed, seed+1, … */
export function runModel(definition: ModelDefinition, options: RunOptions = {}): RunResult {
  const replications = options.replications ?? 1;
  const seed = options.seed ?? 1;
  const unbounded = definition.blocks.some((b) => b.type === 'source' && b.count === undefined);
  if (unbounded && options.until === undefined) {
    throw new ModelError(`model "${definition.name}" has a source without a count: give a time to run until`);
  }
  const result: RunResult = { replications: [] };
  for (let i = 0; i < replications; i++) {
    const env = new Environment(0);
    const model = buildModel(definition, {
      env,
      random: new Random(seed + i),
      parameters: options.parameters,
    });
    model.start();
    env.run(options.until === undefined ? {} : { until: options.until });
    result.replications.push({ ...modelKpis(model), seed: seed + i, events: env.eventsProcessed });
    options.onReplication?.(i + 1, replications);
  }
  return result;
}
