// The Lambda entries: each invocation hands its context to the function's logger, so that every log
// line carries the request id and whether it was a cold start.
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const context = {
  awsRequestId: 'req-1',
  functionName: 'twin-fn',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:twin-fn',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 30_000,
} as Context;

describe('the Lambda entries', () => {
  beforeEach(() => {
    vi.stubEnv('ORDER_STATE_TABLE', 'order-state');
    vi.stubEnv('FORECASTS_TABLE', 'forecasts');
    vi.stubEnv('FAILURE_FILE', '/dev/null');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it.each([
    ['ingest', () => import('../../lambdas/ingest.ts')],
    ['forecast', () => import('../../lambdas/forecast.ts')],
  ])('%s adds the invocation’s context to its logger', async (_, load) => {
    const addContext = vi.spyOn(Logger.prototype, 'addContext');
    const { handler } = await load();

    const response = await handler({ Records: [] }, context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(addContext).toHaveBeenCalledWith(context);
  });

  it('calibrate adds the context to its logger, and recalibrates for the reason it is given, on schedule by default', async () => {
    const addContext = vi.spyOn(Logger.prototype, 'addContext');
    // No samples in the table: nothing to recalibrate, and nothing written.
    const sent: string[] = [];
    vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(async (command: object) => {
      sent.push(command.constructor.name);
      return { Items: [] } as never;
    });
    const info = vi.spyOn(Logger.prototype, 'info');
    const { handler } = await import('../../lambdas/calibrate.ts');

    expect(await handler({ reason: 'drift' }, context)).toEqual({ calibrated: false });
    expect(await handler({ 'detail-type': 'Scheduled Event' } as never, context)).toEqual({
      calibrated: false,
    });

    expect(addContext).toHaveBeenCalledWith(context);
    expect(sent).toEqual(['QueryCommand', 'QueryCommand']);
    expect(info.mock.calls.map(([, extra]) => (extra as { reason: string }).reason)).toEqual([
      'drift',
      'schedule',
    ]);
  });
});
