// The order domain: what a twin of a plant is: the plant model (stations, products, routings) as
// data, work in process restored into a simulation of it, the forecast, Monte Carlo, the plan it is
// compared with, and plant runs (the ground truth of tests and the emulator).

export {
  ORDER_NUMBER_FIELDS,
  ORDER_STATE_FIELDS,
  ORDER_STATUSES,
  ORDER_TIME_FIELDS,
  OrderStatus,
} from '../contracts/orderState.ts';
export { demoOrders } from './demo.ts';
export type { ForecastOptions } from './forecast.ts';
export { forecast } from './forecast.ts';
export { parsePlantModel } from './model/parsePlantModel.ts';
export type {
  PlantModel,
  PlantModelInput,
  ProductDefinition,
  QueueRule,
  RoutingStepDefinition,
  StationDefinition,
  TimeUnit,
} from './model/plantModel.ts';
export { PlantModelSchema, plantModelJsonSchema, QUEUE_RULES, TIME_UNITS } from './model/plantModel.ts';
export type { ResolvedModel } from './model/resolveModel.ts';
export { resolveModel } from './model/resolveModel.ts';
export { orderFlowModel } from './models/index.ts';
export type { MonteCarloOptions } from './monteCarlo.ts';
export { checkForecastModel, forecastMonteCarlo, MAX_MONTE_CARLO_DRAWS } from './monteCarlo.ts';
export type { PlantEvent, PlantHistory, PlantOrder, PlantRunOptions, PlantStep } from './plant.ts';
export { plantEvents, runPlant, snapshotAt } from './plant.ts';
export * from './types.ts';
