// The order domain: what a twin of a plant is: work in process restored into a simulation of the
// plant's model, the forecast, Monte Carlo and the plan it is compared with.
export { demoOrders } from './demo.ts';
export type { ForecastOptions } from './forecast.ts';
export { forecast } from './forecast.ts';
export { orderFlowModel } from './models/index.ts';
export type { MonteCarloOptions } from './monteCarlo.ts';
export { checkForecastModel, forecastMonteCarlo, MAX_MONTE_CARLO_DRAWS } from './monteCarlo.ts';
export { orderFlowNetwork } from './network.ts';
export type { PlantHistory, PlantOrder } from './plant.ts';
export { runPlant, snapshotAt } from './plant.ts';
export * from './types.ts';
