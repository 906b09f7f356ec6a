// Waiting for a long-running command to be stopped: Ctrl+C (SIGINT) or SIGTERM, whichever comes first.

/** Resolves at the first SIGINT or SIGTERM, and stops listening for them then. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
