// Rules for every AWS SDK client of the twin (Lambdas, local runtime, CLI, emulator): no per-call log
// step, and low-level clients resolve a command's middleware once.

/** The part of an AWS SDK v3 client this rule touches. */
interface WithMiddlewareStack {
  middlewareStack: { remove(toRemove: string): boolean };
}

/**
 * Removes the SDK's logger middleware from `client` (and from every document client made from it,
 * which shares its middleware stack), and returns the client.
 *
 * That middleware runs on every call even when no logger is configured, because the default logger
 * is a no-op that still has an `info` method: before each call's no-op log, it copies the whole
 * input and output through the service's schema to redact sensitive fields. The twin never logs SDK
 * calls (its own logs are Powertools' structured lines), so the copy is pure CPU: reading a DynamoDB
 * stream record with both images takes about 70 µs of client CPU without it and 100–120 µs with it
 * (`twin bench parts` measures both); a conditional update, about 2 % less.
 * Failed calls still throw as before; only the log line that nobody reads is gone.
 */
export function withoutCallLog<C extends WithMiddlewareStack>(client: C): C {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/**
 * Configuration every low-level client of the twin shares: the SDK resolves a command's middleware
 * stack once per command class and reuses it, instead of building it again on every call. The
 * ingest writes once per order per batch, so this is per-event CPU: its conditional update took
 * 444–508 µs of the client's CPU with it and 502–583 µs without (a scratch run on DynamoDB Local,
 * four warm rounds each of 7,000 writes, 16 at once, alternated; about 15 % less). A document
 * client refuses the option (it shares the middleware stack of the client it wraps), so the twin's
 * document clients wrap a client of their own, without it; the state store, which the ingest writes
 * through, speaks the low-level client's attribute values.
 */
export const CACHED_MIDDLEWARE = { cacheMiddleware: true } as const;
