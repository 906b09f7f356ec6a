// The forecast Lambda's MODEL_FILE: the plant model file bundled with it, read and checked at the
// function's start, so that a bad file is one clear error and not a failure per batch.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { plantModelEnv, readPlantModelFile } from '../../forecast/modelFile.ts';
import { modelHash } from '../../orderflow/model/modelHash.ts';

const NAME = 'TWIN_TEST_MODEL_FILE';
const dir = mkdtempSync(join(tmpdir(), 'twin-model-file-'));

describe('MODEL_FILE', () => {
  afterEach(() => {
    delete process.env[NAME];
  });

  it('gives no model when unset, and the model in the file when set', () => {
    expect(plantModelEnv(NAME)).toBeUndefined();
    process.env[NAME] = 'examples/models/flow-shop.json';

    const model = plantModelEnv(NAME)!;

    expect(model.name).toBe('flow-shop');
    expect(modelHash(model)).toBe(modelHash(readPlantModelFile('examples/models/flow-shop.json')));
  });

  it('names the variable, the file and what is wrong: missing, not JSON, the JSON path of a bad value', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'x', products: [{ id: 'p', routing: [] }] }));
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{');
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.json'), /: cannot read: no such file$/],
      [notJson, /: not valid JSON: /],
      [bad, /: model\.products\[0\]\.routing: needs at least one step$/],
    ];

    for (const [file, says] of cases) {
      process.env[NAME] = file;
      expect(() => plantModelEnv(NAME)).toThrow(`environment variable ${NAME}: ${file}: `);
      expect(() => plantModelEnv(NAME)).toThrow(says);
    }
  });
});
