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

/** Node's codes for an endpoint that cannot be reached (socket, DNS). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The endpoint did not answer: nothing listens there, the name is unknown, or it timed out. */
export function isConnectionError(error: unknown): boolean {
  const e = (error ?? {}) as { code?: string; name?: string };
  return UNREACHABLE.has(e.code ?? '') || e.name === 'TimeoutError';
}
