// Which failures the twin counts as an endpoint that cannot be reached (the CLI and the dashboard share this).
import { describe, expect, it } from 'vitest';
import { isUnreachable } from '../../contracts/unreachable.ts';

const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('isUnreachable', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENOTFOUND',
    'EAI_AGAIN',
  ])('counts %s', (code) => {
    expect(isUnreachable(withCode(code))).toBe(true);
  });

  it('counts an error named by such a code', () => {
    expect(isUnreachable(Object.assign(new Error('refused'), { name: 'ECONNREFUSED' }))).toBe(true);
  });

  it('counts nothing else, and survives a thrown value that is not an error', () => {
    expect(isUnreachable(withCode('EACCES'))).toBe(false);
    expect(isUnreachable(Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' }))).toBe(
      false,
    );
    expect(isUnreachable(undefined)).toBe(false);
    expect(isUnreachable('ECONNREFUSED')).toBe(false);
  });
});
