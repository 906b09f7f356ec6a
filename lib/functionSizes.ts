// The memory and processor of the twin's stream functions, in a module of its own without aws-cdk-lib:
// the constructs size their functions from it, and the cost model (`twin cost`) reads the same values.

/** The ingest function's memory (MB): it validates events and writes them, light work. */
export const INGEST_MEMORY_MB = 512;

/** The forecast function's memory unless the stack says otherwise (`twin:forecast-memory-mb`). */
export const DEFAULT_FORECAST_MEMORY_MB = 1024;

/** The observer function's memory (MB). */
export const OBSERVER_MEMORY_MB = 512;

/** The processor every function of the stack runs on (TwinFunction: Architecture.ARM_64), as Lambda names it. */
export const LAMBDA_ARCHITECTURE_NAME = 'arm64';
