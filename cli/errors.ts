// Errors the command line reports as one line and an exit code, never as a stack trace.
import { isUnreachable } from '../contracts/unreachable.ts';

/** A mistake of the user's (bad option, unreadable file, invalid input): exit code 2 by default. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The endpoint did not answer: nothing listens there, the name is unknown, or it timed out. */
export function isConnectionError(error: unknown): boolean {
  return isUnreachable(error) || (error as { name?: string } | undefined)?.name === 'TimeoutError';
}
