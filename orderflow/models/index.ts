// The models that ship with the order domain, validated on load.
import { parseModelDefinition } from '../../sim-core/blocks/buildModel.ts';
import type { ModelDefinition } from '../../sim-core/blocks/ModelDefinition.ts';
import orderFlow from './order-flow.json' with { type: 'json' };

/** The demo plant's order-flow model (material lead time 10 min, production 10 min, one line). */
export const orderFlowModel: ModelDefinition = parseModelDefinition(orderFlow);
