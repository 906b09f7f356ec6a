// The forecast's plant model as a deploy gives it: a model file, named by the stack's `twin:model`
// context (checked at synth), bundled with the forecast Lambda, which reads it at its start from
// MODEL_FILE. One reader for both, so that they accept and refuse the same files.
import { readFileSync } from 'node:fs';
import type { PlantModel } from '../orderflow/index.ts';
import { parsePlantModel } from '../orderflow/index.ts';
import { ModelError } from '../sim-core/index.ts';

/** Why a model file was refused: the file, and what is wrong with it (the JSON path in it). */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.file = file;
  }
}

/** Reads and checks the plant model file `file`; a ModelFileError names the file and what is wrong. */
export function readPlantModelFile(file: string): PlantModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new ModelFileError(file, `cannot read: ${why}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(file, `not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parsePlantModel(raw);
  } catch (error) {
    if (error instanceof ModelError) throw new ModelFileError(file, error.message, { cause: error });
    throw error;
  }
}

/**
 * The plant model in the file that environment variable `name` names; undefined when unset. Throws
 * naming the variable, the file and what is wrong.
 */
export function plantModelEnv(name: string): PlantModel | undefined {
  const file = process.env[name];
  if (file === undefined || file === '') return undefined;
  try {
    return readPlantModelFile(file);
  } catch (error) {
    if (error instanceof ModelFileError) throw new Error(`environment variable ${name}: ${error.message}`);
    throw error;
  }
}
