// The forecast model's parameter overrides as a deploy gives them (the forecast Lambda's
// MODEL_PARAMETERS): JSON, checked against the model before the first forecast.
import {
  checkForecastModel,
  type ModelDefinition,
  ModelError,
  type ParameterValue,
} from '../sim-core/index.ts';

/**
 * The forecast model's parameter overrides in environment variable `name` (a JSON object, distributions
 * included), checked against `model`; {} when unset. Throws naming the variable when malformed.
 */
export function modelParametersEnv(name: string, model: ModelDefinition): Record<string, ParameterValue> {
  const text = process.env[name];
  if (text === undefined || text === '') return {};
  let parameters: unknown;
  try {
    parameters = JSON.parse(text);
  } catch {
    throw new Error(`environment variable ${name} is not JSON: ${text.slice(0, 80)}`);
  }
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))
    throw new Error(
      `environment variable ${name} must be a JSON object of parameters, got ${text.slice(0, 80)}`,
    );
  try {
    checkForecastModel(model, parameters as Record<string, ParameterValue>);
  } catch (error) {
    if (error instanceof ModelError) throw new Error(`environment variable ${name}: ${error.message}`);
    throw error;
  }
  return parameters as Record<string, ParameterValue>;
}
