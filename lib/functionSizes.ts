// The memory and processor of the twin's stream functions, in a module of its own without aws-cdk-lib:
// the constructs size their functions from it, and the cost model (`twin cost`) reads the same values.

/** The ingest function's memory (MB): it validates events and writes them, light work. */
export const INGEST_MEMORY_MB = 512;

/** The forecast function's memory unless the stack says otherwise (`twin:forecast-memory-mb`). */
export const DEFAULT_FORECAST_MEMORY_MB = 1024;

/** Lambda gives a function one vCPU's worth of processor per this many MB of memory (up to 6 vCPUs). */
export const MB_PER_VCPU = 1769;

/** The most memory a Lambda function can have (MB): 6 vCPUs. */
export const MAX_FUNCTION_MEMORY_MB = 10_240;

/**
 * The threads a forecast function of `memoryMb` runs a Monte Carlo forecast's replications on: one
 * per vCPU its memory buys (up to 6 at 10,240 MB), and at least its own.
 */
export function forecastThreads(memoryMb: number): number {
  return Math.max(1, Math.min(6, Math.round(memoryMb / MB_PER_VCPU)));
}

/** The observer function's memory (MB). */
export const OBSERVER_MEMORY_MB = 512;

/** The processor every function of the stack runs on (TwinFunction: Architecture.ARM_64), as Lambda names it. */
export const LAMBDA_ARCHITECTURE_NAME = 'arm64';
