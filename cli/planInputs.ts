// What `twin whatif` and `twin recommend` start from: a snapshot (a saved file, or the live state of a
// twin), a plant model and overrides of its parameters, each checked with errors that name it.
import { parseSnapshot, SnapshotError } from '../contracts/index.ts';
import type { PlantModel } from '../orderflow/model/plantModel.ts';
import { checkForecastModel } from '../orderflow/monteCarlo.ts';
import type { Snapshot } from '../orderflow/types.ts';
import { ModelError } from '../sim-core/kernel/errors.ts';
import type { OptionSpec } from './command.ts';
import { CliError } from './errors.ts';
import { loadPlantModel, parameterOptions, readJson } from './files.ts';
import { TABLE_OPTIONS } from './tableOptions.ts';

/** Where the live state is, and which "now" to take: `twin snapshot`, and the live input of the others. */
export const LIVE_OPTIONS = {
  ...TABLE_OPTIONS,
  plant: {
    type: 'string',
    value: 'ID',
    description: 'the plant whose live state to read, in a twin of many plants (default: default)',
  },
  'as-of': {
    type: 'string',
    value: 'WHEN',
    description:
      'the live snapshot\'s "now": now (the wall clock), latest-event, or an ISO-8601 time (default: the later of the two; latest-event for a stopped twin)',
  },
} as const satisfies Record<string, OptionSpec>;

/** The snapshot, the model and its parameters. */
export const PLAN_OPTIONS = {
  state: {
    type: 'string',
    value: 'FILE',
    description:
      'snapshot file (JSON, as twin snapshot saves it); without it, the live state of the twin that runs, or of --data-dir, --endpoint or --aws',
  },
  model: {
    type: 'string',
    value: 'FILE',
    description:
      'plant model file, for a live twin the one it runs (default: the demo plant, orderflow/models/order-flow.json)',
  },
  param: {
    type: 'string',
    value: 'NAME=VALUE',
    multiple: true,
    description:
      "override a model parameter, in the model's time unit: a number, a distribution as JSON, or a name (a queue rule); repeatable",
  },
  ...LIVE_OPTIONS,
} as const satisfies Record<string, OptionSpec>;

export interface PlanInputValues {
  state?: string | undefined;
  model?: string | undefined;
  param: string[];
  'data-dir'?: string | undefined;
  endpoint?: string | undefined;
  aws: boolean;
  'name-prefix'?: string | undefined;
  'as-of'?: string | undefined;
  plant?: string | undefined;
}

export interface PlanInputs {
  snapshot: Snapshot;
  /** Where the snapshot comes from, in words: the file, or the twin whose state it is. */
  source: string;
  model: PlantModel;
  parameters: Record<string, unknown>;
}

/** Reads a snapshot file; a malformed one is one line naming the file, the entry and the field. */
export async function readSnapshotFile(file: string): Promise<Snapshot> {
  const raw = await readJson(file);
  try {
    return parseSnapshot(raw);
  } catch (error) {
    if (error instanceof SnapshotError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

/** The model file (default: the demo plant) and the --param overrides, checked against each other. */
export async function loadCheckedModel(
  file: string | undefined,
  param: readonly string[],
): Promise<{ model: PlantModel; parameters: Record<string, unknown> }> {
  const model = await loadPlantModel(file);
  const parameters = parameterOptions(param);
  try {
    checkForecastModel(model, parameters);
  } catch (error) {
    if (error instanceof ModelError) throw new CliError(`--param: ${error.message}`);
    throw error;
  }
  return { model, parameters };
}

/** The snapshot, model and parameters that the options name, checked. */
export async function loadPlanInputs(values: PlanInputValues): Promise<PlanInputs> {
  const live = values['data-dir'] !== undefined || values.endpoint !== undefined || values.aws;
  if (values.state !== undefined && (live || values['as-of'] !== undefined || values.plant !== undefined))
    throw new CliError(
      'give --state FILE or the live state (--data-dir, --endpoint, --aws, --as-of, --plant), not both',
    );
  const { model, parameters } = await loadCheckedModel(values.model, values.param);
  if (values.state !== undefined)
    return { snapshot: await readSnapshotFile(values.state), source: values.state, model, parameters };
  // The AWS SDK only for a live twin: a saved snapshot runs without it.
  const { readLiveSnapshot } = await import('./liveSnapshot.ts');
  const { snapshot, where } = await readLiveSnapshot(values);
  return { snapshot, source: where, model, parameters };
}
