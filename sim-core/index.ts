// sim-core: the discrete-event simulation kernel, the block library and random numbers; it knows
// nothing of orders or plants. Pure TypeScript: no I/O, no Math.random, and no wall clock in any
// result (only the limits that end a runaway run read it).

export type { BlockObserver } from './blocks/blocks.ts';
export { Block, BlockStats, Delay, Release, Router, Seize, Sink, Source } from './blocks/blocks.ts';
export type { BuildOptions, Model, ModelKpis } from './blocks/buildModel.ts';
export { buildModel, byAttributes, modelKpis, parseModelDefinition } from './blocks/buildModel.ts';
export type { ParameterValue } from './blocks/distributions.ts';
export { FORBIDDEN_NAME } from './blocks/distributions.ts';
export { Entity } from './blocks/Entity.ts';
export type { TimelessLoop } from './blocks/loops.ts';
export { alwaysTakesTime, closedLoop, timelessLoop, timeStandsStill } from './blocks/loops.ts';
export type { ModelDefinition, ModelDefinitionInput } from './blocks/ModelDefinition.ts';
export { ModelDefinitionSchema } from './blocks/ModelDefinition.ts';
export { Samples } from './blocks/stats.ts';
export { Environment } from './kernel/Environment.ts';
export type { SimulationBound } from './kernel/errors.ts';
export {
  EmptyScheduleError,
  EventStateError,
  Interrupt,
  ModelError,
  SimError,
  SimulationLimitError,
} from './kernel/errors.ts';
export type { Callback, ConditionValue, ProcessGenerator } from './kernel/events.ts';
export { AllOf, AnyOf, Condition, Event, Priority, Process, Timeout } from './kernel/events.ts';
export type { Dispatch, ResourceOptions } from './kernel/resources.ts';
export { BaseResource, OrderedResource, PriorityResource, Request, Resource } from './kernel/resources.ts';
export type { SimulationLimits } from './limits.ts';
export {
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_WALL_MS,
  MAX_REPLICATIONS,
  RunLimits,
} from './limits.ts';
export { casymdaBenchmarkModel } from './models/index.ts';
export { nearestRank, quantileOf } from './quantile.ts';
export type { StreamKey } from './random/KeyedStreams.ts';
export { KeyedStreams, nameKey } from './random/KeyedStreams.ts';
export type { DistributionSpec, Rng, Sampler } from './random/Random.ts';
export {
  MAX_MODEL_VALUE,
  MAX_REJECTIONS,
  Random,
  sampler,
  scaleDistribution,
  seededRng,
} from './random/Random.ts';
export type { Seed } from './random/seeds.ts';
export { replicationSeed } from './random/seeds.ts';
export type { RunOptions, RunResult } from './run.ts';
export { runModel } from './run.ts';
export { SIM_CORE_VERSION } from './version.ts';
