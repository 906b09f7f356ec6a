// The models that ship with sim-core, validated on load.
import { parseModelDefinition } from '../blocks/buildModel.ts';
import type { ModelDefinition } from '../blocks/ModelDefinition.ts';
import casymda from './casymda-benchmark.json' with { type: 'json' };

/** Casymda's benchmark model (parameters `entities` and `interArrival`). */
export const casymdaBenchmarkModel: ModelDefinition = parseModelDefinition(casymda);
