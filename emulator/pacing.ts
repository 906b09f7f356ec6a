// Scaled real time, as an outer layer around the kernel (SimPy's rt.py idea): the simulation is
// stepped when the wall clock reaches each event's time divided by the speed. The kernel itself
// never sees the wall clock.
import { setTimeout as delay } from 'node:timers/promises';
import type { Environment } from '../sim-core/index.ts';

export interface PacingOptions {
  /** Simulated time per wall-clock time: 60 = one simulated minute per second; Infinity = no waiting. */
  speed: number;
  /** Stop at this simulated time. */
  until?: number;
  /** Called after each instant's events have been processed (to flush what they produced). */
  afterStep?: (now: number) => Promise<void> | void;
  signal?: AbortSignal;
  /** The wall clock and the wait, injectable for tests. */
  wallClock?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined);

/** Runs `env` in scaled real time until its calendar is empty, `until`, or the signal aborts. */
export async function runPaced(env: Environment, options: PacingOptions): Promise<void> {
  const wall = options.wallClock ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const simStart = env.now;
  const wallStart = wall();
  const until = options.until ?? Number.POSITIVE_INFINITY;
  while (!options.signal?.aborted) {
    const next = env.peek();
    if (next === Number.POSITIVE_INFINITY || next >= until) break;
    if (Number.isFinite(options.speed)) {
      const due = wallStart + (next - simStart) / options.speed;
      const wait = due - wall();
      if (wait > 1) await sleep(wait, options.signal);
      if (options.signal?.aborted) break;
    }
    // Every event of this instant, then whatever they produced is handed on.
    while (env.peek() === next) env.step();
    await options.afterStep?.(next);
  }
}
