// Errors the command line reports as one line and an exit code, never as a stack trace.

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
