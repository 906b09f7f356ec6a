// What the twin counts as an endpoint that cannot be reached: one list, so that the command line and
// the dashboard name the same failures the same way.

/** Node's socket and DNS codes for an endpoint that does not answer. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Nothing listens at the endpoint, its name is unknown, or the connection timed out or broke. */
export function isUnreachable(error: unknown): boolean {
  const e = (error ?? {}) as { code?: unknown; name?: unknown };
  return UNREACHABLE.has(String(e.code)) || UNREACHABLE.has(String(e.name));
}
