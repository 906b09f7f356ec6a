// The models that ship with sim-core, validated when first asked for (not when sim-core is loaded:
// a program that never runs them does not pay for checking them).
import { parseModelDefinition } from '../blocks/buildModel.ts';
import type { ModelDefinition } from '../blocks/ModelDefinition.ts';
import casymda from './casymda-benchmark.json' with { type: 'json' };

let casymdaModel: ModelDefinition | undefined;

/** Casymda's benchmark model (parameters `entities` and `interArrival`). */
export function casymdaBenchmarkModel(): ModelDefinition {
  casymdaModel ??= parseModelDefinition(casymda);
  return casymdaModel;
}
