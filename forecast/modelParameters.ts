// The forecast model's parameter overrides as a deploy gives them: JSON (the forecast Lambda's
// MODEL_PARAMETERS, the stack's `twin:forecast-model-parameters` context), checked against the model
// before the first forecast. One checker for both, so that they accept and refuse the same values.

import { checkForecastModel, type PlantModel } from '../orderflow/index.ts';
import { ModelError } from '../sim-core/index.ts';

/** Why parameter overrides were refused; the caller says where they came from. */
export class ModelParametersError extends Error {
  override name = 'ModelParametersError';
}

/**
 * Parameter overrides given as a JSON object, or as its text, checked against `model` (names,
 * values, distributions). Throws `ModelParametersError` saying what is wrong.
 */
export function checkModelParameters(value: unknown, model: PlantModel): Record<string, unknown> {
  const shown = () => (typeof value === 'string' ? value : String(JSON.stringify(value))).slice(0, 80);
  let parameters = value;
  if (typeof value === 'string') {
    try {
      parameters = JSON.parse(value);
    } catch {
      throw new ModelParametersError(`not JSON: ${shown()}`);
    }
  }
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))
    throw new ModelParametersError(`must be a JSON object of parameters, got ${shown()}`);
  try {
    checkForecastModel(model, parameters as Record<string, unknown>);
  } catch (error) {
    if (error instanceof ModelError) throw new ModelParametersError(error.message);
    throw error;
  }
  return parameters as Record<string, unknown>;
}

/**
 * The forecast model's parameter overrides in environment variable `name`, checked against
 * `model`; {} when unset. Throws naming the variable when malformed.
 */
export function modelParametersEnv(name: string, model: PlantModel): Record<string, unknown> {
  const text = process.env[name];
  if (text === undefined || text === '') return {};
  try {
    return checkModelParameters(text, model);
  } catch (error) {
    if (error instanceof ModelParametersError)
      throw new Error(`environment variable ${name}: ${error.message}`);
    throw error;
  }
}
