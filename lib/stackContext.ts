// The stack's settings from CDK context (`cdk deploy -c twin:localstack=true`, or cdk.json), checked:
// a malformed value stops the synth with a message that names the key.
import { resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { ModelFileError, readPlantModelFile } from '../forecast/modelFile.ts';
import { checkModelParameters, ModelParametersError } from '../forecast/modelParameters.ts';
import { orderFlowModel, type PlantModel } from '../orderflow/index.ts';
import { FORECAST_CLOCKS, type ForecastClockName } from './ForecastPipeline.ts';
import { MAX_FUNCTION_MEMORY_MB } from './functionSizes.ts';
import type { TwinStackProps } from './TwinStack.ts';

/** The context keys the app reads, and what they do. */
export const CONTEXT_KEYS = {
  localstack: 'twin:localstack',
  namePrefix: 'twin:name-prefix',
  ingestParallelizationFactor: 'twin:ingest-parallelization-factor',
  forecastBatchingWindowSeconds: 'twin:forecast-batching-window-seconds',
  forecastReplications: 'twin:forecast-replications',
  forecastRecommendBudgetMs: 'twin:forecast-recommend-budget-ms',
  forecastMemoryMb: 'twin:forecast-memory-mb',
  forecastParallelizationFactor: 'twin:forecast-parallelization-factor',
  model: 'twin:model',
  forecastModelParameters: 'twin:forecast-model-parameters',
  forecastClock: 'twin:forecast-clock',
  retainData: 'twin:retain-data',
  dashboardPage: 'twin:dashboard-page',
  dashboardReservedConcurrency: 'twin:dashboard-reserved-concurrency',
  calibrateSchedule: 'twin:calibrate-schedule',
  alertEmail: 'twin:alert-email',
} as const;

/** A context value that is not what its key takes. */
export class ContextError extends Error {
  override name = 'ContextError';
  readonly key: string;
  constructor(key: string, message: string) {
    super(`context ${key}: ${message}`);
    this.key = key;
  }
}

function flag(node: Node, key: string): boolean | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ContextError(key, `must be true or false, got ${JSON.stringify(value)}`);
}

function integer(node: Node, key: string, min: number, max: number): number | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ContextError(key, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** One of `choices`, or undefined when unset. */
function oneOf<T extends string>(node: Node, key: string, choices: readonly T[]): T | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new ContextError(key, `must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
}

/**
 * The dashboard's reserved concurrency: a whole number from 1 to 1000, or `none` for no reservation.
 * Lambda takes 0 to mean "throttle every request", so 0 is refused rather than read as "none".
 */
function reservedConcurrency(node: Node, key: string): number | 'none' | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (value === 'none') return 'none';
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  if (n === 0) {
    throw new ContextError(
      key,
      'must not be 0, which would throttle every request: use none for no reservation',
    );
  }
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new ContextError(
      key,
      `must be a whole number from 1 to 1000, or none, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** An e-mail address (one, plainly written: SNS sends it a confirmation), or undefined when unset. */
function emailAddress(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (typeof value === 'string' && /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/.test(value)) return value;
  throw new ContextError(key, `must be an e-mail address, got ${JSON.stringify(value)}`);
}

/**
 * The forecast's plant model file (a path, relative to the folder `cdk` runs in), read and checked as
 * the Lambda will read it: the absolute path and the model.
 */
function plantModelFile(node: Node, key: string): { file: string; model: PlantModel } | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ContextError(key, `must be the path of a plant model file, got ${JSON.stringify(value)}`);
  }
  try {
    return { file: resolve(value), model: readPlantModelFile(value) };
  } catch (error) {
    if (error instanceof ModelFileError) throw new ContextError(key, error.message);
    throw error;
  }
}

/**
 * Overrides of the forecast model's parameters (a JSON object, or its text, as `-c key='{…}'` gives
 * it), checked by building `model` with them, as the Lambda will.
 */
function modelParameters(node: Node, key: string, model: PlantModel): Record<string, unknown> | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return undefined;
  try {
    return checkModelParameters(value, model);
  } catch (error) {
    if (error instanceof ModelParametersError) throw new ContextError(key, error.message);
    throw error;
  }
}

/**
 * When the twin recalibrates: `off`, or an EventBridge schedule expression, `rate(<n> minute(s) |
 * hour(s) | day(s))` or `cron(<six fields>)`, checked here rather than by CloudFormation at deploy.
 */
function scheduleExpression(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value.trim() : '';
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(text);
  const ok =
    text === 'off' ||
    (rate !== null && Number(rate[1]) >= 1 && (Number(rate[1]) === 1) === !rate[2]!.endsWith('s')) ||
    /^cron\(\S+( \S+){5}\)$/.test(text);
  if (!ok) {
    throw new ContextError(
      key,
      `must be off, rate(1 day), rate(<n> hours), rate(<n> minutes) or cron(<six fields>), got ${JSON.stringify(value)}`,
    );
  }
  return text;
}

/** The TwinStack settings given as context on `node` (the app's). */
export function twinStackPropsFromContext(node: Node): TwinStackProps {
  const prefix: unknown = node.tryGetContext(CONTEXT_KEYS.namePrefix);
  if (prefix !== undefined && (typeof prefix !== 'string' || !/^[A-Za-z0-9_.-]*$/.test(prefix))) {
    throw new ContextError(CONTEXT_KEYS.namePrefix, 'may hold letters, digits, _ . and - only');
  }
  const windowSeconds = integer(node, CONTEXT_KEYS.forecastBatchingWindowSeconds, 0, 300);
  const model = plantModelFile(node, CONTEXT_KEYS.model);
  const props: TwinStackProps = {
    localstack: flag(node, CONTEXT_KEYS.localstack) ?? false,
    ingestParallelizationFactor: integer(node, CONTEXT_KEYS.ingestParallelizationFactor, 1, 10),
    forecastBatchingWindow: windowSeconds === undefined ? undefined : Duration.seconds(windowSeconds),
    forecastReplications: integer(node, CONTEXT_KEYS.forecastReplications, 1, 10_000),
    forecastRecommendBudgetMs: integer(node, CONTEXT_KEYS.forecastRecommendBudgetMs, 0, 10_000),
    forecastMemoryMb: integer(node, CONTEXT_KEYS.forecastMemoryMb, 1024, MAX_FUNCTION_MEMORY_MB),
    forecastParallelizationFactor: integer(node, CONTEXT_KEYS.forecastParallelizationFactor, 1, 10),
    forecastModelFile: model?.file,
    forecastModelParameters: modelParameters(
      node,
      CONTEXT_KEYS.forecastModelParameters,
      model?.model ?? orderFlowModel,
    ),
    forecastClock: oneOf<ForecastClockName>(node, CONTEXT_KEYS.forecastClock, FORECAST_CLOCKS),
    retainData: flag(node, CONTEXT_KEYS.retainData) ?? true,
    dashboardPage: flag(node, CONTEXT_KEYS.dashboardPage) ?? true,
    dashboardReservedConcurrency: reservedConcurrency(node, CONTEXT_KEYS.dashboardReservedConcurrency),
    calibrateSchedule: scheduleExpression(node, CONTEXT_KEYS.calibrateSchedule),
    alertEmail: emailAddress(node, CONTEXT_KEYS.alertEmail),
  };
  return typeof prefix === 'string' ? { ...props, namePrefix: prefix } : props;
}
