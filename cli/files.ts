// Reading the user's JSON files with errors that name the file.
import { readFile } from 'node:fs/promises';
import { otherFileProblem } from '../contracts/fileKinds.ts';
import { parsePlantModel } from '../orderflow/model/parsePlantModel.ts';
import type { PlantModel } from '../orderflow/model/plantModel.ts';
import { orderFlowModel } from '../orderflow/models/index.ts';
import type { ModelDefinition } from '../sim-core/blocks/ModelDefinition.ts';
import { ModelError } from '../sim-core/kernel/errors.ts';
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

/** Loads a sim-core block model file (`twin simulate`). */
export async function loadModel(file: string | undefined): Promise<ModelDefinition> {
  if (file === undefined) throw new CliError('--model is required');
  const raw = await readJson(file);
  const other = otherFileProblem(raw, 'block model');
  if (other !== undefined) throw new CliError(`${file}: ${other}`);
  // The block models' schemas load with the one command that reads them.
  const { parseModelDefinition } = await import('../sim-core/blocks/buildModel.ts');
  try {
    return parseModelDefinition(raw);
  } catch (error) {
    if (error instanceof ModelError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

/**
 * Loads a plant model file (checked against the schema, its references and its parameters), or the
 * demo plant when no file is given; a bad file is a CliError naming it, the JSON path and the problem.
 */
export async function loadPlantModel(file: string | undefined): Promise<PlantModel> {
  if (file === undefined) return orderFlowModel;
  const raw = await readJson(file);
  try {
    return parsePlantModel(raw);
  } catch (error) {
    if (error instanceof ModelError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

/** Loads the plant model file of the live forecast: a wrong file stops the start, not every forecast. */
export async function loadForecastModel(file: string): Promise<PlantModel> {
  return loadPlantModel(file);
}

/**
 * `--param name=value` options as parameter overrides: the value as JSON (a number, a distribution
 * such as {"dist":"uniform","min":8,"max":10}), or else as a name (a queue rule: fifo).
 */
export function parameterOptions(values: readonly string[]): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const option of values) {
    const eq = option.indexOf('=');
    if (eq <= 0) throw new CliError(`--param must be name=value, got "${option}"`);
    const name = option.slice(0, eq);
    const text = option.slice(eq + 1).trim();
    if (text === '') throw new CliError(`--param ${name}: needs a value after "="`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    Object.defineProperty(parameters, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return parameters;
}
