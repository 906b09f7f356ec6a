// `twin whatif`: a planner's variants of the live plant, run beside it on the same random futures and
// ranked, from a saved snapshot or the live state of a twin, which it never changes.
import { ReplicationError } from '../../forecast/threads/ReplicationError.ts';
import { startWhatIfThreads, whatIfInThreads } from '../../forecast/threads/whatIfInThreads.ts';
import { parseVariants, type Variant, VariantError } from '../../orderflow/whatif/variant.ts';
import {
  DEFAULT_HORIZON_MS,
  DEFAULT_OBJECTIVE,
  OBJECTIVE_KEYS,
  type ObjectiveKey,
  type WhatIfOptions,
} from '../../orderflow/whatif/whatIf.ts';
import { MAX_REPLICATIONS, SimulationLimitError } from '../../sim-core/index.ts';
import { defineCommand, type Io, jsonText, seedOption, shownLimit } from '../command.ts';
import { CliError } from '../errors.ts';
import { readJson } from '../files.ts';
import { durationOption, rangedNumberOption } from '../optionChecks.ts';
import { loadPlanInputs, PLAN_OPTIONS } from '../planInputs.ts';
import { progressLine } from '../progress.ts';
import { whatIfText } from '../whatIfText.ts';

/** Replications unless --replications says otherwise: enough for a 95 % interval to mean something. */
export const DEFAULT_WHATIF_REPLICATIONS = 30;

/** The options that say how variants are compared: shared with `twin recommend`. */
export const COMPARE_OPTIONS = {
  replications: {
    type: 'string',
    value: 'N',
    description: `draws of the future per variant, 0 (the forecast at the means only) to ${shownLimit(MAX_REPLICATIONS)}; with 2 or more, each difference gets a 95 % interval`,
    default: String(DEFAULT_WHATIF_REPLICATIONS),
  },
  seed: { type: 'string', value: 'S', description: 'seed of the draws: any integer', default: '1' },
  objective: {
    type: 'string',
    value: 'KEYS',
    description: `what ranks the variants, compared in turn, comma-separated, from ${OBJECTIVE_KEYS.join(', ')}`,
    default: DEFAULT_OBJECTIVE.join(','),
  },
  horizon: {
    type: 'string',
    value: 'D',
    description: 'throughput counts the orders done within D of the snapshot, e.g. 8h or 90m',
    default: `${DEFAULT_HORIZON_MS / 3_600_000}h`,
  },
} as const;

export const whatifCommand = defineCommand({
  name: 'whatif',
  summary:
    "Compare a planner's variants (expedite material, a second shift, a rush order, another queue rule…) with the live plan, on the same random futures, ranked.",
  details: [
    'Reads the variants file (one variant, a list, or { "variants": [...] }; its schema: twin schema variant,',
    'reference: docs/what-if.md), runs the live plant (the baseline) and every variant from the same snapshot',
    'on the same draws of the future, and prints them ranked by the objective: expected late orders, total',
    'lateness, makespan, throughput within the horizon, the busiest station, and the difference of each',
    'variant to the baseline with its 95 % interval. A variant whose difference lies inside the noise is',
    'marked so, never ranked above the baseline. Nothing is written to the twin.',
    'Example: twin whatif --state examples/demo-snapshot.json --variants examples/variants/demo-variants.json',
    'Example: twin whatif --variants my-variants.json --data-dir .twin --replications 100 --json',
  ].join('\n'),
  options: {
    variants: { type: 'string', value: 'FILE', description: 'variants file (JSON)', required: true },
    ...PLAN_OPTIONS,
    ...COMPARE_OPTIONS,
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run(values, io) {
    const file = values.variants!;
    const options = compareOptions(values);
    // The replications' threads start while the inputs are read.
    startWhatIfThreads(options.replications ?? 0);
    const raw = await readJson(file);
    let variants: Variant[];
    try {
      variants = parseVariants(raw);
    } catch (error) {
      if (error instanceof VariantError) throw new CliError(`${file}: ${error.message}`);
      throw error;
    }
    const inputs = await loadPlanInputs(values);
    const result = await runWhatIf(
      () =>
        whatIfInThreads(inputs.snapshot, inputs.model, variants, {
          ...options,
          parameters: inputs.parameters,
          onProgress: progressLine(io, 'runs'),
        }),
      io,
      file,
    );
    io.out(values.json ? jsonText(result, io) : whatIfText(result, inputs.source));
    return 0;
  },
});

/** --replications, --seed, --objective and --horizon, checked. */
export function compareOptions(values: {
  replications?: string | undefined;
  seed?: string | undefined;
  objective?: string | undefined;
  horizon?: string | undefined;
}): Pick<WhatIfOptions, 'replications' | 'seed' | 'objective' | 'horizonMs'> {
  const replications = rangedNumberOption(
    'replications',
    values.replications ?? String(DEFAULT_WHATIF_REPLICATIONS),
    { min: 0, max: MAX_REPLICATIONS, whole: true },
  )!;
  const objective = (values.objective ?? DEFAULT_OBJECTIVE.join(','))
    .split(',')
    .map((k) => k.trim()) as ObjectiveKey[];
  const unknown = objective.find((k) => !(OBJECTIVE_KEYS as readonly string[]).includes(k));
  if (unknown !== undefined)
    throw new CliError(`--objective: "${unknown}" is not one of ${OBJECTIVE_KEYS.join(', ')}`);
  return {
    replications,
    seed: seedOption('seed', values.seed ?? '1'),
    objective: [...new Set(objective)],
    horizonMs: durationOption('horizon', values.horizon) ?? DEFAULT_HORIZON_MS,
  };
}

/**
 * Runs a comparison; a variant that names what the plant does not have, or a run beyond its limits,
 * is one line (naming `file`, where the variants come from).
 */
export async function runWhatIf<T>(run: () => T | Promise<T>, io: Io, file: string | undefined): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (
      error instanceof VariantError ||
      error instanceof SimulationLimitError ||
      // The same, met in a worker thread.
      (error instanceof ReplicationError &&
        (error.cause === 'VariantError' || error.cause === 'SimulationLimitError'))
    ) {
      // The error line replaces a progress line drawn in place.
      if (io.interactive) io.err('\r\x1b[K');
      throw new CliError(file === undefined ? error.message : `${file}: ${error.message}`, 2, {
        cause: error,
      });
    }
    throw error;
  }
}
