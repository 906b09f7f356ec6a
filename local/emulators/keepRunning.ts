// Keeps an emulator running: when its process exits without being asked to (killed, crashed), it is
// started again on the same port and with the same data, so that the clients pointed at it find it
// where they left it. A process that keeps failing is restarted less and less often.
import { setTimeout as delay } from 'node:timers/promises';
import type { Emulator, EmulatorName } from './types.ts';

/** What happens to a kept emulator, for the log. */
export type RestartEvent =
  | { kind: 'exited'; emulator: EmulatorName; port: number; how: string; restartInMs: number }
  | { kind: 'restarted'; emulator: EmulatorName; port: number; startupMs: number }
  | { kind: 'restart-failed'; emulator: EmulatorName; port: number; error: Error; restartInMs: number };

/** The first restart waits this long (a port just closed is free at once; the wait spares a crash loop). */
const FIRST_WAIT_MS = 250;
const MAX_WAIT_MS = 30_000;
/** A process that ran this long before it exited counts as healthy: its restart waits the shortest again. */
const HEALTHY_MS = 60_000;

/**
 * Keeps `first` running until `signal` aborts, then stops whichever process is current; `replaced`
 * hears of every new process. Resolves once stopped.
 */
export async function keepRunning(
  first: Emulator,
  options: {
    signal: AbortSignal;
    replaced: (emulator: Emulator) => void;
    report: (event: RestartEvent) => void;
  },
): Promise<void> {
  const { signal, report } = options;
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const wait = (n: number) => Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** n);
  let current = first;
  let upSince = Date.now();
  let restarts = 0;
  for (;;) {
    const how = await Promise.race([current.exited, aborted.then(() => undefined)]);
    if (how === undefined || signal.aborted) {
      await current.stop();
      return;
    }
    if (Date.now() - upSince > HEALTHY_MS) restarts = 0;
    const { name: emulator, port } = current;
    report({ kind: 'exited', emulator, port, how, restartInMs: wait(restarts) });
    for (;;) {
      await delay(wait(restarts++), undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      try {
        current = await current.restart();
        upSince = Date.now();
        options.replaced(current);
        report({ kind: 'restarted', emulator, port, startupMs: current.startupMs });
        break;
      } catch (error) {
        report({
          kind: 'restart-failed',
          emulator,
          port,
          error: error instanceof Error ? error : new Error(String(error)),
          restartInMs: wait(restarts),
        });
      }
    }
  }
}
