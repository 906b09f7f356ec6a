// sim-core: the discrete-event simulation kernel, the block library, the order-flow model, WIP
// initialisation and forecasting. Pure TypeScript: no I/O, no wall clock, no Math.random.

export type { BlockObserver } from './blocks/blocks.ts';
export { Block, BlockStats, Delay, Release, Router, Seize, Sink, Source } from './blocks/blocks.ts';
export type { BuildOptions, Model, ModelKpis } from './blocks/buildModel.ts';
export { buildModel, byAttributes, modelKpis, parseModelDefinition } from './blocks/buildModel.ts';
export { Entity } from './blocks/Entity.ts';
export type { ModelDefinition, ModelDefinitionInput, ParameterValue } from './blocks/ModelDefinition.ts';
export { ModelDefinitionSchema } from './blocks/ModelDefinition.ts';
export { Samples } from './blocks/stats.ts';
export { Environment } from './kernel/Environment.ts';
export { EmptyScheduleError, EventStateError, Interrupt, ModelError, SimError } from './kernel/errors.ts';
export type { Callback, ConditionValue, ProcessGenerator } from './kernel/events.ts';
export { AllOf, AnyOf, Condition, Event, Priority, Process, Timeout } from './kernel/events.ts';
export type { Dispatch, ResourceOptions } from './kernel/resources.ts';
export { BaseResource, OrderedResource, PriorityResource, Request, Resource } from './kernel/resources.ts';
export { casymdaBenchmarkModel, orderFlowModel } from './models/index.ts';
export { demoOrders } from './orderflow/demo.ts';
export type { ForecastOptions } from './orderflow/forecast.ts';
export { forecast } from './orderflow/forecast.ts';
export type { MonteCarloOptions } from './orderflow/monteCarlo.ts';
export { checkForecastModel, forecastMonteCarlo } from './orderflow/monteCarlo.ts';
export { orderFlowNetwork } from './orderflow/network.ts';
export type { PlantHistory, PlantOrder } from './orderflow/plant.ts';
export { runPlant, snapshotAt } from './orderflow/plant.ts';
export * from './orderflow/types.ts';
export { nearestRank, quantileOf } from './quantile.ts';
export type { DistributionSpec, Rng, Sampler } from './random/Random.ts';
export { Random, sampler, seededRng } from './random/Random.ts';
export type { Seed } from './random/seeds.ts';
export { replicationSeed } from './random/seeds.ts';
export type { RunOptions, RunResult } from './run.ts';
export { runModel } from './run.ts';
export { SIM_CORE_VERSION } from './version.ts';
