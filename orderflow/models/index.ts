// The models that ship with the order domain. They are checked by parsePlantModel in the tests
// (test/orderflow/plantModel.test.ts: each one loads, and as it is), not at every start: the schema's
// first parse is some 15 ms of every command line's and cold Lambda's start.

import type { PlantModel } from '../model/plantModel.ts';
import orderFlow from './order-flow.json' with { type: 'json' };

/** The demo plant (material lead time 10 min, then production 10 min on one line). */
export const orderFlowModel = orderFlow as PlantModel;
