// Which failures the twin counts as an endpoint that cannot be reached (the CLI and the dashboard share
// this): what the SDK classifies as a transient failure, when no HTTP response came back.
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { isUnreachable } from '../../contracts/unreachable.ts';

const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('isUnreachable', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENOTFOUND',
    'EAI_AGAIN',
  ])('counts Node’s %s', (code) => {
    expect(isUnreachable(withCode(code))).toBe(true);
  });

  it('counts the SDK’s timeout, and a socket error that is the cause of another', () => {
    expect(isUnreachable(Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }))).toBe(true);
    expect(isUnreachable(new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }))).toBe(true);
  });

  it('does not count a service that answered, even when it throttled or failed', () => {
    const throttled = new ProvisionedThroughputExceededException({
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
    const unavailable = Object.assign(new Error('Service Unavailable'), {
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503 },
    });
    expect(isUnreachable(throttled)).toBe(false);
    expect(isUnreachable(unavailable)).toBe(false);
    expect(isUnreachable(new Error('wrapped', { cause: unavailable }))).toBe(false);
  });

  it('counts nothing else, and survives a thrown value that is not an error', () => {
    expect(isUnreachable(withCode('EACCES'))).toBe(false);
    expect(isUnreachable(Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' }))).toBe(
      false,
    );
    expect(
      isUnreachable(Object.assign(new Error('stopped'), { name: 'AbortError', code: 'ECONNRESET' })),
    ).toBe(false);
    expect(isUnreachable(undefined)).toBe(false);
    expect(isUnreachable('ECONNREFUSED')).toBe(false);
  });
});
