// The models that ship with sim-core, validated on load.
import { parseModelDefinition } from '../blocks/buildModel.ts';
import type { ModelDefinition } from '../blocks/ModelDefinition.ts';
import casymda from './casymda-benchmark.json' with { type: 'json' };
import orderFlow from './order-flow.json' with { type: 'json' };

/** The demo plant's order-flow model (material lead time 10 min, production 10 min, one line). */
export const orderFlowModel: ModelDefinition = parseModelDefinition(orderFlow);

/** Casymda's benchmark model (parameters `entities` and `interArrival`). */
export const casymdaBenchmarkModel: ModelDefinition = parseModelDefinition(casymda);
