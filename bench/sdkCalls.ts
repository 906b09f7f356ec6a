// Counts the calls an AWS SDK client sends, through a middleware the benchmark adds to the client
// (the SDK's public middleware stack): product code keeps no counters.

/** The part of an SDK client (or document client) the counter needs. */
interface WithMiddleware {
  middlewareStack: {
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's middleware types differ per client.
    add(middleware: any, options: { step: 'initialize'; name: string }): void;
  };
}

/** A running count of the commands `client` has sent (retries of one command count once). */
export interface CallCount {
  readonly calls: number;
}

/** Counts every command `client` sends from now on; a document client counts with its base client. */
export function countCalls(client: WithMiddleware): CallCount {
  const count = { calls: 0 };
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>) => (args: unknown) => {
      count.calls++;
      return next(args);
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );
  return count;
}
