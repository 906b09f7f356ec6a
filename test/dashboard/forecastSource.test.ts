// How the dashboard's DynamoDB source names a failure: a missing table, a table that does not answer, or anything else as it came.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ForecastTableMissingError, ForecastUnavailableError } from '../../dashboard/errors.ts';
import { DynamoDbForecastSource } from '../../dashboard/forecastSource.ts';

/** A source whose every DynamoDB call fails with `error`. */
const failingWith = (error: unknown) =>
  new DynamoDbForecastSource(
    {
      send: async () => {
        throw error;
      },
    } as unknown as DynamoDBDocumentClient,
    'forecasts',
  );
const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
const named = (name: string) => Object.assign(new Error(name), { name });

describe('DynamoDbForecastSource', () => {
  it.each(['ECONNREFUSED', 'EAI_AGAIN'])(
    'reports %s (an unreachable endpoint: test/contracts) as a forecasts table that did not answer',
    async (code) => {
      const source = failingWith(withCode(code));

      await expect(source.version()).rejects.toThrow(ForecastUnavailableError);
      await expect(source.latest()).rejects.toThrow(`the forecasts table did not answer (${code})`);
    },
  );

  it('reports throttling and timeouts as a table that did not answer, and a missing table by its name', async () => {
    await expect(failingWith(named('ThrottlingException')).version()).rejects.toThrow(
      ForecastUnavailableError,
    );
    await expect(failingWith(named('TimeoutError')).version()).rejects.toThrow(ForecastUnavailableError);
    await expect(failingWith(named('ResourceNotFoundException')).version()).rejects.toThrow(
      new ForecastTableMissingError('forecasts'),
    );
  });

  it('passes any other failure on as it came', async () => {
    const denied = named('AccessDeniedException');

    await expect(failingWith(denied).version()).rejects.toBe(denied);
    await expect(failingWith(undefined).version()).rejects.toBeUndefined();
  });
});
