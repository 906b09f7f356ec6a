// Reading the user's JSON files with errors that name the file.
import { readFile } from 'node:fs/promises';
import { checkForecastModel, orderFlowModel } from '../orderflow/index.ts';
import { type ModelDefinition, ModelError, parseModelDefinition } from '../sim-core/index.ts';
import { CliError } from './errors.ts';

/** Reads and parses a JSON file; a missing file or bad JSON is a CliError naming it. */
export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new CliError(`${file}: cannot read: ${why}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
}

/** Loads a model file, or the demo plant's order-flow model when no file is given. */
export async function loadModel(file: string | undefined): Promise<ModelDefinition> {
  if (file === undefined) return orderFlowModel;
  const raw = await readJson(file);
  try {
    return parseModelDefinition(raw);
  } catch (error) {
    if (error instanceof ModelError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

/**
 * Loads a model file for the live forecast and checks that it is an order-flow model (a forecast
 * and a Monte Carlo draw of an empty plant), so that a wrong file stops the start, not every forecast.
 */
export async function loadForecastModel(file: string): Promise<ModelDefinition> {
  const model = await loadModel(file);
  try {
    checkForecastModel(model);
  } catch (error) {
    if (error instanceof ModelError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
  return model;
}
