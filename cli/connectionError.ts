// Whether a command's endpoint could not be reached. Apart from errors.ts, which every command
// loads, because it needs the AWS SDK's error classification.
import { isUnreachable } from '../contracts/unreachable.ts';

/** The endpoint did not answer: nothing listens there, the name is unknown, or it timed out. */
export function isConnectionError(error: unknown): boolean {
  return isUnreachable(error) || (error as { name?: string } | undefined)?.name === 'TimeoutError';
}
