// A Lambda's configuration from its environment: a missing or malformed value is an error that names it.
import { afterEach, describe, expect, it } from 'vitest';
import { requireEnv, wholeNumberEnv } from '../../lambdas/env.ts';

const NAME = 'TWIN_TEST_SETTING';

describe('Lambda environment', () => {
  afterEach(() => {
    delete process.env[NAME];
  });

  it('reads a whole number, and nothing when the variable is unset or empty', () => {
    expect(wholeNumberEnv(NAME, 1)).toBeUndefined();
    process.env[NAME] = '';
    expect(wholeNumberEnv(NAME, 1)).toBeUndefined();
    process.env[NAME] = '200';
    expect(wholeNumberEnv(NAME, 1)).toBe(200);
  });

  it('names the variable when its value is not a whole number or too small', () => {
    for (const bad of ['0', '2.5', 'many']) {
      process.env[NAME] = bad;
      expect(() => wholeNumberEnv(NAME, 1)).toThrow(
        `environment variable ${NAME} must be a whole number of at least 1, got "${bad}"`,
      );
    }
  });

  it('names a required variable that is not set, and what it is for', () => {
    expect(() => requireEnv(NAME, 'the state table')).toThrow(
      `environment variable ${NAME} is not set: it must give the state table`,
    );
  });
});
