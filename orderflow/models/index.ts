// The models that ship with the order domain, validated on load.

import { parsePlantModel } from '../model/parsePlantModel.ts';
import type { PlantModel } from '../model/plantModel.ts';
import orderFlow from './order-flow.json' with { type: 'json' };

/** The demo plant (material lead time 10 min, then production 10 min on one line). */
export const orderFlowModel: PlantModel = parsePlantModel(orderFlow);
