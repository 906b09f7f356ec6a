// The ingest Lambda reads how far ahead of its clock an event may be from INGEST_MAX_FUTURE_MINUTES
// (default 1 day); a malformed value stops the function at its start, naming the variable.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { kinesisEvent, v1 } from '../support/events.ts';

const context = { awsRequestId: 'req-1', functionName: 'ingest' } as Context;

describe('the ingest Lambda’s margin for events from the future', () => {
  let failureFile: string;
  beforeEach(() => {
    failureFile = join(mkdtempSync(join(tmpdir(), 'twin-ingest-future-')), 'failures.jsonl');
    vi.resetModules();
    vi.stubEnv('ORDER_STATE_TABLE', 'order-state');
    vi.stubEnv('FAILURE_FILE', failureFile);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  });
  afterEach(() => vi.unstubAllEnvs());

  /** The reasons the Lambda gives for an event `minutesAhead` of the wall clock (refused before any write). */
  const reasonsFor = async (minutesAhead: number) => {
    const { handler } = await import('../../lambdas/ingest.ts');
    const event = v1('OrderAccepted', 'o1', 0, {
      occurredAt: new Date(Date.now() + minutesAhead * 60_000).toISOString(),
    });

    await handler(kinesisEvent([event]), context);

    return readFileSync(failureFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).reason as string);
  };

  it('refuses an event more than a day ahead by default', async () => {
    expect(await reasonsFor(2 * 24 * 60)).toEqual([expect.stringMatching(/more than the 1 day allowed/)]);
  });

  it('takes the margin in minutes from INGEST_MAX_FUTURE_MINUTES', async () => {
    vi.stubEnv('INGEST_MAX_FUTURE_MINUTES', '5');

    expect(await reasonsFor(10)).toEqual([expect.stringMatching(/more than the 5 min allowed/)]);
  });

  it('refuses nothing for being ahead when INGEST_MAX_FUTURE_MINUTES is none', async () => {
    vi.stubEnv('INGEST_MAX_FUTURE_MINUTES', 'none');
    // Nothing listens here: the write fails, and the record is left to be retried, not refused.
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', 'http://127.0.0.1:9');
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const { handler } = await import('../../lambdas/ingest.ts');
    const event = v1('OrderAccepted', 'o1', 0, {
      occurredAt: new Date(Date.now() + 10 * 365 * 24 * 3_600_000).toISOString(),
    });

    const run = handler(kinesisEvent([event]), context);

    // The whole batch failed to be written, so Lambda will hand it over again.
    await expect(run).rejects.toThrow('All records failed processing');
    expect(existsSync(failureFile)).toBe(false);
  });

  it('stops at its start when INGEST_MAX_FUTURE_MINUTES is not a whole number', async () => {
    vi.stubEnv('INGEST_MAX_FUTURE_MINUTES', 'a day');

    await expect(import('../../lambdas/ingest.ts')).rejects.toThrow(
      'environment variable INGEST_MAX_FUTURE_MINUTES must be a whole number of at least 0, got "a day"',
    );
  });
});
