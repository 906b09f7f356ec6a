// The forecast Lambda's MODEL_PARAMETERS: JSON overrides of the model's parameters, checked at the
// function's start, so that a bad deploy setting is one clear error and not a failure per batch.
import { afterEach, describe, expect, it } from 'vitest';
import { modelParametersEnv } from '../../forecast/modelParameters.ts';
import { orderFlowModel } from '../../orderflow/index.ts';

const NAME = 'TWIN_TEST_MODEL_PARAMETERS';
const set = (value: string) => {
  process.env[NAME] = value;
};

describe('MODEL_PARAMETERS', () => {
  afterEach(() => {
    delete process.env[NAME];
  });

  it('gives no overrides when unset, and the parameters, distributions included, when set', () => {
    expect(modelParametersEnv(NAME, orderFlowModel)).toEqual({});
    const parameters = { lines: 2, productionTime: { dist: 'triangular', min: 1, mode: 2, max: 4 } };
    set(JSON.stringify(parameters));
    expect(modelParametersEnv(NAME, orderFlowModel)).toEqual(parameters);
  });

  it('names the variable and what is wrong: not JSON, not an object, a parameter the model lacks, a bad distribution', () => {
    const cases: [string, string][] = [
      ['{"lines": ', `environment variable ${NAME}: not JSON: {"lines": `],
      ['[1, 2]', `environment variable ${NAME}: must be a JSON object of parameters, got [1, 2]`],
      ['{"speed": 2}', `environment variable ${NAME}: model "order-flow" has no parameter "speed"`],
      [
        '{"productionTime": {"dist": "uniform", "min": 5}}',
        `environment variable ${NAME}: parameter "productionTime" must be a number >= 0, a distribution`,
      ],
      [
        '{"etaSlip": "late"}',
        `environment variable ${NAME}: parameter "etaSlip" must be a distribution, got "late"`,
      ],
    ];
    for (const [value, message] of cases) {
      set(value);
      expect(() => modelParametersEnv(NAME, orderFlowModel), value).toThrow(message);
    }
  });
});
